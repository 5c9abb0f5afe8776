/**
 * Fault class: a sweep through the job queue loses one of its parts. A worker is killed outright
 * mid-run; the coordinator is killed and started again; Redis is killed and started again from its
 * append-only file; a run fails every attempt; two coordinators submit the same sweep. What must
 * hold: every result is identical to local mode's, no run the queue knows finished is computed
 * again, and a failed run ends the experiment as it does in local mode.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { readCacheEntry } from '../../src/lib/experiment/cache';
import { Experiment, runExperiment } from '../../src/lib/experiment/runner';
import { queueConnection } from '../../src/lib/experiment/queue/connection';
import { runQueueName } from '../../src/lib/experiment/queue/jobs';
import { RunResult } from '../../src/lib/runs/index';
import { createQueueLab, isAlive, numbersOf, sleep, TEST_PASSWORD, waitFor } from '../fixtures/queueLab';

/** `seeds` × relu/elu runs of a small autoencoder; `epochs` and `trainSize` set how long each lasts. */
function sweep(name: string, seeds: number[], epochs: number, trainSize: number, layerSizes = [784, 16, 2, 16, 784]): Experiment {
  return {
    name,
    seeds,
    configurations: ['relu', 'elu'].map((hidden) => ({
      label: hidden,
      run: { autoencoder: { layerSizes, hiddenActivation: hidden as 'relu' | 'elu' }, training: { epochs, batchSize: 50 }, data: { trainSize, testSize: 50 } },
    })),
  };
}

/** Eight runs of a few tenths of a second each: long enough for a kill to land mid-sweep. */
const EIGHT_RUNS = sweep('eight', [1, 2, 3, 4], 3, 1000, [784, 64, 2, 64, 784]);

const cacheFiles = (directory: string): string[] => (existsSync(directory) ? readdirSync(directory).filter((name) => name.endsWith('.json')) : []);

/** The experiment's numbers computed in this process without a queue: what every queued sweep must reproduce. */
async function localNumbers(experiment: Experiment, cacheDirectory: string): Promise<Map<string, unknown>> {
  const local = await runExperiment(experiment, { cacheDirectory, workers: 0, queue: null });
  return new Map(local.runs.map((run) => [run.key, numbersOf(run.result)]));
}

function assertSameNumbers(runs: { key: string; label: string; seed: number; result: RunResult }[], reference: Map<string, unknown>): void {
  assert.equal(runs.length, reference.size);
  for (const run of runs) assert.deepEqual(numbersOf(run.result), reference.get(run.key), `${run.label} seed ${run.seed}: the numbers of local mode`);
}

test('a worker killed with SIGKILL mid-run: the stalled-job check hands its run to another worker, and the sweep ends as in local mode', { timeout: 180_000 }, async (t) => {
  const lab = await createQueueLab('kill-worker');
  t.after(() => lab.cleanup());
  // Runs long enough (20 epochs) that the kill lands while the victim is surely still training.
  const experiment = sweep('kill worker', [1, 2], 20, 2000, [784, 64, 2, 64, 784]);
  const reference = await localNumbers(experiment, join(lab.root, 'local'));
  const cacheDirectory = join(lab.root, 'cache');
  const [victim, survivor] = await Promise.all([lab.startWorker({ lockSeconds: 3 }), lab.startWorker({ lockSeconds: 3 })]);
  const sweepDone = runExperiment(experiment, { cacheDirectory, queue: lab.url });
  sweepDone.catch(() => undefined);
  // The victim holds a run from its first reported epoch until it is computed; many epochs are left after the first.
  let held = '';
  await waitFor('the victim to train a run', () => {
    const output = victim.output();
    const training = [...output.matchAll(/run ([0-9a-f]{24}): epoch 1 on/g)].map((match) => match[1]);
    held = training.find((key) => !output.includes(`computed run ${key}`) && !new RegExp(`run ${key}: epoch (1[0-9]|20) `).test(output)) ?? '';
    return held !== '';
  });
  const victimTree = victim.kill('SIGKILL');
  const result = await sweepDone;
  assert.equal(result.computedRuns, 4);
  assertSameNumbers(result.runs, reference);
  assert.ok(!victim.computed().includes(held), 'the victim never finished the run it held');
  assert.ok(survivor.computed().includes(held), 'the survivor computed it');
  const entry = readCacheEntry(cacheDirectory, held);
  assert.equal(entry.status, 'hit');
  const queue = new Queue(runQueueName(entry.status === 'hit' ? entry.entry.identity : { codeVersion: '', engine: '' }), { connection: queueConnection(lab.url) });
  t.after(() => queue.close());
  assert.equal((await queue.getJob(held))?.stalledCounter, 1, 'handed out again once, by the stalled-job check');
  // Its training process cannot be stopped by the kill; it sees its parent gone at the end of its run and exits.
  await waitFor('the killed worker\'s training process to exit', () => victimTree.every((pid) => !isAlive(pid)), 30_000);
});

