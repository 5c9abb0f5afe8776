import { test } from 'node:test';
import assert from 'node:assert/strict';
import { meanSquaredError, reconstructionLossAndGradient, SQUARE_SUM_LANES } from '../../src/lib/losses';
import { createRandom } from '../../src/lib/random';

/** The definition written out plainly: float32 differences, squared into running sum i mod 8, the eight added pairwise. */
function referenceSquareSum(predictions: Float32Array, targets: Float32Array, count: number): number {
  const sums = new Array<number>(SQUARE_SUM_LANES).fill(0);
  for (let index = 0; index < count; index++) sums[index % SQUARE_SUM_LANES] += Math.fround(predictions[index] - targets[index]) ** 2;
  return ((sums[0] + sums[1]) + (sums[2] + sums[3])) + ((sums[4] + sums[5]) + (sums[6] + sums[7]));
}

test('the MSE sums in eight running sums, value i into sum i mod 8, for every length of the last block', () => {
  const random = createRandom(1, 'losses');
  for (const count of [0, 1, 7, 8, 9, 15, 16, 1001, 4099]) {
    const predictions = new Float32Array(count).map(() => random.next());
    const targets = new Float32Array(count).map(() => random.next());
    const expected = count === 0 ? NaN : referenceSquareSum(predictions, targets, count) / count;
    assert.ok(Object.is(meanSquaredError(predictions, targets, count), expected), `count ${count}`);
    const gradient = new Float32Array(count);
    assert.ok(Object.is(reconstructionLossAndGradient('mse', predictions, targets, gradient, count), expected), `count ${count} with gradient`);
    gradient.forEach((value, index) => assert.equal(value, Math.fround(Math.fround(2 / count) * Math.fround(predictions[index] - targets[index]))));
  }
});

test('the eight-lane float32-difference MSE agrees with a plain double running sum to float32 rounding', () => {
  const random = createRandom(2, 'losses');
  const count = 100_003;
  const predictions = new Float32Array(count).map(() => random.next());
  const targets = new Float32Array(count).map(() => random.next());
  let sum = 0;
  for (let index = 0; index < count; index++) sum += (predictions[index] - targets[index]) ** 2;
  assert.ok(Math.abs(meanSquaredError(predictions, targets) / (sum / count) - 1) < 1e-7);
});
