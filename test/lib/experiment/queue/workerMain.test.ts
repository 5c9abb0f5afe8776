import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseWorkerArguments } from '../../../../src/lib/experiment/queue/workerMain';

test('the worker takes its queue from --queue or RELU_AE_QUEUE, and its processes from --processes or RELU_AE_WORKERS', () => {
  assert.deepEqual(parseWorkerArguments(['--queue', 'redis://:pw@10.0.0.2:6379'], {}), {
    url: 'redis://:pw@10.0.0.2:6379', processes: undefined, lockMilliseconds: 30_000, stalledCheckMilliseconds: 15_000,
  });
  const fromEnvironment = parseWorkerArguments(['--processes=3', '--lock-seconds', '4'], { RELU_AE_QUEUE: 'rediss://queue:6380' });
  assert.deepEqual(fromEnvironment, { url: 'rediss://queue:6380', processes: 3, lockMilliseconds: 4000, stalledCheckMilliseconds: 2000 });
  assert.equal(parseWorkerArguments([], { RELU_AE_QUEUE: 'redis://q:1', RELU_AE_WORKERS: '2' }).processes, 2);
});

test('a bad command line fails with usage, and never repeats a password', () => {
  assert.throws(() => parseWorkerArguments([], {}), /no queue: give --queue or set RELU_AE_QUEUE; usage: npm run worker/);
  assert.throws(() => parseWorkerArguments(['--queue', 'localhost:6379'], {}), /RELU_AE_QUEUE: must be a redis:\/\/ or rediss:\/\/ URL/);
  assert.throws(() => parseWorkerArguments(['--processes', '1.5'], { RELU_AE_QUEUE: 'redis://q:1' }), /--processes must be a whole number/);
  assert.throws(() => parseWorkerArguments(['--queu=redis://:hunter2@q:1'], {}), (error: Error) => {
    assert.match(error.message, /unknown argument "--queu=redis:\/\/:\*\*\*@q:1"/);
    assert.ok(!error.message.includes('hunter2'));
    return true;
  });
});
