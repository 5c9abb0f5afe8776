import { test } from 'node:test';
import assert from 'node:assert/strict';
import { blasAvailable, createEngine, engineIdentity, prepareEngine, resolveEnginePreference } from '../../../src/lib/engine';
import { testEngineOptions } from './helpers';

test('an unknown engine preference is refused with its name and value', async () => {
  await assert.rejects(() => prepareEngine('fastest'), /engine: unknown value "fastest"; expected one of auto, blas, wasm, tfjs/);
});

test('a missing preference means RELU_AE_ENGINE, or auto; a bad RELU_AE_ENGINE is refused by name', () => {
  const saved = process.env.RELU_AE_ENGINE;
  try {
    delete process.env.RELU_AE_ENGINE;
    assert.equal(resolveEnginePreference(undefined), 'auto');
    process.env.RELU_AE_ENGINE = '';
    assert.equal(resolveEnginePreference(undefined), 'auto');
    process.env.RELU_AE_ENGINE = 'tfjs';
    assert.equal(resolveEnginePreference(undefined), 'tfjs');
    process.env.RELU_AE_ENGINE = 'gpu';
    assert.throws(() => resolveEnginePreference(undefined), /RELU_AE_ENGINE: unknown value "gpu"/);
  } finally {
    if (saved === undefined) delete process.env.RELU_AE_ENGINE;
    else process.env.RELU_AE_ENGINE = saved;
  }
});

test('tfjs is chosen when asked for, initialized on wasm (never the cpu backend), and says so', async () => {
  const choice = await prepareEngine('tfjs');
  assert.deepEqual(choice, { name: 'tfjs', backend: 'wasm' });
  assert.equal(engineIdentity(choice), 'tfjs/wasm');
  const engine = createEngine(testEngineOptions({ hiddenActivation: 'relu' }), choice);
  try {
    assert.equal(engine.name, 'tfjs');
    assert.equal(engine.backend, 'wasm');
  } finally {
    engine.dispose();
  }
});

test('wasm is chosen when asked for (the path of machines without a compiler) and has its own identity', async () => {
  const choice = await prepareEngine('wasm');
  assert.deepEqual(choice, { name: 'wasm', backend: 'wasm-simd' });
  assert.equal(engineIdentity(choice), 'wasm/simd128-v2');
  const engine = createEngine(testEngineOptions({ hiddenActivation: 'relu' }), choice);
  assert.equal(engine.name, 'wasm');
  assert.equal(engine.backend, 'wasm-simd');
  engine.dispose();
});

test('auto and blas choose the native engine when it loads, on one OpenBLAS thread', { skip: !blasAvailable().available && !process.env.CI && 'nblas unavailable' }, async () => {
  for (const preference of ['auto', 'blas']) {
    const choice = await prepareEngine(preference);
    assert.equal(engineIdentity(choice), 'blas/openblas-1thread');
    const engine = createEngine(testEngineOptions({ hiddenActivation: 'relu' }), choice);
    assert.equal(engine.name, 'blas');
    assert.equal(engine.backend, 'openblas');
    engine.dispose();
  }
  assert.equal(process.env.OPENBLAS_NUM_THREADS, '1');
});
