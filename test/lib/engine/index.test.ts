import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { initializeBackend } from '../../../src/lib/backend';
import { blasAvailable, createEngine, resolveEnginePreference } from '../../../src/lib/engine';
import { testEngineOptions } from './helpers';

before(async () => {
  await initializeBackend('wasm');
});

test('an unknown RELU_AE_ENGINE value is refused with its name and value', () => {
  const options = testEngineOptions({ hiddenActivation: 'relu' });
  assert.throws(() => createEngine(options, 'fastest'), /RELU_AE_ENGINE: unknown engine "fastest"; expected one of auto, blas, tfjs/);
});

test('an empty or missing preference means auto', () => {
  assert.equal(resolveEnginePreference(undefined), 'auto');
  assert.equal(resolveEnginePreference(''), 'auto');
});

test('tfjs is chosen when asked for, and says which backend runs it', () => {
  const engine = createEngine(testEngineOptions({ hiddenActivation: 'relu' }), 'tfjs');
  try {
    assert.equal(engine.name, 'tfjs');
    assert.equal(engine.backend, 'wasm');
  } finally {
    engine.dispose();
  }
});

test('auto and blas choose the native engine when it loads', { skip: !blasAvailable().available && !process.env.CI && 'nblas unavailable' }, () => {
  for (const preference of ['auto', 'blas']) {
    const engine = createEngine(testEngineOptions({ hiddenActivation: 'relu' }), preference);
    assert.equal(engine.name, 'blas');
    assert.equal(engine.backend, 'openblas');
  }
});
