import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ADAM_FLOAT32_CONSTANTS, createFlatOptimizer, FlatOptimizer, OPTIMIZER_UPDATES } from '../../../src/lib/engine/optimizers';
import { resolveTrainingSpec } from '../../../src/lib/spec';

/** A fresh state buffer for an optimizer. */
function stateOf(optimizer: FlatOptimizer): Float32Array {
  const state = new Float32Array(optimizer.stateLength);
  optimizer.initializeState(state);
  return state;
}

test('the first Adam step moves every parameter by about the learning rate against its gradient', () => {
  const optimizer = createFlatOptimizer({ spec: { name: 'adam', learningRate: 0.01 }, parameterCount: 3, updates: OPTIMIZER_UPDATES });
  const parameters = Float32Array.from([1, 1, 1]);
  optimizer.step(parameters, Float32Array.from([0.5, -2, 1e-3]), stateOf(optimizer));
  // With bias correction, the first step is lr·g/(|g| + ε): the sign of the gradient times lr.
  assert.ok(Math.abs(parameters[0] - 0.99) < 1e-6);
  assert.ok(Math.abs(parameters[1] - 1.01) < 1e-6);
  assert.ok(Math.abs(parameters[2] - 0.99) < 1e-5);
});

test('sgd, momentum, rmsprop and adagrad follow their tfjs update rules by hand', () => {
  const gradient = Float32Array.from([0.5]);
  const run = (name: 'sgd' | 'momentum' | 'rmsprop' | 'adagrad', steps: number) => {
    const optimizer = createFlatOptimizer({ spec: { name, learningRate: 0.1, momentum: 0.5 }, parameterCount: 1, updates: OPTIMIZER_UPDATES });
    const parameters = Float32Array.from([1]);
    const state = stateOf(optimizer);
    for (let step = 0; step < steps; step++) optimizer.step(parameters, gradient, state);
    return parameters[0];
  };
  assert.ok(Math.abs(run('sgd', 2) - 0.9) < 1e-6);
  // Momentum accumulates raw gradients: 0.5, then 0.5·0.5 + 0.5 = 0.75.
  assert.ok(Math.abs(run('momentum', 2) - (1 - 0.1 * 0.5 - 0.1 * 0.75)) < 1e-6);
  // RMSProp: mean square 0.1·0.25 = 0.025, step 0.1·0.5/√(0.025 + 1e-7).
  assert.ok(Math.abs(run('rmsprop', 1) - (1 - 0.05 / Math.sqrt(0.025 + 1e-7))) < 1e-6);
  // Adagrad starts its accumulator at 0.1: 0.1 + 0.25 = 0.35.
  assert.ok(Math.abs(run('adagrad', 1) - (1 - 0.05 / Math.sqrt(0.35 + 1e-7))) < 1e-6);
});

test('a zero gradient leaves parameters unchanged for every optimizer', () => {
  for (const name of ['adam', 'sgd', 'momentum', 'rmsprop', 'adagrad'] as const) {
    const optimizer = createFlatOptimizer({ spec: resolveTrainingSpec({ optimizer: { name, learningRate: 0.1 } }).optimizer, parameterCount: 2, updates: OPTIMIZER_UPDATES });
    const parameters = Float32Array.from([0.25, -4]);
    optimizer.step(parameters, new Float32Array(2), stateOf(optimizer));
    assert.deepEqual([...parameters], [0.25, -4], name);
  }
});

test('Adam computes in float32, and a moment that decays under 2^-100 becomes 0 instead of subnormal', () => {
  const optimizer = createFlatOptimizer({ spec: { name: 'adam', learningRate: 1e-3 }, parameterCount: 2, updates: OPTIMIZER_UPDATES });
  const parameters = Float32Array.from([0.5, 0.5]);
  const state = stateOf(optimizer);
  // One gradient, then none: the first moment decays by 0.9 a step and reaches the floor after about 700 steps.
  optimizer.step(parameters, Float32Array.from([1e-3, 1e-3]), state);
  const zero = new Float32Array(2);
  let smallestNonZero = Infinity;
  for (let step = 0; step < 1000; step++) {
    optimizer.step(parameters, zero, state);
    if (state[0] !== 0) smallestNonZero = Math.min(smallestNonZero, Math.abs(state[0]));
  }
  assert.equal(state[0], 0, 'the first moment reached 0');
  assert.ok(smallestNonZero >= ADAM_FLOAT32_CONSTANTS.momentFloor, `it was never below the floor: ${smallestNonZero}`);
  assert.ok(state[2] > 0, 'the second moment, decaying by 0.999, is still above it');
  assert.equal(parameters[0], parameters[1]);
  // Every stored value is a float32 computation's: the update of a fresh state by hand, in float32.
  const fresh = createFlatOptimizer({ spec: { name: 'adam', learningRate: 1e-3 }, parameterCount: 1, updates: OPTIMIZER_UPDATES });
  const one = Float32Array.from([0.5]);
  fresh.step(one, Float32Array.from([0.25]), stateOf(fresh));
  const round = Math.fround;
  const first = round(round(0.1) * 0.25);
  const second = round(round(round(round(1 - 0.999) * 0.25) * 0.25));
  const step = round(round(round(round(1e-3) * first) * round(1 / (1 - round(0.9)))) / round(round(Math.sqrt(round(second * round(1 / (1 - round(0.999)))))) + round(1e-7)));
  assert.equal(one[0], round(0.5 - step));
});
