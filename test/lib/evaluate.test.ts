import { test } from 'node:test';
import assert from 'node:assert/strict';
import { blasAvailable, createBlasEngine } from '../../src/lib/engine/blasEngine';
import { EngineFactory } from '../../src/lib/engine/types';
import { createWasmEngine, wasmSimdAvailable } from '../../src/lib/engine/wasmEngine';
import { deadUnitFractions, EVALUATION_SLICE_ROWS, evaluateInSlices, evaluateOnSet } from '../../src/lib/evaluate';
import { binaryCrossEntropy, meanSquaredError } from '../../src/lib/losses';
import { testBatch, testEngineOptions } from './engine/helpers';

const ENGINES: { name: string; createEngine: EngineFactory; skip: false | string }[] = [
  { name: 'blas', createEngine: createBlasEngine, skip: blasAvailable().available || process.env.CI ? false : 'nblas unavailable' },
  { name: 'wasm', createEngine: createWasmEngine, skip: wasmSimdAvailable().available || process.env.CI ? false : 'WebAssembly SIMD unavailable' },
];

for (const { name, createEngine, skip } of ENGINES) {
  test(`${name}: a set evaluated slice by slice has the metrics of one forward pass over the whole set`, { skip }, () => {
    const options = testEngineOptions({ hiddenActivation: 'relu', outputActivation: 'sigmoid', loss: 'binaryCrossEntropy' });
    const engine = createEngine(options);
    // Two full slices and a partial one.
    const count = 2 * EVALUATION_SLICE_ROWS + 77;
    const inputs = testBatch(options.network, count, 4).inputs;
    const targets = testBatch(options.network, count, 5).inputs;
    const whole = engine.forward(inputs, count);
    const reconstructions = whole[whole.length - 1];
    const metrics = evaluateInSlices(engine, options.network, 'binaryCrossEntropy', inputs, targets);
    assert.ok(Object.is(metrics.meanSquaredError, meanSquaredError(reconstructions, targets)));
    assert.ok(Object.is(metrics.loss, binaryCrossEntropy(reconstructions, targets)));
    assert.deepEqual(metrics.deadFraction, deadUnitFractions(options.network, whole, count));
    const kept = evaluateOnSet(engine, options.network, 'mse', inputs, targets);
    assert.deepEqual(kept.activations, whole);
    assert.ok(Object.is(kept.loss, kept.meanSquaredError));
    assert.ok(Object.is(kept.meanSquaredError, metrics.meanSquaredError));
  });
}
