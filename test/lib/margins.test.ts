import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runFailure } from '../../src/lib/failures';
import { marginVerdict, mirroredInterval, seedsNeeded, seedsToResolve } from '../../src/lib/margins';
import { bimodality, binomialInterval, signedRankTest, signTest } from '../../src/lib/robustStats';
import { resolveAutoencoderRunConfig } from '../../src/lib/runs/autoencoder';

const close = (actual: number, expected: number, tolerance: number, what: string) => assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual} vs ${expected}`);

test('each margin verdict at the boundaries of δ (2% of a baseline mean of 1)', () => {
  const verdict = (low: number, high: number) => marginVerdict({ interval: [low, high], baselineMean: 1, margin: 0.02 });
  assert.equal(verdict(-0.019, 0.019), 'equivalent within δ');
  assert.equal(verdict(0.005, 0.015), 'equivalent within δ', 'a detectable difference smaller than δ makes no practical difference');
  assert.equal(verdict(-0.02, 0.01), 'inconclusive', 'touching −δ is not inside it');
  assert.equal(verdict(-0.01, 0.02), 'not worse than δ', 'touching +δ leaves equivalence but not non-inferiority');
  assert.equal(verdict(0.001, 0.02), 'better');
  assert.equal(verdict(0, 0.03), 'not worse than δ', 'a lower end at exactly 0 is not better');
  assert.equal(verdict(-0.03, -0.001), 'worse');
  assert.equal(verdict(-0.019, 0.03), 'not worse than δ');
  assert.equal(verdict(-0.03, 0.01), 'inconclusive');
  assert.equal(verdict(Number.NaN, Number.NaN), 'inconclusive');
  // Scaled by the baseline: δ = 2% of 0.05 is 0.001.
  assert.equal(marginVerdict({ interval: [-0.0009, 0.0009], baselineMean: 0.05, margin: 0.02 }), 'equivalent within δ');
  assert.equal(marginVerdict({ interval: [-0.0011, 0.0009], baselineMean: 0.05, margin: 0.02 }), 'inconclusive');
  assert.deepEqual(mirroredInterval([-0.01, 0.03]), [-0.03, 0.01]);
});

test('seeds needed: a standardized effect of 0.5 at 5% two-sided and 80% power takes 34 pairs (G*Power\'s paired t-test)', () => {
  assert.equal(seedsNeeded({ spread: 1, distance: 0.5 }), 34);
  // A standardized effect of 1: G*Power gives 10.
  assert.equal(seedsNeeded({ spread: 2, distance: 2 }), 10);
  assert.equal(seedsNeeded({ spread: 1, distance: 0 }), Infinity);
  const resolve = seedsToResolve([0.01, -0.01, 0.02, -0.02, 0], 1, 0.05);
  assert.equal(resolve.superiority, Infinity, 'a zero mean can never be told from zero');
  assert.ok(resolve.equivalence >= 2 && resolve.equivalence < 20, `${resolve.equivalence}`);
  assert.equal(resolve.seeds, resolve.equivalence);
});

test('the exact binomial interval matches published Clopper–Pearson values', () => {
  const expected: [number, number, [number, number]][] = [
    [0, 10, [0, 0.30850]], [1, 10, [0.0025286, 0.44502]], [5, 10, [0.18709, 0.81291]], [10, 10, [0.69150, 1]], [3, 50, [0.012548, 0.16548]],
  ];
  for (const [successes, trials, [low, high]] of expected) {
    const [actualLow, actualHigh] = binomialInterval(successes, trials);
    close(actualLow, low, 2e-5, `${successes}/${trials} low`);
    close(actualHigh, high, 2e-5, `${successes}/${trials} high`);
  }
  assert.throws(() => binomialInterval(11, 10), /0 ≤ successes ≤ trials/);
});

test('the sign and signed-rank tests give their exact p-values', () => {
  const nine = [1, 2, 3, 4, 5, 6, 7, 8, 9, -1];
  close(signTest(nine).pValue, (2 * 11) / 1024, 1e-12, 'sign test 9 of 10');
  assert.equal(signTest([0, 0]).pValue, 1);
  close(signedRankTest([1, 2, 3, 4, 5]).pValue, 2 / 32, 1e-12, 'all five positive');
  assert.equal(signedRankTest([1, 2, 3, 4, 5]).statistic, 15);
  close(signedRankTest([-1, 2, 3, 4, 5, 6]).pValue, 4 / 64, 1e-12, 'the smallest one negative');
  // Ties take their mean rank: |−2| and 2 share rank 2.5.
  assert.equal(signedRankTest([1, -2, 2, 3]).statistic, 1 + 2.5 + 4);
});

test('bimodality: two groups far apart relative to their spread, each of two seeds or more', () => {
  const split = bimodality([0.01, 0.012, 0.011, 0.3, 0.31]);
  assert.equal(split.bimodal, true);
  assert.deepEqual(split.upper, [0.3, 0.31]);
  assert.equal(bimodality([0.01, 0.02, 0.03, 0.04, 0.05]).bimodal, false);
  assert.equal(bimodality([0.01, 0.011, 0.012, 0.5]).bimodal, false, 'one outlier is not a second mode');
});

test('a run fails when it diverged, lost a code unit, or lost a whole hidden layer; dead output pixels and part of a layer do not count', () => {
  const config = resolveAutoencoderRunConfig({ autoencoder: { bottleneckActivation: 'relu', outputActivation: 'relu' } });
  const final = (deadFraction: (number | null)[], collapsed = 0) => ({ testLoss: 0, hiddenSparsity: 0, deadFraction, code: { standardDeviations: [1, 1], zeroCodeFraction: 0, collapsedDimensionFraction: collapsed } });
  const run = (deadFraction: (number | null)[], collapsed = 0, diverged = false) => ({ config, final: final(deadFraction, collapsed), diverged: diverged ? { epoch: 1, step: 0, loss: 'NaN', reason: 'x' } : null });
  assert.equal(runFailure(run([0, 0, 0, 0, 0, 0.4])), null, 'dead output pixels alone');
  assert.equal(runFailure(run([0, 0, 0.5, 0, 0, 0])), '1 dead code unit(s)');
  assert.equal(runFailure(run([0.6, 0, 0, 0.99, 0, 0])), null, 'dead units short of a whole layer');
  assert.equal(runFailure(run([1, 0, 0, 0, 0, 0])), 'hidden layer 1 dead');
  assert.equal(runFailure(run([0, 0, 0.5, 1, 0, 0])), '1 dead code unit(s); hidden layer 4 dead');
  assert.equal(runFailure(run([0, 0, 0, 0, 0, 0], 0.5)), 'a collapsed code dimension');
  assert.equal(runFailure(run([0, 0, 0, 0, 0, 0], 0, true)), 'diverged');
});
