import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { lockFile, lockHolder, tryLock, unlock } from '../../../src/lib/experiment/locks';

const WORK = mkdtempSync(join(tmpdir(), 'relu-ae-locks-'));
after(() => rmSync(WORK, { recursive: true, force: true }));

function freshDirectory(name: string): string {
  const directory = join(WORK, name);
  rmSync(directory, { recursive: true, force: true });
  spawnSync('mkdir', ['-p', directory]);
  return directory;
}

test('a free lock is taken with its owner written, no draft is left behind, and unlock frees it', () => {
  const directory = freshDirectory('free');
  assert.equal(tryLock(directory, 'run-a'), true);
  assert.deepEqual(readdirSync(directory), ['run-a.lock']);
  const owner = JSON.parse(readFileSync(lockFile(directory, 'run-a'), 'utf8'));
  assert.equal(owner.pid, process.pid);
  assert.equal(owner.host, hostname());
  assert.equal(tryLock(directory, 'run-a'), true, 'the holder may take its own lock again');
  unlock(directory, 'run-a');
  assert.deepEqual(readdirSync(directory), []);
});

test('a lock held by a live process is refused; one whose process is gone is taken over', () => {
  const directory = freshDirectory('held');
  writeFileSync(lockFile(directory, 'run-b'), JSON.stringify({ pid: process.ppid, host: hostname(), since: new Date().toISOString() }));
  assert.equal(tryLock(directory, 'run-b'), false);
  assert.equal(lockHolder(directory, 'run-b')?.pid, process.ppid);
  unlock(directory, 'run-b');
  assert.equal(lockHolder(directory, 'run-b')?.pid, process.ppid, 'another process\'s lock is left alone');
  const gone = spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' });
  writeFileSync(lockFile(directory, 'run-b'), JSON.stringify({ pid: Number(gone.stdout.trim()), host: hostname(), since: new Date().toISOString() }));
  assert.equal(tryLock(directory, 'run-b'), true);
  assert.equal(lockHolder(directory, 'run-b')?.pid, process.pid);
});

test('two processes racing for the same 400 locks take each exactly once between them', { timeout: 60_000 }, async () => {
  const directory = freshDirectory('race');
  const script = join(WORK, 'race.js');
  // Each process takes what it can, as fast as it can, and never lets go: a lock taken twice shows up as a key both report.
  writeFileSync(script, `
const { tryLock } = require(${JSON.stringify(resolve(__dirname, '../../../src/lib/experiment/locks'))});
const taken = [];
while (Date.now() < Number(process.argv[3])); // both start at once, so that their takes interleave
for (let index = 0; index < 400; index++) if (tryLock(process.argv[2], 'run-' + index)) taken.push(index);
console.log(JSON.stringify(taken));
// Stay alive until told: a lock whose process has exited is stale, and the other would rightly take it over.
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
`);
  const startAt = Date.now() + 1500;
  const children = [0, 1].map(() => spawn(process.execPath, [script, directory, String(startAt)], { stdio: ['pipe', 'pipe', 'inherit'] }));
  const takes = (child: (typeof children)[number]): Promise<number[]> => new Promise((resolvePromise, reject) => {
    let stdout = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      if (stdout.endsWith('\n')) resolvePromise(JSON.parse(stdout));
    });
    child.on('exit', (code) => reject(new Error(`exit ${code} before it reported`)));
  });
  const [first, second] = await Promise.all(children.map(takes));
  await Promise.all(children.map((child) => new Promise((resolveExit) => {
    child.on('exit', resolveExit);
    child.stdin.end();
  })));
  const both = first.filter((index) => second.includes(index));
  assert.deepEqual(both, [], `taken by both: ${both.join(', ')}`);
  assert.equal(first.length + second.length, 400);
  assert.equal(readdirSync(directory).filter((name) => name.endsWith('.tmp')).length, 0, 'no draft is left behind');
});
