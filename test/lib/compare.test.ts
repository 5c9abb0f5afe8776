import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareLabels, describeComparison, valuesBySeed } from '../../src/lib/compare';
import { finalTrainLoss } from '../../src/lib/experiment/designs';
import { RUNS } from '../fixtures/runs';

test('values by seed hold each seed once, null for a diverged run; an unknown label lists the known ones', () => {
  assert.deepEqual(valuesBySeed(RUNS, 'unstable'), { 1: 0.03, 2: null, 3: 0.031 });
  assert.throws(() => valuesBySeed(RUNS, 'tanh'), /no runs labelled "tanh"; labels are sigmoid, relu, unstable/);
});

test('comparing labels pairs by seed: a consistently lower candidate is supported, the reverse contradicted', () => {
  const better = compareLabels(RUNS, 'relu vs sigmoid', 'sigmoid', 'relu');
  assert.equal(better.name, 'relu vs sigmoid');
  assert.equal(better.primary, true);
  assert.equal(better.metricName, 'test MSE');
  assert.equal(better.result.verdict, 'supported');
  assert.deepEqual(better.result.pairedSeeds, [1, 2, 3]);
  assert.ok(Math.abs(better.result.meanDifference - (0.151 - 0.1205) / 3) < 1e-12);
  assert.equal(compareLabels(RUNS, 'reverse', 'relu', 'sigmoid').result.verdict, 'contradicted');
});

test('comparing labels with another metric uses it and its name; diverged seeds are left out of the pairs', () => {
  const byTrainLoss = compareLabels(RUNS, 'train', 'sigmoid', 'relu', { metric: finalTrainLoss, metricName: 'train loss', primary: false });
  assert.equal(byTrainLoss.metricName, 'train loss');
  assert.equal(byTrainLoss.primary, false);
  assert.ok(Math.abs(byTrainLoss.result.meanDifference - (0.18 - 0.135) / 3) < 1e-12);
  const withDivergence = compareLabels(RUNS, 'unstable vs relu', 'relu', 'unstable');
  assert.deepEqual(withDivergence.result.pairedSeeds, [1, 3]);
  assert.deepEqual(withDivergence.result.divergedSeeds.candidate, [2]);
  assert.match(withDivergence.result.reason, /diverged seeds left out/);
});

test('a comparison reads as one sentence with its means, difference, relative difference and verdict', () => {
  const text = describeComparison(compareLabels(RUNS, 'relu vs sigmoid', 'sigmoid', 'relu'));
  assert.match(text, /^relu vs sigmoid: test MSE 0\.0402 ± .* vs 0\.0503 ± .*paired difference \(baseline − candidate\) 0\.0102 \(20\.2% of the baseline\).*→ supported$/);
});
