/**
 * One SIGTERM ends a worker within 10 s whatever state Redis is in — up, down, restarting, refusing
 * the password — whether the worker is idle or inside a run. Each test has two or three workers of
 * one training process each: one idle, one in a run that cannot finish within the grace period,
 * and (Redis up) one in a run that can. The exit codes say what happened: 0 nothing left
 * unfinished, 4 runs stopped.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import IORedis from 'ioredis';
import { planExperiment, Experiment } from '../../../../src/lib/experiment/runner';
import { queueConnection } from '../../../../src/lib/experiment/queue/connection';
import { RUN_JOB_NAME, runJobOptions, runQueueName } from '../../../../src/lib/experiment/queue/jobs';
import { WORKER_EXIT_CODES } from '../../../../src/lib/experiment/queue/workerMain';
import { createQueueLab, isAlive, LabWorker, QueueLab, sleep, TEST_PASSWORD, waitFor } from '../../../fixtures/queueLab';

/** The bound on a worker's exit after one SIGTERM. */
const EXIT_LIMIT_SECONDS = 10;

/**
 * A run far longer than the grace period: the default profile's network, 8,000 digits, 1,000 epochs
 * (the native engine trains an epoch of it in 0.1–0.2 s on a quiet machine: 60 epochs finished within
 * the 7 s grace period once).
 */
const LONG_RUN: Experiment = {
  name: 'long', seeds: [1],
  configurations: [{ label: 'long', run: { autoencoder: { layerSizes: [784, 128, 64, 2, 64, 128, 784] }, training: { epochs: 1000 }, data: { trainSize: 8000, testSize: 500 } } }],
};

/**
 * A run that, once its first epoch is reported, trains for a moment more (three epochs of 8,000 digits)
 * and ends well within the grace period even on a loaded machine.
 */
const SHORT_RUN: Experiment = {
  name: 'short', seeds: [1],
  configurations: [{ label: 'short', run: { autoencoder: { layerSizes: [784, 64, 2, 64, 784] }, training: { epochs: 4, batchSize: 50 }, data: { trainSize: 8000, testSize: 50 } } }],
};

/** Puts an experiment's one run on the queue; returns its key and a look at its job's state (while Redis is up). */
async function submit(lab: QueueLab, experiment: Experiment): Promise<{ key: string; state: () => Promise<string> }> {
  const plan = await planExperiment(experiment, { cacheDirectory: join(lab.root, 'cache'), queue: null, workers: 0 });
  const { key, identity } = plan.tasks[0];
  // Closed at once: a connection left open would try for ever to reach a Redis the test stops.
  const withQueue = async <T>(use: (queue: Queue) => Promise<T>): Promise<T> => {
    const queue = new Queue(runQueueName(identity), { connection: queueConnection(lab.url) });
    try {
      return await use(queue);
    } finally {
      await queue.close();
    }
  };
  await withQueue((queue) => queue.add(RUN_JOB_NAME, { key, identity }, runJobOptions({ key, attempts: 3, keepSeconds: 3600 })));
  return { key, state: () => withQueue((queue) => queue.getJobState(key)) };
}

/** Starts `count` workers and waits until each run in `keys` is in training on one of them (its first epoch done). */
async function workersTraining(lab: QueueLab, count: number, keys: string[]): Promise<{ busy: Map<string, LabWorker>; idle: LabWorker[] }> {
  const workers = await Promise.all(Array.from({ length: count }, () => lab.startWorker()));
  const busy = new Map<string, LabWorker>();
  await waitFor('every run in training', () => {
    for (const key of keys) {
      const holder = workers.find((worker) => worker.output().includes(`run ${key}: epoch 1 on`));
      if (holder) busy.set(key, holder);
    }
    return busy.size === keys.length;
  }, 120_000);
  return { busy, idle: workers.filter((worker) => ![...busy.values()].includes(worker)) };
}

/** Sends one SIGTERM; resolves to the exit code, the seconds it took, and the process tree at the signal. */
async function terminate(worker: LabWorker): Promise<{ code: number | null; seconds: number; tree: number[] }> {
  const sent = Date.now();
  const tree = worker.kill('SIGTERM');
  const { code } = await worker.exited;
  return { code, seconds: (Date.now() - sent) / 1000, tree };
}

/** Asserts the exit code and the 10 s bound, and that no training process outlived its worker. */
async function assertEnded(what: string, ended: { code: number | null; seconds: number; tree: number[] }, code: number | number[], output: string): Promise<void> {
  const codes = Array.isArray(code) ? code : [code];
  assert.ok(codes.includes(ended.code as number), `${what}: exit ${ended.code}, expected ${codes.join(' or ')}\n${output}`);
  assert.ok(ended.seconds < EXIT_LIMIT_SECONDS, `${what}: exited after ${ended.seconds.toFixed(1)} s`);
  await waitFor(`${what}: its training process to be gone`, () => ended.tree.every((pid) => !isAlive(pid)), 5_000);
}

