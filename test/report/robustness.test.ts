import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PROFILES } from '../../src/lib/experiment/profiles';
import { ExperimentRun } from '../../src/lib/experiment/runner';
import { resolveRunConfig } from '../../src/lib/runs/index';
import {
  analyzeRobustness, bestRateByValidation, claimRobustnessSummary, entriesAtFullBudget, holmVerdicts, REFERENCE_ARM, ROBUSTNESS_ARMS,
  ROBUSTNESS_COMPARISONS, robustnessExperiment, robustnessPlan, RobustnessPlan, threadRate,
} from '../../src/report/robustness';
import { budgetFigure, verdictMapFigure } from '../../src/report/robustnessFigures';

const PLAN: RobustnessPlan = {
  ...robustnessPlan(PROFILES.quick),
  initializers: ['glorotUniform', 'heNormal'],
  dataSets: ['embedded'],
  epochs: 3,
  seeds: [1, 2, 3, 4],
  rates: { adam: [1e-3, 1e-2], rmsprop: [1e-3], adagrad: [1e-3], momentum: [1e-2], sgd: [1e-2] },
};

/**
 * Synthetic runs with known numbers: every arm's test MSE falls with the epochs; the reference arm
 * (ReLU · linear · sigmoid, Adam) is the best of all under Glorot; under He normal ELU beats it and
 * leaky ReLU ties it; at rate 1e-2 every Adam arm validates better but tests the same.
 */
function syntheticRuns(): ExperimentRun[] {
  const runs: ExperimentRun[] = [];
  for (const initializer of PLAN.initializers) {
    for (const arm of ROBUSTNESS_ARMS) {
      const rates = [...new Set([...PLAN.rates[arm.optimizer], threadRate(arm.optimizer)])];
      for (const rate of rates) {
        for (const seed of PLAN.seeds) {
          const onlyUnderHe = (better: number) => (initializer === 'heNormal' ? better : 0.05);
          const base = arm.id === REFERENCE_ARM ? 0.04 : arm.id === 'ELU' ? onlyUnderHe(0.03) : arm.id === 'leaky ReLU' ? onlyUnderHe(0.04) : 0.06;
          const history = [1, 2, 3].map((epoch) => ({
            epoch,
            testMse: base + 0.01 / epoch + 1e-4 * seed,
            validationMse: base + 0.01 / epoch + (rate === 1e-2 ? -0.005 : 0),
            trainLoss: base, trainReconstructionLoss: base, testLoss: base, deadFraction: [], seconds: 1,
          }));
          runs.push({
            label: `${arm.id} @ ${rate} · ${initializer}`, group: arm.group, seed, key: `${arm.id}-${rate}-${initializer}-${seed}`, cached: true,
            parameters: { arm: arm.id, learningRate: rate, initializer, data: 'embedded' },
            result: { history, testMse: history[2].testMse, diverged: null } as unknown as ExperimentRun['result'],
          });
        }
      }
    }
  }
  return runs;
}

test('the sweep runs every arm at every rate of its grid and its thread rate, under every initializer and data set, with a validation split', () => {
  const plan = robustnessPlan(PROFILES.default);
  const sweep = robustnessExperiment(plan, PROFILES.default);
  const perCondition = ROBUSTNESS_ARMS.reduce((total, arm) => total + new Set([...plan.rates[arm.optimizer], threadRate(arm.optimizer)]).size, 0);
  assert.equal(sweep.configurations.length, perCondition * plan.initializers.length * plan.dataSets.length);
  assert.deepEqual(sweep.seeds, plan.seeds);
  const config = resolveRunConfig(sweep.configurations[0].run);
  assert.equal(config.data.validationSize, 1000);
  assert.equal(config.training.epochs, plan.epochs);
  assert.equal(new Set(sweep.configurations.map((configuration) => configuration.label)).size, sweep.configurations.length, 'labels are unique');
  assert.ok(plan.notSwept.length >= 3, 'the page says what was not swept');
  assert.deepEqual(plan.initializers, ['glorotUniform', 'heNormal', 'pytorchDefault']);
  assert.deepEqual(plan.dataSets, ['embedded', 'fashionMnist']);
  assert.ok(robustnessPlan(PROFILES.full).epochs >= 50, 'the full profile reads budgets up to at least 50 epochs');
});

