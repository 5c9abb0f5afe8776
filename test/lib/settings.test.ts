import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readSettings } from '../../src/lib/settings';

test('no RELU_AE_* variables: auto engine and backend, no worker count, nothing else set', () => {
  assert.deepEqual(readSettings({}), {
    engine: 'auto', backend: 'auto', workers: undefined, cacheDirectory: undefined, profile: undefined,
    reportsDirectory: undefined, buildInfo: undefined, progressFile: undefined, queue: undefined,
  });
  assert.equal(readSettings({ RELU_AE_ENGINE: '' }).engine, 'auto', 'an empty value counts as unset');
});

test('bad values fail at once with the variable and the value, instead of being ignored', () => {
  const cases: [NodeJS.ProcessEnv, RegExp][] = [
    [{ RELU_AE_BACKEND: 'foo' }, /RELU_AE_BACKEND: unknown value "foo"; expected one of auto, tensorflow, wasm, cpu/],
    [{ RELU_AE_ENGINE: 'gpu' }, /RELU_AE_ENGINE: unknown value "gpu"; expected one of auto, blas, wasm, tfjs/],
    [{ RELU_AE_WORKERS: ' ' }, /RELU_AE_WORKERS: must be an integer ≥ 0 \(0 runs in this process\), got " "/],
    [{ RELU_AE_WORKERS: '2.5' }, /RELU_AE_WORKERS: .*got "2\.5"/],
    [{ RELU_AE_WORKERS: '-1' }, /RELU_AE_WORKERS: .*got "-1"/],
    [{ RELU_AE_PROFILE: 'fast' }, /RELU_AE_PROFILE: unknown value "fast"/],
    [{ RELU_AE_QUEUE: 'localhost:6379' }, /RELU_AE_QUEUE: must be a redis:\/\/ or rediss:\/\/ URL/],
  ];
  for (const [environment, pattern] of cases) assert.throws(() => readSettings(environment), pattern, JSON.stringify(environment));
});

test('good values are read as they are meant', () => {
  const settings = readSettings({ RELU_AE_WORKERS: ' 3 ', RELU_AE_PROFILE: 'full', RELU_AE_QUEUE: 'redis://:secret@10.0.0.2:6379', RELU_AE_CACHE_DIR: '/tmp/x' });
  assert.equal(settings.workers, 3);
  assert.equal(settings.profile, 'full');
  assert.equal(settings.queue, 'redis://:secret@10.0.0.2:6379');
  assert.equal(settings.cacheDirectory, '/tmp/x');
});
