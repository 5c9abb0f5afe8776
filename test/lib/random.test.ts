import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRandom, permutation } from '../../src/lib/random';

test('the same seed and stream give the same sequence; another stream differs', () => {
  const first = createRandom(7, 'a');
  const second = createRandom(7, 'a');
  const other = createRandom(7, 'b');
  const drawsFirst = Array.from({ length: 5 }, () => first.next());
  const drawsSecond = Array.from({ length: 5 }, () => second.next());
  const drawsOther = Array.from({ length: 5 }, () => other.next());
  assert.deepEqual(drawsFirst, drawsSecond);
  assert.notDeepEqual(drawsFirst, drawsOther);
  for (const value of drawsFirst) assert.ok(value >= 0 && value < 1);
});

test('normal draws have mean near 0 and variance near 1', () => {
  const random = createRandom(3);
  const count = 20000;
  let sum = 0;
  let sumSquares = 0;
  for (let index = 0; index < count; index++) {
    const value = random.nextNormal();
    sum += value;
    sumSquares += value * value;
  }
  const mean = sum / count;
  assert.ok(Math.abs(mean) < 0.03, `mean ${mean}`);
  assert.ok(Math.abs(sumSquares / count - mean * mean - 1) < 0.05);
});

test('permutation holds every index once', () => {
  const order = permutation(1000, createRandom(11));
  assert.deepEqual([...order].sort((a, b) => a - b), Array.from({ length: 1000 }, (_, index) => index));
  assert.notDeepEqual([...order.slice(0, 10)], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
});

test('a non-integer seed is refused', () => {
  assert.throws(() => createRandom(1.5), /seed must be an integer, got 1.5/);
});
