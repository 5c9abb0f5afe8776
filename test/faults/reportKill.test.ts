/**
 * Fault class: the report build is killed outright (kill -9, which it cannot catch). Nothing it
 * started may go on: not nbconvert, not the tslab kernel (which runs in a session of its own), not
 * the kernel's worker processes; no file may be written after the kill, the output folder stays as
 * it was, and the next build clears what the dead one left.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findProjectRoot } from '../../scripts/kernel';
import { processTree } from '../../scripts/report/supervise';

const PROJECT_ROOT = findProjectRoot(__dirname);
const REPORT_SCRIPT = join(PROJECT_ROOT, 'build', 'scripts', 'report.js');
const WORK = mkdtempSync(join(tmpdir(), 'relu-ae-kill-'));
const OUTPUT = join(WORK, 'report');
after(() => rmSync(WORK, { recursive: true, force: true }));

const sleep = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !readFileStat(pid).includes(') Z ');
  } catch {
    return false;
  }
}

/** /proc/PID/stat, to tell a zombie (dead, not yet reaped) from a live process. */
function readFileStat(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return '';
  }
}

/** Every file under a folder with its modification time. */
function filesUnder(folder: string): { file: string; modified: number }[] {
  if (!existsSync(folder)) return [];
  return readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .map((file) => ({ file, modified: statSync(file).mtimeMs }));
}

test('kill -9 of the report script takes its whole tree down and writes nothing after', { timeout: 300_000 }, async () => {
  const child = spawn(process.execPath, [REPORT_SCRIPT, '--notebooks', join(PROJECT_ROOT, 'test', 'fixtures'), '--only', 'slow-fixture', '--reports', OUTPUT, '--profile', 'quick'], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, RELU_AE_CACHE_DIR: join(WORK, 'cache') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const pid = child.pid as number;
  // Wait until training runs in worker processes under the kernel: the deepest part of the tree.
  const deadline = Date.now() + 120_000;
  let tree: number[] = [];
  while (Date.now() < deadline) {
    tree = processTree(pid);
    if (tree.length >= 6 && existsSync(join(WORK, 'cache')) && readdirSync(join(WORK, 'cache')).some((name) => name.endsWith('.lock'))) break;
    await sleep(250);
  }
  assert.ok(tree.length >= 6, `the tree never grew (report, supervisor, nbconvert, kernel, workers): ${tree.length} processes\n${output}`);
  const killedAt = Date.now();
  process.kill(pid, 'SIGKILL');
  await sleep(3000);
  const survivors = tree.filter((member) => member !== pid && alive(member));
  assert.deepEqual(survivors, [], `still running after the kill: ${survivors.map((member) => readFileStat(member)).join('\n')}`);
  const written = filesUnder(WORK).filter((entry) => entry.modified > killedAt + 500);
  assert.deepEqual(written.map((entry) => entry.file), [], 'no file written after the kill');
  assert.ok(!existsSync(OUTPUT), 'the output folder was never created: the build did not finish');
  assert.ok(!filesUnder(WORK).some((entry) => entry.file.endsWith('slow-marker.txt')), 'the notebook never reached its end');
  assert.ok(readdirSync(WORK).some((name) => name.startsWith('report.staging-')), 'the dead build left its staging folder');

  // The next build notices the dead one's leftovers and clears them.
  const next = spawnSync(process.execPath, [REPORT_SCRIPT, '--notebooks', join(PROJECT_ROOT, 'test', 'fixtures'), '--only', 'display-fixture', '--reports', OUTPUT, '--profile', 'quick'], {
    cwd: PROJECT_ROOT, encoding: 'utf8', env: { ...process.env, RELU_AE_CACHE_DIR: join(WORK, 'cache') }, timeout: 120_000,
  });
  assert.equal(next.status, 0, next.stderr);
  assert.match(next.stdout, new RegExp(`removed report\\.staging-${pid}, left by a build that was killed`));
  assert.deepEqual(readdirSync(WORK).filter((name) => name.includes('.staging-') || name.endsWith('.lock')), []);
  const staleLocks = readdirSync(join(WORK, 'cache')).filter((name) => name.endsWith('.lock'));
  assert.ok(staleLocks.length <= 2, 'at most the dead workers\' run locks remain, and they are stale (their process is gone)');
});
