import { test } from 'node:test';
import assert from 'node:assert/strict';
import { comparePaired, meanInterval, studentTCumulative, studentTQuantile, summarize, verdictFromInterval } from '../../src/lib/stats';

test('t quantiles match the textbook table', () => {
  // Two-sided 95% critical values of Student's t.
  const table: [number, number][] = [[1, 12.706], [2, 4.303], [4, 2.776], [9, 2.262], [30, 2.042]];
  for (const [degrees, expected] of table) {
    assert.ok(Math.abs(studentTQuantile(0.975, degrees) - expected) < 1e-3, `df ${degrees}`);
  }
  assert.ok(Math.abs(studentTCumulative(0, 5) - 0.5) < 1e-12);
});

test('summary and interval of a known sample', () => {
  const summary = summarize([1, 2, 3, 4, 5]);
  assert.equal(summary.mean, 3);
  assert.ok(Math.abs(summary.standardDeviation - Math.sqrt(2.5)) < 1e-12);
  const [low, high] = meanInterval([1, 2, 3, 4, 5]);
  const halfWidth = (2.776445 * Math.sqrt(2.5)) / Math.sqrt(5);
  assert.ok(Math.abs(low - (3 - halfWidth)) < 1e-4 && Math.abs(high - (3 + halfWidth)) < 1e-4);
});

test('verdict rule: above zero supports, below contradicts, straddling is inconclusive', () => {
  assert.equal(verdictFromInterval([0.1, 0.2]), 'supported');
  assert.equal(verdictFromInterval([-0.2, -0.1]), 'contradicted');
  assert.equal(verdictFromInterval([-0.1, 0.2]), 'inconclusive');
});

test('paired comparison: a candidate consistently lower is supported', () => {
  const baseline = { 1: 0.05, 2: 0.052, 3: 0.049 };
  const candidate = { 1: 0.04, 2: 0.041, 3: 0.0395 };
  const comparison = comparePaired(baseline, candidate);
  assert.equal(comparison.verdict, 'supported');
  assert.deepEqual(comparison.pairedSeeds, [1, 2, 3]);
  assert.ok(comparison.meanDifference > 0.009 && comparison.meanDifference < 0.011);
  assert.equal(comparePaired(candidate, baseline).verdict, 'contradicted');
});

test('paired comparison: noise around zero is inconclusive; divergence is reported', () => {
  const comparison = comparePaired({ 1: 0.05, 2: 0.04, 3: 0.06 }, { 1: 0.045, 2: 0.05, 3: 0.055 });
  assert.equal(comparison.verdict, 'inconclusive');
  const diverged = comparePaired({ 1: null, 2: null }, { 1: 0.04, 2: 0.05 });
  assert.equal(diverged.verdict, 'supported');
  assert.match(diverged.reason, /baseline diverged on all 2 seeds/);
});