test('an entry per comparison × initializer × data set × rate choice × epoch, the rate chosen on validation', () => {
  const entries = analyzeRobustness(syntheticRuns(), PLAN);
  assert.equal(entries.length, ROBUSTNESS_COMPARISONS.length * 2 * 1 * 2 * 3);
  const reluVsElu = (initializer: string, choice: string, epochs: number) =>
    entries.find((entry) => entry.comparison === 'ELU vs ReLU' && entry.condition.initializer === initializer && entry.condition.learningRateChoice === choice && entry.condition.epochs === epochs);
  assert.equal(reluVsElu('glorotUniform', 'thread', 3)?.verdict, 'contradicted', 'ELU is worse under Glorot');
  assert.equal(reluVsElu('heNormal', 'thread', 3)?.verdict, 'supported', 'and better under He normal');
  assert.deepEqual(reluVsElu('heNormal', 'thread', 3)?.rates, { baseline: 1e-3, candidate: 1e-3 });
  assert.deepEqual(reluVsElu('heNormal', 'best', 3)?.rates, { baseline: 1e-2, candidate: 1e-2 }, 'the rate with the lower validation MSE');
  const sgd = entries.find((entry) => entry.comparison === 'Adam vs SGD' && entry.condition.learningRateChoice === 'thread');
  assert.deepEqual(sgd?.rates, { baseline: 1e-2, candidate: 1e-3 }, 'SGD at its usual default, Adam at the thread\'s 1e-3');
  assert.ok(Math.abs((reluVsElu('heNormal', 'thread', 1)?.meanDifference as number) - 0.01) < 1e-12, 'read at the budget of the entry');
});

test('a diverged rate never wins the choice; the map, Holm and the summary sentence follow from the entries', () => {
  const byRate = new Map([
    [1e-3, [{ result: { history: [{ validationMse: 0.05 }] } }]],
    [1e-2, [{ result: { history: [] } }]],
  ]) as unknown as Map<number, ExperimentRun[]>;
  assert.equal(bestRateByValidation(byRate, 1), 1e-3);
  const entries = analyzeRobustness(syntheticRuns(), PLAN);
  const map = entriesAtFullBudget(entries, PLAN);
  assert.equal(map.length, ROBUSTNESS_COMPARISONS.length * 2 * 2);
  const holm = holmVerdicts(map);
  assert.equal(holm.length, map.length);
  assert.ok(holm.filter((verdict) => verdict !== 'inconclusive').length <= map.filter((entry) => entry.verdict !== 'inconclusive').length);
  const c4 = claimRobustnessSummary(map, 'C4');
  assert.equal(c4.conditions, 4);
  assert.equal(c4.answer, "The claim is contradicted under 2 of 4 (MNIST · Glorot uniform · thread's rate; MNIST · Glorot uniform · best rate); elsewhere it is inconclusive.");
  const c3 = claimRobustnessSummary(map, 'C3');
  assert.equal(c3.holds, 4);
  assert.equal(c3.answer, 'The claim holds under every one of the 4 conditions.');
});

test('the verdict map has a cell per comparison and condition; the budget chart a line and a band per initializer and data set', () => {
  const entries = analyzeRobustness(syntheticRuns(), PLAN);
  const map = entriesAtFullBudget(entries, PLAN);
  const figure = verdictMapFigure(map, PLAN, holmVerdicts(map));
  const heatmap = figure.data[0] as { z: (number | null)[][]; x: string[]; y: string[] };
  assert.equal(heatmap.y.length, ROBUSTNESS_COMPARISONS.length);
  assert.equal(heatmap.x.length, 4);
  assert.ok(heatmap.z.flat().every((value) => value === -1 || value === 0 || value === 1));
  const budget = budgetFigure(entries, PLAN, { claim: 'C4', name: 'ELU vs ReLU' }, 'thread');
  assert.equal(budget.data.length, 3 * PLAN.initializers.length * PLAN.dataSets.length, 'low, high (filled) and mean per initializer');
  assert.deepEqual((budget.data[2] as { x: number[] }).x, [1, 2, 3]);
  assert.equal((budget.layout.xaxis as { type: string }).type, 'log');
});
