import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Job, Queue } from 'bullmq';
import { RunIdentity, runKey } from '../../../../src/lib/experiment/cache';
import { planExperiment, runExperiment, Experiment } from '../../../../src/lib/experiment/runner';
import { queueConnection } from '../../../../src/lib/experiment/queue/connection';
import { RUN_JOB_NAME, runJobOptions, runJobResultProblem, runQueueName } from '../../../../src/lib/experiment/queue/jobs';
import { processTree } from '../../../../scripts/report/supervise';
import { createQueueLab, numbersOf, sleep, TEST_PASSWORD, waitFor } from '../../../fixtures/queueLab';

/** One tiny run; `epochs` and `trainSize` make it last long enough to stop a worker in the middle. */
function oneRun(epochs: number, trainSize: number, layerSizes = [784, 16, 2, 16, 784]): Experiment {
  return {
    name: 'one run',
    seeds: [1],
    configurations: [{ label: 'relu', run: { autoencoder: { layerSizes }, training: { epochs, batchSize: 50 }, data: { trainSize, testSize: 50 } } }],
  };
}

async function plannedIdentity(experiment: Experiment, cacheDirectory: string): Promise<{ key: string; identity: RunIdentity }> {
  const plan = await planExperiment(experiment, { cacheDirectory, queue: null, workers: 0 });
  return { key: plan.tasks[0].key, identity: plan.tasks[0].identity };
}

/**
 * Waits until a job has completed or failed, and returns it as it then is: its state is read
 * first and the job only after, since a job read just before it completed has no return value yet
 * (under load, the worker can finish between the two reads).
 */
async function finished(queue: Queue, id: string): Promise<Job> {
  for (;;) {
    const state = await queue.getJobState(id);
    const job = state === 'completed' || state === 'failed' ? await queue.getJob(id) : undefined;
    if (job) return job;
    await sleep(100);
  }
}

test('a worker refuses, without retrying, a job it must not compute, says why, and keeps serving', { timeout: 120_000 }, async (t) => {
  const lab = await createQueueLab('refusals');
  t.after(() => lab.cleanup());
  const worker = await lab.startWorker();
  const { key, identity } = await plannedIdentity(oneRun(1, 200), join(lab.root, 'cache'));
  const queue = new Queue(runQueueName(identity), { connection: queueConnection(lab.url) });
  t.after(() => queue.close());
  const submit = (jobKey: string, data: unknown) => queue.add(RUN_JOB_NAME, data, runJobOptions({ key: jobKey, attempts: 3, keepSeconds: 3600 }));
  const config = identity.config as { training: Record<string, unknown> };
  const typo: RunIdentity = { ...identity, config: { ...config, training: { ...config.training, epoch: 2 } } };
  const otherCode: RunIdentity = { ...identity, codeVersion: '0000000000000000' };
  const otherEngine: RunIdentity = { ...identity, engine: identity.engine === 'tfjs/wasm' ? 'tfjs/cpu' : 'tfjs/wasm' };
  const refused: [string, unknown, RegExp][] = [
    [runKey(typo), { key: runKey(typo), identity: typo }, /^invalid config: training\.epoch: unknown field; did you mean epochs\?/],
    [runKey(otherCode), { key: runKey(otherCode), identity: otherCode }, new RegExp(`refused by .+: the run was keyed for code version 0000000000000000 on ${identity.engine}, but this worker runs code version ${identity.codeVersion}`)],
    [runKey(otherEngine), { key: runKey(otherEngine), identity: otherEngine }, new RegExp(`refused by .+: the run was keyed for code version ${identity.codeVersion} on ${otherEngine.engine}, but this worker runs code version ${identity.codeVersion} on ${identity.engine}`)],
    ['0'.repeat(23) + 'a', { key: '0'.repeat(23) + 'a', identity }, /refused by .+: the job's key is not the hash of its identity/],
    ['b'.repeat(24), { script: 'require("child_process").exec("rm -rf ~")' }, /refused by .+: the job's data are not a run \(data/],
  ];
  for (const [jobKey, data] of refused) await submit(jobKey, data);
  for (const [jobKey, , reason] of refused) {
    const job = await finished(queue, jobKey);
    assert.equal(await job.getState(), 'failed', jobKey);
    assert.match(job.failedReason, reason);
    assert.equal(job.attemptsMade, 1, `${jobKey}: refused once, not retried`);
  }

  // The same worker then computes a good job, and its answer passes the coordinator's checks.
  await submit(key, { key, identity });
  const done = await finished(queue, key);
  assert.equal(await done.getState(), 'completed', done.failedReason);
  assert.equal(runJobResultProblem(done.returnvalue, key, identity), null);
  const local = await runExperiment(oneRun(1, 200), { cacheDirectory: join(lab.root, 'local'), workers: 0, queue: null });
  assert.deepEqual(numbersOf(done.returnvalue.result), numbersOf(local.runs[0].result));
  // Redis records the result a moment before the worker's log line about it reaches this process.
  await waitFor('the worker to log the run computed', () => worker.computed().includes(key), 10_000);
  assert.deepEqual(worker.computed(), [key], worker.output());
  assert.match(worker.output(), /failed run 0{23}a \(attempt 1\): refused by/);
  assert.ok(!lab.allOutput().includes(TEST_PASSWORD));
});

test('SIGTERM: a worker finishes the run it holds, stores its result, takes no other, and exits with its training process', { timeout: 120_000 }, async (t) => {
  const lab = await createQueueLab('sigterm');
  t.after(() => lab.cleanup());
  const worker = await lab.startWorker();
  // Epochs of 8,000 digits: once the first is reported, the run is still in training for a moment, and ends well within the grace period even on a loaded machine.
  const slow = await plannedIdentity(oneRun(3, 8000, [784, 64, 2, 64, 784]), join(lab.root, 'cache'));
  const next = await plannedIdentity(oneRun(1, 200), join(lab.root, 'cache'));
  const queue = new Queue(runQueueName(slow.identity), { connection: queueConnection(lab.url) });
  t.after(() => queue.close());
  for (const { key, identity } of [slow, next]) await queue.add(RUN_JOB_NAME, { key, identity }, runJobOptions({ key, attempts: 3, keepSeconds: 3600 }));
  await waitFor('the worker to train the slow run', () => worker.output().includes(`run ${slow.key}: epoch 1 on`), 120_000);
  // The training process may show in /proc a moment after the worker reports the run started.
  await waitFor('the worker and its training process', () => processTree(worker.pid).length >= 2);
  const tree = processTree(worker.pid);
  const sent = Date.now();
  worker.kill('SIGTERM');
  const { code } = await worker.exited;
  assert.equal(code, 0, worker.output());
  assert.ok(Date.now() - sent < 10_000, `exited ${Date.now() - sent} ms after SIGTERM`);
  assert.match(worker.output(), /SIGTERM: letting the 1 run\(s\) in training finish for up to 7 s while Redis answers/);
  const job = await queue.getJob(slow.key);
  assert.equal(await job?.getState(), 'completed', 'the run in training was finished and stored');
  assert.equal(runJobResultProblem(job?.returnvalue, slow.key, slow.identity), null);
  assert.equal(await (await queue.getJob(next.key))?.getState(), 'waiting', 'the next run was left for another worker');
  await sleep(500);
  const alive = tree.filter((pid) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  });
  assert.deepEqual(alive, [], 'the training process exited with the worker');
});
