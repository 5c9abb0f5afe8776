import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCacheEntry, resultChecksum, RunIdentity, runKey } from '../../../../src/lib/experiment/cache';
import { nonFiniteNumberPath, parseRunJobData, parseRunJobProgress, runJobOptions, runJobResultProblem, runQueueName } from '../../../../src/lib/experiment/queue/jobs';
import { runExperiment } from '../../../../src/lib/experiment/runner';
import { RunResult } from '../../../../src/lib/runs/index';

const IDENTITY: RunIdentity = {
  config: { kind: 'autoencoder', training: { epochs: 1 } },
  seed: 1,
  dataFingerprint: 'f1',
  codeVersion: 'abcdef0123456789',
  engine: 'blas/openblas-1thread',
};

test('each code version and engine has a queue of its own, with a name BullMQ accepts', () => {
  assert.equal(runQueueName(IDENTITY), 'relu-ae-runs.abcdef0123456789.blas-openblas-1thread');
  assert.notEqual(runQueueName({ ...IDENTITY, engine: 'tfjs/wasm' }), runQueueName(IDENTITY));
  assert.notEqual(runQueueName({ ...IDENTITY, codeVersion: '0000000000000000' }), runQueueName(IDENTITY));
  assert.ok(!runQueueName(IDENTITY).includes(':'));
});

test('a job is identified by its run key and keeps its result for a restarted coordinator', () => {
  const options = runJobOptions({ key: runKey(IDENTITY), attempts: 3, keepSeconds: 60 });
  assert.equal(options.jobId, runKey(IDENTITY));
  assert.equal(options.attempts, 3);
  assert.deepEqual(options.removeOnComplete, { age: 60 });
});

test('job data are accepted only as a key and the identity it hashes', () => {
  const key = runKey(IDENTITY);
  assert.deepEqual(parseRunJobData({ key, identity: IDENTITY }), { data: { key, identity: IDENTITY } });
  assert.match(parseRunJobData({ key: 'b'.repeat(24), identity: IDENTITY }).problem ?? '', /key is not the hash of its identity/);
  assert.match(parseRunJobData({ key, identity: IDENTITY, code: 'x' }).problem ?? '', /not a run \(data: /);
  assert.match(parseRunJobData({ key: '../../etc', identity: IDENTITY }).problem ?? '', /data\.key: must be a run key/);
  assert.match(parseRunJobData({ key, identity: { ...IDENTITY, seed: 1.5 } }).problem ?? '', /data\.identity\.seed/);
  assert.deepEqual(parseRunJobProgress({ worker: 'h:1', epoch: 2 }), { worker: 'h:1', epoch: 2 });
  assert.equal(parseRunJobProgress(50), null);
});

test('non-finite numbers are found wherever they are', () => {
  assert.equal(nonFiniteNumberPath({ a: [1, { b: 2 }] }), null);
  assert.equal(nonFiniteNumberPath({ a: [1, { b: Infinity }] }), 'result.a[1].b');
  assert.equal(nonFiniteNumberPath(JSON.parse('{"x": [0, -1e999]}')), 'result.x[1]');
});

test('a worker\'s answer is accepted only for the run asked for, intact and finite', async () => {
  const directory = mkdtempSync(join(tmpdir(), 'relu-ae-jobs-test-'));
  try {
    const experiment = {
      name: 'one',
      seeds: [1],
      configurations: [{ label: 'relu', run: { autoencoder: { layerSizes: [784, 16, 2, 16, 784] }, training: { epochs: 1 }, data: { trainSize: 200, testSize: 50 } } }],
    };
    const { runs } = await runExperiment(experiment, { cacheDirectory: directory, workers: 0, queue: null });
    const { key } = runs[0];
    const result = JSON.parse(JSON.stringify(runs[0].result)) as RunResult;
    const entry = readCacheEntry(directory, key);
    assert.equal(entry.status, 'hit');
    const { identity } = (entry as { entry: { identity: RunIdentity } }).entry;
    const answer = { key, identity, result, checksum: resultChecksum(result), worker: 'host:1' };
    assert.equal(runJobResultProblem(answer, key, identity), null);
    assert.match(runJobResultProblem(answer, 'c'.repeat(24), identity) ?? '', /it is for run "[0-9a-f]+", not c+/);
    assert.match(runJobResultProblem({ ...answer, identity: { ...identity, seed: 2 } }, key, identity) ?? '', /identity .* is not the one submitted/);
    assert.match(runJobResultProblem({ ...answer, result: { ...result, testMse: 0.5 } }, key, identity) ?? '', /does not match its checksum/);
    const other = { ...result, seed: 2 };
    assert.match(runJobResultProblem({ ...answer, result: other, checksum: resultChecksum(other) }, key, identity) ?? '', /another config or seed/);
    const broken = { ...result, history: [{ ...result.history[0], testMse: Infinity }] };
    assert.match(runJobResultProblem({ ...answer, result: broken, checksum: resultChecksum(broken) }, key, identity) ?? '', /history/);
    // A field the result schema does not look at is still checked for finite numbers.
    const infinite = { ...result, final: { ...result.final, hiddenSparsity: Infinity } } as RunResult;
    assert.equal(runJobResultProblem({ ...answer, result: infinite, checksum: resultChecksum(infinite) }, key, identity), 'result.final.hiddenSparsity is not a finite number');
    assert.match(runJobResultProblem(null, key, identity) ?? '', /null, not a run's result/);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});
