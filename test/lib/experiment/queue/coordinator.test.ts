import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { readCacheEntry } from '../../../../src/lib/experiment/cache';
import { Experiment, ExperimentProgress, planExperiment, progressLine, runExperiment } from '../../../../src/lib/experiment/runner';
import { QueueInterruptedError, runInQueue } from '../../../../src/lib/experiment/queue/coordinator';
import { ExecutorEvents, PlannedRun } from '../../../../src/lib/experiment/workerPool';
import { RunResult } from '../../../../src/lib/runs/index';
import { createQueueLab, numbersOf, sleep, TEST_PASSWORD, waitFor } from '../../../fixtures/queueLab';

/** Two configurations × two seeds of a tiny autoencoder, two epochs each. */
const TINY_EXPERIMENT: Experiment = {
  name: 'tiny queue',
  seeds: [1, 2],
  configurations: ['relu', 'elu'].map((hidden) => ({
    label: `${hidden} hidden`,
    run: {
      autoencoder: { layerSizes: [784, 16, 2, 16, 784], hiddenActivation: hidden as 'relu' | 'elu' },
      training: { epochs: 2, batchSize: 50 },
      data: { trainSize: 200, testSize: 50 },
    },
  })),
};

test('a coordinator and two worker processes compute, bit for bit, what local mode computes, and cache it', { timeout: 180_000 }, async (t) => {
  const lab = await createQueueLab('bit-for-bit');
  t.after(() => lab.cleanup());
  const workers = await Promise.all([lab.startWorker(), lab.startWorker()]);
  const local = await runExperiment(TINY_EXPERIMENT, { cacheDirectory: join(lab.root, 'local-cache'), workers: 0, queue: null });

  const cacheDirectory = join(lab.root, 'queue-cache');
  const progress: ExperimentProgress[] = [];
  const queued = await runExperiment(TINY_EXPERIMENT, { cacheDirectory, queue: lab.url, onProgress: (update) => progress.push(update) });
  assert.equal(queued.computedRuns, 4);
  assert.equal(queued.cachedRuns, 0);
  assert.deepEqual(queued.runs.map((run) => run.key), local.runs.map((run) => run.key), 'the same cache keys as local mode');
  queued.runs.forEach((run, index) => {
    assert.equal(run.cached, false);
    assert.deepEqual(numbersOf(run.result), numbersOf(local.runs[index].result), `${run.label} seed ${run.seed}: the same numbers as local mode`);
    const entry = readCacheEntry(cacheDirectory, run.key);
    assert.equal(entry.status, 'hit', `${run.label} seed ${run.seed} is in the local cache`);
    if (entry.status === 'hit') assert.deepEqual(numbersOf(entry.entry.result as typeof run.result), numbersOf(local.runs[index].result));
  });
  // A worker logs a run computed a moment after Redis has its result: wait for the lines, then count them.
  await waitFor('the workers to log their runs computed', () => workers.flatMap((worker) => worker.computed()).length >= 4, 10_000);
  const computedByWorkers = workers.flatMap((worker) => worker.computed()).sort();
  assert.deepEqual(computedByWorkers, queued.runs.map((run) => run.key).sort(), 'each run computed once, by one of the workers');

  // Progress says which worker holds which run, and ends at 4/4.
  const lines = progress.map(progressLine);
  assert.ok(lines.some((line) => / · on [^ |]+:\d+/.test(line)), lines.join('\n'));
  assert.match(lines[lines.length - 1], /^tiny queue · 4\/4 runs \(0 cached\)/);

  // A second sweep finds everything in the local cache and submits nothing.
  const again = await runExperiment(TINY_EXPERIMENT, { cacheDirectory, queue: lab.url });
  assert.equal(again.computedRuns, 0);
  assert.equal(again.cachedRuns, 4);
  assert.equal(workers.flatMap((worker) => worker.computed()).length, 4);
  assert.ok(!lab.allOutput().includes(TEST_PASSWORD), 'no process printed the password');
  assert.ok(!lines.join('\n').includes(TEST_PASSWORD));
});

test('a queue that cannot be used fails the experiment at once, naming the URL without its password', { timeout: 60_000 }, async (t) => {
  const lab = await createQueueLab('unusable');
  t.after(() => lab.cleanup());
  const cacheDirectory = mkdtempSync(join(lab.root, 'cache-'));
  const wrongPassword = lab.url.replace(TEST_PASSWORD, 'not-the-password');
  await assert.rejects(runExperiment(TINY_EXPERIMENT, { cacheDirectory, queue: wrongPassword }), (error: Error) => {
    assert.match(error.message, new RegExp(`cannot use the queue at redis://:\\*\\*\\*@127\\.0\\.0\\.1:${lab.port}: .*(WRONGPASS|invalid)`));
    assert.ok(!error.message.includes('not-the-password'), error.message);
    return true;
  });
  await lab.stopRedis('SIGTERM');
  await assert.rejects(runExperiment(TINY_EXPERIMENT, { cacheDirectory, queue: lab.url }), (error: Error) => {
    assert.match(error.message, /cannot use the queue at redis:\/\/:\*\*\*@127\.0\.0\.1:\d+: .*ECONNREFUSED/);
    assert.ok(!error.message.includes(TEST_PASSWORD), error.message);
    return true;
  });
  await assert.rejects(runExperiment(TINY_EXPERIMENT, { cacheDirectory, queue: 'http://example.org' }), /queue: must be a redis:\/\/ or rediss:\/\/ URL/);
});

