import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyActivation, logistic, multiplyByActivationDerivative } from '../../../src/lib/engine/activations';
import { Activation } from '../../../src/lib/spec';

const ACTIVATIONS: Activation[] = [
  { name: 'relu' },
  { name: 'leakyRelu', slope: 0.2 },
  { name: 'elu', alpha: 1 },
  { name: 'elu', alpha: 0.5 },
  { name: 'sigmoid' },
  { name: 'tanh' },
  { name: 'softplus' },
  { name: 'linear' },
];

/** Points away from the kinks at 0, where a finite difference would straddle two slopes. */
const POINTS = Float32Array.from([-6, -2.5, -1, -0.3, -0.01, 0.02, 0.4, 1.3, 3, 7]);

function activate(activation: Activation, values: Float32Array): Float32Array {
  const output = new Float32Array(values.length);
  applyActivation(activation, values, output, values.length);
  return output;
}

test('the fast logistic function agrees with 1/(1+e^-z) to float32 precision', () => {
  let largest = 0;
  for (let value = -30; value <= 30; value += 0.001) {
    const exact = 1 / (1 + Math.exp(-value));
    largest = Math.max(largest, Math.abs(logistic(value) - exact) / exact);
  }
  assert.ok(largest < 1e-9, `relative error ${largest}`);
  assert.equal(Math.fround(logistic(200)), 1);
  assert.ok(logistic(-200) < 1e-40);
});

for (const activation of ACTIVATIONS) {
  test(`the derivative of ${JSON.stringify(activation)} matches a central finite difference`, () => {
    const output = activate(activation, POINTS);
    const gradient = new Float32Array(POINTS.length).fill(1);
    multiplyByActivationDerivative(activation, POINTS, output, gradient, POINTS.length);
    const step = 1e-3;
    const above = activate(activation, POINTS.map((value) => value + step));
    const below = activate(activation, POINTS.map((value) => value - step));
    POINTS.forEach((point, index) => {
      const difference = (above[index] - below[index]) / (2 * step);
      assert.ok(Math.abs(gradient[index] - difference) < 2e-3, `${activation.name} at ${point}: ${gradient[index]} vs ${difference}`);
    });
  });
}

test('the derivatives at 0 take tfjs values: relu 0, leaky ReLU its slope, elu alpha', () => {
  const zero = new Float32Array([0]);
  const derivativeAtZero = (activation: Activation) => {
    const gradient = new Float32Array([1]);
    multiplyByActivationDerivative(activation, zero, activate(activation, zero), gradient, 1);
    return gradient[0];
  };
  assert.equal(derivativeAtZero({ name: 'relu' }), 0);
  assert.equal(derivativeAtZero({ name: 'leakyRelu', slope: 0.2 }), Math.fround(0.2));
  assert.equal(derivativeAtZero({ name: 'elu', alpha: 0.5 }), 0.5);
});

test('relu gives +0, not -0, for negative inputs', () => {
  assert.ok(Object.is(activate({ name: 'relu' }, new Float32Array([-3]))[0], 0));
});
