/**
 * `npm run worker -- --check`: exit 0 only when Redis can be used with the credentials given and its
 * version is one BullMQ supports, naming the queue this checkout serves and its waiting runs; 3 when
 * the queue cannot be used; 2 for a usage error. The password is never printed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { Queue } from 'bullmq';
import { queueConnection, versionBelow } from '../../../../src/lib/experiment/queue/connection';
import { RUN_JOB_NAME, runJobOptions, runQueueName } from '../../../../src/lib/experiment/queue/jobs';
import { planExperiment } from '../../../../src/lib/experiment/runner';
import { createQueueLab, TEST_PASSWORD } from '../../../fixtures/queueLab';

const WORKER_MAIN = resolve(__dirname, '../../../../src/lib/experiment/queue/workerMain.js');

function check(url: string, extra: string[] = []): { status: number | null; output: string } {
  const run = spawnSync(process.execPath, [WORKER_MAIN, '--check', ...extra], { env: { ...process.env, RELU_AE_QUEUE: url }, encoding: 'utf8', timeout: 60_000 });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

test('versions are compared part by part', () => {
  assert.equal(versionBelow('4.0.9', '5.0.0'), true);
  assert.equal(versionBelow('5.0.0', '5.0.0'), false);
  assert.equal(versionBelow('7.0.15', '6.2.0'), false);
  assert.equal(versionBelow('6.0.10', '6.2'), true);
});

test('--check: 0 with the queue and its waiting runs, 3 for a wrong password or no Redis, 2 for a usage error', { timeout: 120_000 }, async (t) => {
  const lab = await createQueueLab('check');
  t.after(() => lab.cleanup());
  const plan = await planExperiment({
    name: 'one', seeds: [1, 2],
    configurations: [{ label: 'relu', run: { autoencoder: { layerSizes: [784, 16, 2, 16, 784] }, training: { epochs: 1 }, data: { trainSize: 200, testSize: 50 } } }],
  }, { cacheDirectory: join(lab.root, 'cache'), queue: null, workers: 0 });
  const queueName = runQueueName(plan.tasks[0].identity);
  const queue = new Queue(queueName, { connection: queueConnection(lab.url) });
  for (const task of plan.tasks) await queue.add(RUN_JOB_NAME, { key: task.key, identity: task.identity }, runJobOptions({ key: task.key, attempts: 3, keepSeconds: 60 }));
  // Closed before Redis is stopped below: an open connection would try to reach it for ever.
  await queue.close();

  const ready = check(lab.url);
  assert.equal(ready.status, 0, ready.output);
  assert.match(ready.output, new RegExp(`^ready: Redis \\d+\\.\\d+\\.\\d+ at redis://:\\*\\*\\*@127\\.0\\.0\\.1:${lab.port}\\n`));
  const { codeVersion, engine } = plan.tasks[0].identity;
  assert.ok(ready.output.includes(`queue ${queueName} (code version ${codeVersion}, engine ${engine}): 2 waiting, 0 in training`), ready.output);

  const wrongPassword = check(lab.url.replace(TEST_PASSWORD, 'not-the-password'));
  assert.equal(wrongPassword.status, 3, wrongPassword.output);
  assert.match(wrongPassword.output, /^not ready: cannot use the queue at redis:\/\/:\*\*\*@127\.0\.0\.1:\d+: WRONGPASS/);
  assert.ok(!wrongPassword.output.includes('not-the-password'));

  const usage = check(lab.url, ['--check=now']);
  assert.equal(usage.status, 2, usage.output);

  await lab.stopRedis('SIGTERM');
  const down = check(lab.url);
  assert.equal(down.status, 3, down.output);
  assert.match(down.output, /^not ready: cannot use the queue at redis:\/\/:\*\*\*@127\.0\.0\.1:\d+: .*ECONNREFUSED/);
  assert.ok(!`${ready.output}${down.output}`.includes(TEST_PASSWORD));
});