test('the executor says which queue it sends to, notes when runs wait with no worker, and reports who holds each run', { timeout: 120_000 }, async (t) => {
  const lab = await createQueueLab('executor');
  t.after(() => lab.cleanup());
  const one: Experiment = { ...TINY_EXPERIMENT, seeds: [1], configurations: TINY_EXPERIMENT.configurations.slice(0, 1) };
  const plan = await planExperiment(one, { cacheDirectory: join(lab.root, 'cache'), queue: null, workers: 0 });
  const notes: string[] = [];
  const seen: string[] = [];
  const done: RunResult[] = [];
  const events: ExecutorEvents = {
    onStart: (task: PlannedRun, worker?: string) => seen.push(`start ${task.key} on ${worker}`),
    onEpoch: (task: PlannedRun, epoch: number) => seen.push(`epoch ${epoch}`),
    onDone: (_task: PlannedRun, result: RunResult) => done.push(result),
    onFailed: (task: PlannedRun, message: string) => seen.push(`failed ${message}`),
  };
  const finished = runInQueue(plan.pending, { url: lab.url, reconcileMilliseconds: 200, idleNoteMilliseconds: 1000, onNote: (note) => notes.push(note) }, events);
  finished.catch(() => undefined);
  await waitFor('the idle note', () => notes.some((note) => /runs have been waiting \d+ s and none is running: is a worker serving relu-ae-runs\./.test(note)));
  assert.match(notes[0], new RegExp(`^1 run\\(s\\) go to relu-ae-runs\\.${plan.tasks[0].identity.codeVersion}\\.\\S+ at redis://:\\*\\*\\*@127\\.0\\.0\\.1:${lab.port}$`));
  await lab.startWorker();
  await finished;
  assert.equal(done.length, 1);
  assert.match(seen[0], new RegExp(`^start ${plan.tasks[0].key} on [^ ]+:\\d+$`), seen.join('\n'));
  assert.ok(seen.includes('epoch 2'), seen.join('\n'));
  assert.ok(!notes.join('\n').includes(TEST_PASSWORD));
});

test('Ctrl-C of a coordinator, Redis up or down: it stops at once, says its runs stay queued, and the next coordinator collects them', { timeout: 180_000 }, async (t) => {
  const lab = await createQueueLab('interrupt');
  t.after(() => lab.cleanup());
  const cacheDirectory = join(lab.root, 'cache');
  const interrupted = async (redisDown: boolean): Promise<void> => {
    const coordinator = lab.startCoordinator(TINY_EXPERIMENT, cacheDirectory);
    await waitFor('the runs to be sent', () => /4 run\(s\) go to/.test(coordinator.output()));
    if (redisDown) {
      await lab.stopRedis('SIGKILL');
      await waitFor('the coordinator to see Redis gone', () => /lost the connection/.test(coordinator.output()), 30_000);
    }
    const sent = Date.now();
    coordinator.kill('SIGINT');
    const { signal } = await coordinator.exited;
    assert.ok(Date.now() - sent < 5_000, `stopped ${Date.now() - sent} ms after Ctrl-C`);
    assert.equal(signal, 'SIGINT', 'it ends as Ctrl-C ends a process');
    assert.match(coordinator.output(), /queue: SIGINT: stopping; the 4 unfinished run\(s\) stay in relu-ae-runs\.\S+ for the workers, and their results for 7 day\(s\): run the same sweep again to collect them/);
    if (redisDown) await lab.startRedis();
  };
  await interrupted(false);
  await interrupted(true);
  // The jobs were left in the queue (the append-only file kept them): a worker computes them once, the next coordinator collects them.
  const worker = await lab.startWorker();
  const report = await lab.startCoordinator(TINY_EXPERIMENT, cacheDirectory).report();
  assert.equal(report.computedRuns, 4);
  await waitFor('the worker to log its runs computed', () => worker.computed().length >= 4, 10_000);
  assert.equal(worker.computed().length, 4);
});

test('an interrupted coordinator in a process that handles the signal itself (a notebook kernel) rejects, and the process goes on', { timeout: 60_000 }, async (t) => {
  const lab = await createQueueLab('interrupt-handled');
  t.after(() => lab.cleanup());
  const plan = await planExperiment(TINY_EXPERIMENT, { cacheDirectory: join(lab.root, 'cache'), queue: null, workers: 0 });
  const notes: string[] = [];
  const ownHandler = (): void => undefined;
  const listenersBefore = process.listenerCount('SIGINT');
  process.on('SIGINT', ownHandler);
  t.after(() => process.removeListener('SIGINT', ownHandler));
  const none = (): void => undefined;
  const running = runInQueue(plan.pending, { url: lab.url, onNote: (note) => notes.push(note) }, { onStart: none, onEpoch: none, onDone: none, onFailed: none });
  await waitFor('the runs to be sent', () => notes.some((note) => /go to/.test(note)));
  process.kill(process.pid, 'SIGINT');
  await assert.rejects(running, (error: unknown) => {
    assert.ok(error instanceof QueueInterruptedError);
    assert.match(error.message, /^interrupted by SIGINT; the 4 unfinished run\(s\) stay in relu-ae-runs\./);
    return true;
  });
  await sleep(100);
  assert.equal(process.listenerCount('SIGINT'), listenersBefore + 1, 'its own handler removed, the process\'s kept');
});