test('Redis up: an idle worker exits at once; a run that can finish in the grace period is stored (exit 0); one that cannot is stopped and put back at once (exit 4)', { timeout: 240_000 }, async (t) => {
  const lab = await createQueueLab('shutdown-up');
  t.after(() => lab.cleanup());
  const long = await submit(lab, LONG_RUN);
  const { busy, idle } = await workersTraining(lab, 3, [long.key]);
  // The short run goes to one of the two idle workers; it is stopped as soon as its first epoch is done.
  const short = await submit(lab, SHORT_RUN);
  let shortWorker: LabWorker | undefined;
  await waitFor('the short run in training', () => (shortWorker = idle.find((worker) => worker.output().includes(`run ${short.key}: epoch 1 on`))) !== undefined, 120_000);
  const shortHolder = shortWorker as LabWorker;
  const idleWorker = idle.find((worker) => worker !== shortHolder) as LabWorker;
  const longHolder = busy.get(long.key) as LabWorker;
  const [shortEnd, idleEnd, longEnd] = await Promise.all([terminate(shortHolder), terminate(idleWorker), terminate(longHolder)]);
  await assertEnded('the idle worker', idleEnd, WORKER_EXIT_CODES.stopped, idleWorker.output());
  assert.ok(idleEnd.seconds < 3, `an idle worker exits at once, not after ${idleEnd.seconds} s`);
  await assertEnded('the worker in a short run', shortEnd, WORKER_EXIT_CODES.stopped, shortHolder.output());
  assert.match(shortHolder.output(), /SIGTERM: letting the 1 run\(s\) in training finish[\s\S]*stopped; the 1 run\(s\) in training finished and their results are stored/);
  assert.equal(await short.state(), 'completed');
  await assertEnded('the worker in a long run', longEnd, WORKER_EXIT_CODES.runsStopped, longHolder.output());
  assert.match(longHolder.output(), /stopped with 1 run\(s\) unfinished \(the grace period ran out\); 1 went back to the queue at once/);
  assert.equal(await long.state(), 'waiting', 'put back in the queue without waiting for its lock');
});

test('Redis down: an idle worker exits (0); a worker in a run stops it (4), and the run comes back when its lock expires', { timeout: 240_000 }, async (t) => {
  const lab = await createQueueLab('shutdown-down');
  t.after(() => lab.cleanup());
  const long = await submit(lab, LONG_RUN);
  const { busy, idle } = await workersTraining(lab, 2, [long.key]);
  await lab.stopRedis('SIGKILL');
  const [idleEnd, busyEnd] = await Promise.all([terminate(idle[0]), terminate(busy.get(long.key) as LabWorker)]);
  await assertEnded('the idle worker', idleEnd, WORKER_EXIT_CODES.stopped, idle[0].output());
  await assertEnded('the worker in a run', busyEnd, WORKER_EXIT_CODES.runsStopped, (busy.get(long.key) as LabWorker).output());
  assert.match((busy.get(long.key) as LabWorker).output(), /stopped with 1 run\(s\) unfinished \(Redis did not answer\); 1 go\(es\) back when its lock expires/);
  // Redis back (append-only file): the run is still held by the dead worker's lock until it expires, then another worker takes it.
  await lab.startRedis();
  const next = await lab.startWorker();
  await waitFor('another worker to take the run', () => next.started().includes(long.key), 60_000);
});

test('Redis restarting: one SIGTERM in the middle of the restart ends an idle worker and a worker in a run within 10 s', { timeout: 240_000 }, async (t) => {
  const lab = await createQueueLab('shutdown-restart');
  t.after(() => lab.cleanup());
  const long = await submit(lab, LONG_RUN);
  const { busy, idle } = await workersTraining(lab, 2, [long.key]);
  await lab.stopRedis('SIGKILL');
  const ending = Promise.all([terminate(idle[0]), terminate(busy.get(long.key) as LabWorker)]);
  await sleep(1000);
  await lab.startRedis();
  const [idleEnd, busyEnd] = await ending;
  await assertEnded('the idle worker', idleEnd, WORKER_EXIT_CODES.stopped, idle[0].output());
  // Whether the probe saw Redis down or back, a 1,000-epoch run cannot finish in the grace period.
  await assertEnded('the worker in a run', busyEnd, WORKER_EXIT_CODES.runsStopped, (busy.get(long.key) as LabWorker).output());
});

test('Redis refusing the password: one SIGTERM ends an idle worker (0) and a worker in a run (4) within 10 s, the password never printed', { timeout: 240_000 }, async (t) => {
  const lab = await createQueueLab('shutdown-password');
  t.after(() => lab.cleanup());
  const long = await submit(lab, LONG_RUN);
  const { busy, idle } = await workersTraining(lab, 2, [long.key]);
  // The password changes and every client is disconnected: the workers' reconnections are refused.
  const admin = new IORedis(lab.url, { retryStrategy: () => null });
  await admin.config('SET', 'requirepass', 'a-new-password');
  for (const type of ['normal', 'pubsub']) await admin.client('KILL', 'TYPE', type);
  admin.disconnect();
  await waitFor('both workers to lose their connections', () => [idle[0], busy.get(long.key) as LabWorker].every((worker) => /queue connection: /.test(worker.output())), 30_000);
  // A few reconnection attempts, each refused.
  await sleep(1500);
  const [idleEnd, busyEnd] = await Promise.all([terminate(idle[0]), terminate(busy.get(long.key) as LabWorker)]);
  await assertEnded('the idle worker', idleEnd, WORKER_EXIT_CODES.stopped, idle[0].output());
  await assertEnded('the worker in a run', busyEnd, WORKER_EXIT_CODES.runsStopped, (busy.get(long.key) as LabWorker).output());
  assert.ok(!lab.allOutput().includes(TEST_PASSWORD), 'the password was never printed');
});