test('the coordinator killed and started again: the runs finished meanwhile are collected, none is computed again', { timeout: 180_000 }, async (t) => {
  const lab = await createQueueLab('kill-coordinator');
  t.after(() => lab.cleanup());
  const reference = await localNumbers(EIGHT_RUNS, join(lab.root, 'local'));
  const worker = await lab.startWorker();
  const cacheDirectory = join(lab.root, 'cache');
  const first = lab.startCoordinator(EIGHT_RUNS, cacheDirectory);
  await waitFor('two runs computed', () => worker.computed().length >= 2);
  first.kill('SIGKILL');
  await first.exited;
  const collectedBeforeTheKill = cacheFiles(cacheDirectory).length;
  assert.ok(collectedBeforeTheKill < 8, 'the coordinator died before the end of the sweep');
  // The worker goes on without a coordinator; the results wait in Redis.
  await waitFor('the worker to finish the sweep', () => worker.computed().length === 8);
  const second = await lab.startCoordinator(EIGHT_RUNS, cacheDirectory).report();
  assert.equal(second.cachedRuns, collectedBeforeTheKill);
  assert.equal(second.computedRuns, 8 - collectedBeforeTheKill, 'the others were collected from the queue');
  assertSameNumbers(second.runs, reference);
  await sleep(500);
  assert.equal(worker.computed().length, 8, 'nothing was computed again');
  assert.equal(new Set(worker.computed()).size, 8);
  assert.equal(cacheFiles(cacheDirectory).length, 8);
});

test('Redis killed and started again on its append-only file: the sweep goes on and ends as in local mode', { timeout: 180_000 }, async (t) => {
  const lab = await createQueueLab('restart-redis');
  t.after(() => lab.cleanup());
  const reference = await localNumbers(EIGHT_RUNS, join(lab.root, 'local'));
  const workers = await Promise.all([lab.startWorker({ lockSeconds: 10 }), lab.startWorker({ lockSeconds: 10 })]);
  const coordinator = lab.startCoordinator(EIGHT_RUNS, join(lab.root, 'cache'));
  await waitFor('two runs computed', () => workers.flatMap((worker) => worker.computed()).length >= 2);
  await lab.stopRedis('SIGKILL');
  await sleep(1500);
  await lab.startRedis();
  const report = await coordinator.report();
  assertSameNumbers(report.runs, reference);
  assert.equal(report.computedRuns, 8);
  assert.match(coordinator.output(), /lost the connection to redis:\/\/:\*\*\*@127\.0\.0\.1:\d+/);
  assert.match(coordinator.output(), /the connection is back; the sweep goes on/);
  assert.ok(!lab.allOutput().includes(TEST_PASSWORD), 'the password was never printed');
});

test('a run that fails all its attempts is reported with its error; the others are cached; the next sweep tries it again', { timeout: 120_000 }, async (t) => {
  const lab = await createQueueLab('retries');
  t.after(() => lab.cleanup());
  const worker = await lab.startWorker();
  const failing: Experiment = {
    name: 'failing',
    seeds: [1],
    configurations: [
      sweep('good', [1], 1, 200).configurations[0],
      { label: 'wrong input size', run: { autoencoder: { layerSizes: [100, 8, 2, 8, 100] }, training: { epochs: 1 }, data: { trainSize: 200, testSize: 50 } } },
    ],
  };
  const cacheDirectory = join(lab.root, 'cache');
  const expected = /experiment failing: 1 run\(s\) failed \(finished runs are cached\):\nwrong input size seed 1: .*layerSizes\[0\].* \(3 attempt\(s\), the last on .+ pid \d+\)$/;
  await assert.rejects(runExperiment(failing, { cacheDirectory, queue: lab.url }), expected);
  assert.equal(cacheFiles(cacheDirectory).length, 1, 'the good run is cached');
  const attempts = () => (worker.output().match(/failed run [0-9a-f]{24} \(attempt \d\): .*layerSizes\[0\]/g) ?? []).length;
  assert.equal(attempts(), 3);
  await assert.rejects(runExperiment(failing, { cacheDirectory, queue: lab.url }), expected);
  assert.equal(attempts(), 6, 'the next sweep tried the failed run again, three times');
  assert.equal(worker.computed().length, 1, 'and did not compute the cached one again');
});

test('two coordinators submitting the same sweep at once: every run is computed once, and both get every result', { timeout: 180_000 }, async (t) => {
  const lab = await createQueueLab('two-coordinators');
  t.after(() => lab.cleanup());
  const reference = await localNumbers(EIGHT_RUNS, join(lab.root, 'local'));
  const workers = await Promise.all([lab.startWorker(), lab.startWorker()]);
  const [first, second] = await Promise.all([
    lab.startCoordinator(EIGHT_RUNS, join(lab.root, 'cache-one')).report(),
    lab.startCoordinator(EIGHT_RUNS, join(lab.root, 'cache-two')).report(),
  ]);
  assertSameNumbers(first.runs, reference);
  assertSameNumbers(second.runs, reference);
  // A worker logs a run computed a moment after Redis has its result.
  await waitFor('the workers to log their runs computed', () => workers.flatMap((worker) => worker.computed()).length >= reference.size, 10_000);
  const computed = workers.flatMap((worker) => worker.computed()).sort();
  assert.deepEqual(computed, [...reference.keys()].sort(), 'each run computed exactly once');
});
