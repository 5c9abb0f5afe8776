import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UsageError } from '../../../../src/lib/commandLine';
import { describeStop, parseWorkerArguments, WORKER_EXIT_CODES } from '../../../../src/lib/experiment/queue/workerMain';

test('the worker takes its queue from --queue or RELU_AE_QUEUE, and its processes from --processes or RELU_AE_WORKERS', () => {
  assert.deepEqual(parseWorkerArguments(['--queue', 'redis://:pw@10.0.0.2:6379'], {}), {
    url: 'redis://:pw@10.0.0.2:6379', processes: undefined, lockMilliseconds: 30_000, stalledCheckMilliseconds: 15_000, graceMilliseconds: 7_000, check: false,
  });
  const fromEnvironment = parseWorkerArguments(['--processes=3', '--lock-seconds', '4', '--grace-seconds', '25', '--check'], { RELU_AE_QUEUE: 'rediss://queue:6380' });
  assert.deepEqual(fromEnvironment, { url: 'rediss://queue:6380', processes: 3, lockMilliseconds: 4000, stalledCheckMilliseconds: 2000, graceMilliseconds: 25_000, check: true });
  assert.equal(parseWorkerArguments([], { RELU_AE_QUEUE: 'redis://q:1', RELU_AE_WORKERS: '2' }).processes, 2);
});

test('a bad command line or setting is a UsageError, and never repeats a password', () => {
  const usage = (message: RegExp) => (error: unknown) => {
    assert.ok(error instanceof UsageError, String(error));
    assert.match(error.message, message);
    assert.match(error.usage, /^usage: npm run worker -- /);
    return true;
  };
  assert.throws(() => parseWorkerArguments([], {}), usage(/^no queue: give --queue or set RELU_AE_QUEUE$/));
  assert.throws(() => parseWorkerArguments(['--queue', 'localhost:6379'], {}), usage(/RELU_AE_QUEUE: must be a redis:\/\/ or rediss:\/\/ URL/));
  assert.throws(() => parseWorkerArguments([], { RELU_AE_QUEUE: 'redis://q:1', RELU_AE_WORKERS: 'all' }), usage(/^RELU_AE_WORKERS: must be an integer/));
  assert.throws(() => parseWorkerArguments(['--processes', '1.5'], { RELU_AE_QUEUE: 'redis://q:1' }), usage(/--processes must be a whole number/));
  assert.throws(() => parseWorkerArguments(['--check=yes'], { RELU_AE_QUEUE: 'redis://q:1' }), usage(/--check takes no value/));
  assert.throws(() => parseWorkerArguments(['--queu=redis://:hunter2@q:1'], {}), (error: Error) => {
    assert.match(error.message, /unknown argument "--queu=redis:\/\/:\*\*\*@q:1"/);
    assert.ok(!error.message.includes('hunter2'));
    return true;
  });
});

test('a stop is told in one line, and its exit code says whether runs were left unfinished', () => {
  assert.deepEqual(describeStop({ inTraining: 0, unfinished: 0, released: 0, reason: null }, 30), { line: 'stopped', exitCode: WORKER_EXIT_CODES.stopped });
  assert.deepEqual(describeStop({ inTraining: 2, unfinished: 0, released: 0, reason: null }, 30), {
    line: 'stopped; the 2 run(s) in training finished and their results are stored', exitCode: 0,
  });
  assert.deepEqual(describeStop({ inTraining: 2, unfinished: 2, released: 1, reason: 'grace' }, 30), {
    line: 'stopped with 2 run(s) unfinished (the grace period ran out); 1 went back to the queue at once; 1 go(es) back when its lock expires (within 30 s)', exitCode: 4,
  });
  assert.equal(describeStop({ inTraining: 1, unfinished: 1, released: 0, reason: 'unreachable' }, 5).line, 'stopped with 1 run(s) unfinished (Redis did not answer); 1 go(es) back when its lock expires (within 5 s)');
  assert.deepEqual(Object.values(WORKER_EXIT_CODES), [0, 1, 2, 3, 4]);
});
