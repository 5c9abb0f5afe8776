/**
 * Fault class: the result cache's storage fails. A full disk, a read-only file system and a path
 * that cannot be a folder are made real (a small tmpfs, a read-only tmpfs, a file in the way, a
 * path under /proc) in a private mount namespace of a child process, so nothing outlives the test.
 * What must hold: an unusable folder is refused before any training, with a message that says
 * which folder and why; a disk that fills up mid-way loses no finished run and leaves no
 * temporary file behind.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const WORK = mkdtempSync(join(tmpdir(), 'relu-ae-cache-faults-'));
after(() => rmSync(WORK, { recursive: true, force: true }));

const RUNNER = resolve(__dirname, '../../src/lib/experiment/runner');

/** Six one-epoch runs of a tiny autoencoder. */
const EXPERIMENT = {
  name: 'storage',
  seeds: [1, 2, 3],
  configurations: ['relu', 'elu'].map((hidden) => ({
    label: hidden,
    run: { autoencoder: { layerSizes: [784, 16, 2, 16, 784], hiddenActivation: hidden }, training: { epochs: 1, batchSize: 50 }, data: { trainSize: 200, testSize: 50 } },
  })),
};

interface ChildReport {
  ok: boolean;
  message?: string;
  runs?: number;
  finite?: number;
  notes?: string[];
  startedRuns: number;
  files: string[];
  seconds: number;
}

/**
 * Runs the experiment in a child process inside a private mount namespace, after `setup` (a
 * shell command) prepared the cache folder; returns what the child saw.
 */
function runInNamespace(setup: string, cacheDirectory: string, workers: number): ChildReport {
  const script = join(WORK, `child-${Math.random().toString(16).slice(2)}.js`);
  writeFileSync(script, `
const fs = require('fs');
const { runExperiment } = require(${JSON.stringify(RUNNER)});
const started = Date.now();
let startedRuns = 0;
const files = () => { try { return fs.readdirSync(${JSON.stringify(cacheDirectory)}); } catch { return []; } };
runExperiment(${JSON.stringify(EXPERIMENT)}, { cacheDirectory: ${JSON.stringify(cacheDirectory)}, workers: ${workers},
  onProgress: (progress) => { startedRuns = Math.max(startedRuns, progress.doneRuns + progress.running.length); } })
  .then((result) => console.log(JSON.stringify({ ok: true, runs: result.runs.length,
      finite: result.runs.filter((run) => Number.isFinite(run.result.testMse)).length, notes: result.notes,
      startedRuns, files: files(), seconds: (Date.now() - started) / 1000 })),
    (error) => console.log(JSON.stringify({ ok: false, message: error.message, startedRuns, files: files(), seconds: (Date.now() - started) / 1000 })));
`);
  const child = spawnSync('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', `${setup} && exec "${process.execPath}" "${script}"`], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  assert.equal(child.error, undefined, `the child could not run: ${child.error?.message}`);
  const line = child.stdout.trim().split('\n').filter((text) => text.startsWith('{')).pop();
  assert.ok(line, `no report from the child (status ${child.status}, signal ${child.signal}): ${child.stderr}`);
  return JSON.parse(line);
}

test('a full disk mid-way: every finished run is still returned, the failures are noted, no temporary file is left', () => {
  const mount = join(WORK, 'small');
  // About two results fit; the probe and the first writes succeed, later writes hit ENOSPC.
  const report = runInNamespace(`mkdir -p ${mount} && mount -t tmpfs -o size=200k tmpfs ${mount}`, join(mount, 'cache'), 2);
  assert.equal(report.ok, true, report.message);
  assert.equal(report.runs, 6);
  assert.equal(report.finite, 6, 'all six results are there, whether or not they could be cached');
  const written = report.files.filter((name) => name.endsWith('.json')).length;
  assert.ok(written >= 1 && written < 6, `${written} entries fit on the disk`);
  assert.ok(report.notes?.some((note) => new RegExp(`${6 - written} finished run\\(s\\) could not be written to the cache`).test(note)), JSON.stringify(report.notes));
  assert.deepEqual(report.files.filter((name) => name.endsWith('.tmp') || name.endsWith('.lock')), [], 'no temporary or lock file left');
});

test('a read-only file system is refused before any training, naming the folder and the cause', () => {
  const mount = join(WORK, 'readonly');
  const report = runInNamespace(`mkdir -p ${mount} && mount -t tmpfs -o ro,size=1m tmpfs ${mount}`, join(mount, 'cache'), 2);
  assert.equal(report.ok, false);
  assert.match(report.message ?? '', new RegExp(`result cache ${mount}/cache: cannot create ${mount}/cache: the file system is read-only \\(EROFS\\)`));
  assert.match(report.message ?? '', /RELU_AE_CACHE_DIR/);
  assert.equal(report.startedRuns, 0, 'no run started');
});

test('a folder that cannot exist (a file in the way, a path under /proc) fails at once instead of training or hanging', () => {
  const blocker = join(WORK, 'a-file');
  writeFileSync(blocker, 'not a folder');
  const underFile = runInNamespace('true', join(blocker, 'cache'), 0);
  assert.equal(underFile.ok, false);
  assert.match(underFile.message ?? '', /a-file is a file, not a folder/);
  assert.equal(underFile.startedRuns, 0);
  const underProc = runInNamespace('true', '/proc/relu-ae-lab-test/cache', 0);
  assert.equal(underProc.ok, false);
  assert.match(underProc.message ?? '', /result cache \/proc\/relu-ae-lab-test\/cache: cannot create \/proc\/relu-ae-lab-test/);
  assert.ok(underProc.seconds < 10, `took ${underProc.seconds} s`);
});
