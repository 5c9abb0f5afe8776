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

test('the fast logistic function is within 3 float32 units in the last place of 1/(1+e^-z), and saturates', () => {
  let largestUnits = 0;
  const bits = new Int32Array(2);
  const values = new Float32Array(bits.buffer);
  for (let value = -87; value <= 30; value += 0.0007) {
    const input = Math.fround(value);
    values[0] = 1 / (1 + Math.exp(-input));
    values[1] = logistic(input);
    largestUnits = Math.max(largestUnits, Math.abs(bits[0] - bits[1]));
  }
  assert.ok(largestUnits <= 3, `${largestUnits} units in the last place`);
  assert.equal(logistic(200), 1);
  assert.equal(logistic(0), 0.5);
  // Below −87 the value is held at its value there, under 2e-38: nothing a float32 network can tell from 0.
  assert.equal(logistic(-200), logistic(-87));
  assert.ok(logistic(-200) < 2e-38);
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

test('the sigmoid derivative sets subnormal results to +0 and keeps every other value', () => {
  const output = Float32Array.from([1e-30, 0.5, 1e-30, 0.25]);
  const gradient = Float32Array.from([1e-10, 1e-40, -1e-5, 2]);
  multiplyByActivationDerivative({ name: 'sigmoid' }, output, output, gradient, 4);
  // 1e-10 · 1e-30 and 1e-40 · 0.25 are subnormal in float32; −1e-5 · 1e-30 is normal.
  assert.ok(Object.is(gradient[0], 0));
  assert.ok(Object.is(gradient[1], 0));
  assert.equal(gradient[2], Math.fround(Math.fround(-1e-5) * (Math.fround(1e-30) * (1 - Math.fround(1e-30)))));
  assert.equal(gradient[3], 0.375);
});
