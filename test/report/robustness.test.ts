import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeConditionMap, entriesAtFullBudget, holmVerdicts, mapConfigurations } from '../../src/lib/conditionMap/index';
import { conditionMapExperiment } from '../../src/lib/conditionMap/index';
import { PROFILES } from '../../src/lib/experiment/profiles';
import { ExperimentRun } from '../../src/lib/experiment/runner';
import { budgetBandsFigure, conditionMapFigure } from '../../src/lib/plots/conditionMap';
import { AutoencoderRunInput, resolveAutoencoderRunConfig } from '../../src/lib/runs/autoencoder';
import {
  claimRobustnessSummary, REFERENCE_ARM, ROBUSTNESS_ARMS, ROBUSTNESS_COMPARISONS, robustnessPlan, RobustnessPlan, robustnessSpec, scaleAgreement, threadRate,
} from '../../src/report/robustness';
import { MAP_PLAN, syntheticMapRuns } from '../fixtures/conditionMapRuns';

const PLAN = MAP_PLAN;

/**
 * Synthetic runs with known numbers: every arm's test MSE falls with the epochs; the reference arm
 * (ReLU · linear · sigmoid, Adam) is the best of all under Glorot; under He normal ELU beats it and
 * leaky ReLU ties it; at rate 1e-2 every Adam arm validates better but tests the same; at the larger
 * scale, ELU beats the reference under Glorot too.
 */
function syntheticRuns(plan: RobustnessPlan): ExperimentRun[] {
  return syntheticMapRuns(plan, (arm, config) => {
    const better = (value: number) => (config.autoencoder.initializer === 'heNormal' ? value : 0.05);
    const large = config.data.source === 'mnist';
    return arm === REFERENCE_ARM ? 0.04 : arm === 'ELU' ? (large ? 0.03 : better(0.03)) : arm === 'leaky ReLU' ? better(0.04) : 0.06;
  });
}

test('the sweep runs every arm at every rate of its grid and its thread rate under the conditions that choose rates, at the thread rate elsewhere', () => {
  const plan = robustnessPlan(PROFILES.default);
  const { experiment } = conditionMapExperiment(robustnessSpec(plan));
  const perSmallCondition = ROBUSTNESS_ARMS.reduce((total, arm) => total + new Set([...plan.rates[arm.optimizer], threadRate(arm.optimizer)]).size, 0);
  assert.equal(experiment.configurations.length, perSmallCondition * plan.initializers.length * plan.dataSets.length);
  assert.deepEqual(experiment.seeds, plan.seeds);
  const config = resolveAutoencoderRunConfig(experiment.configurations[0].run as AutoencoderRunInput);
  assert.equal(config.data.validationSize, 1000);
  assert.equal(config.training.epochs, plan.dataSets[0].epochs);
  assert.equal(new Set(experiment.configurations.map((configuration) => configuration.label)).size, experiment.configurations.length, 'labels are unique');
  assert.ok(plan.notSwept.length >= 3, 'the page says what was not swept');
  assert.deepEqual(plan.initializers, ['glorotUniform', 'heNormal', 'pytorchDefault']);
  assert.deepEqual(plan.dataSets.map((data) => data.id), ['mnist8k', 'fashion8k']);
});

test('the full profile adds MNIST and Fashion-MNIST at 60,000 digits, at the thread\'s rate, 5 seeds, 20 epochs, every initializer', () => {
  const plan = robustnessPlan(PROFILES.full);
  assert.deepEqual(plan.dataSets.map((data) => [data.id, data.source, data.trainSize, data.testSize, data.epochs, data.rateChoices.join('+')]), [
    ['mnist8k', 'embedded', 8000, 2000, 50, 'thread+best'],
    ['fashion8k', 'fashionMnist', 8000, 2000, 50, 'thread+best'],
    ['mnist60k', 'mnist', 60000, 10000, 20, 'thread'],
    ['fashion60k', 'fashionMnist', 60000, 10000, 20, 'thread'],
  ]);
  assert.equal(plan.seeds.length, 5);
  const spec = robustnessSpec(plan);
  assert.equal(spec.conditions.length, 3 * 2 * 2 + 3 * 2);
  // The map's Glorot runs on full MNIST are the claim pages' runs (seeds 1-5 of their 10): one key each.
  const { experiment } = conditionMapExperiment(spec);
  const fullScale = experiment.configurations.filter((configuration) => resolveAutoencoderRunConfig(configuration.run as AutoencoderRunInput).data.trainSize === 60000);
  assert.equal(fullScale.length, ROBUSTNESS_ARMS.length * 3 * 2);
  const reference = fullScale.find((configuration) => configuration.parameters?.arm === REFERENCE_ARM && configuration.parameters?.initializer === 'glorotUniform' && configuration.parameters?.data === 'mnist');
  assert.ok(reference);
  const resolved = resolveAutoencoderRunConfig(reference.run as AutoencoderRunInput);
  assert.deepEqual([resolved.data.validationSize, resolved.training.epochs, resolved.training.optimizer.learningRate], [0, 20, 1e-3]);
});

test('an entry per comparison × condition × epoch, the rate chosen on validation, updates counted per scale', () => {
  const spec = robustnessSpec(PLAN);
  const entries = analyzeConditionMap(spec, mapConfigurations(spec), syntheticRuns(PLAN));
  // mnist2k: 2 initializers × 2 rate choices × 3 epochs; mnist4k: 2 initializers × thread × 3 epochs.
  assert.equal(entries.length, ROBUSTNESS_COMPARISONS.length * (2 * 2 * 3 + 2 * 3));
  const eluVsRelu = (condition: string, epochs: number) => entries.find((entry) => entry.comparison === 'ELU vs ReLU' && entry.condition === condition && entry.epochs === epochs);
  assert.equal(eluVsRelu('mnist2k · glorotUniform · thread', 3)?.verdict, 'contradicted', 'ELU is worse under Glorot');
  assert.equal(eluVsRelu('mnist2k · heNormal · thread', 3)?.verdict, 'supported', 'and better under He normal');
  assert.deepEqual(eluVsRelu('mnist2k · heNormal · thread', 3)?.rates, { baseline: 1e-3, candidate: 1e-3 });
  assert.deepEqual(eluVsRelu('mnist2k · heNormal · best', 3)?.rates, { baseline: 1e-2, candidate: 1e-2 }, 'the rate with the lower validation MSE');
  const sgd = entries.find((entry) => entry.comparison === 'Adam vs SGD' && entry.condition === 'mnist2k · glorotUniform · thread');
  assert.deepEqual(sgd?.rates, { baseline: 1e-2, candidate: 1e-3 }, 'SGD at its usual default, Adam at the thread\'s 1e-3');
  assert.ok(Math.abs((eluVsRelu('mnist2k · heNormal · thread', 1)?.meanDifference as number) - 0.01) < 1e-12, 'read at the budget of the entry');
  // 1,500 fit examples at batch 128 are 12 updates an epoch; 4,000 are 32.
  assert.equal(eluVsRelu('mnist2k · glorotUniform · thread', 2)?.updates, 24);
  assert.equal(eluVsRelu('mnist4k · glorotUniform · thread', 2)?.updates, 64);
});

test('the map, Holm, the summary sentence and the scale agreement follow from the entries', () => {
  const spec = robustnessSpec(PLAN);
  const entries = analyzeConditionMap(spec, mapConfigurations(spec), syntheticRuns(PLAN));
  const map = entriesAtFullBudget(entries);
  assert.equal(map.length, ROBUSTNESS_COMPARISONS.length * 6);
  const holm = holmVerdicts(map);
  assert.equal(holm.length, map.length);
  assert.ok(holm.filter((verdict) => verdict !== 'inconclusive').length <= map.filter((entry) => entry.verdict !== 'inconclusive').length);
  const c3 = claimRobustnessSummary(spec, map, 'C3');
  assert.equal(c3.holds, 6);
  assert.equal(c3.answer, 'The claim holds under every one of the 6 conditions.');
  const agreement = scaleAgreement(PLAN, map);
  assert.equal(agreement.length, ROBUSTNESS_COMPARISONS.length * 2, 'one row per comparison and initializer of MNIST');
  const elu = agreement.find((row) => row.comparison === 'ELU vs ReLU' && row.initializer === 'Glorot uniform');
  assert.deepEqual([elu?.small.verdict, elu?.large.verdict, elu?.agrees], ['contradicted', 'supported', false], 'ELU flips between the scales under Glorot');
  assert.equal(agreement.find((row) => row.comparison === 'ELU vs ReLU' && row.initializer === 'He normal')?.agrees, true);
});

test('the verdict map has a cell per comparison and condition; the budget chart a band per condition, in updates, dashed by scale', () => {
  const spec = robustnessSpec(PLAN);
  const entries = analyzeConditionMap(spec, mapConfigurations(spec), syntheticRuns(PLAN));
  const mapEntries = entriesAtFullBudget(entries);
  const figure = conditionMapFigure({ spec, entries, mapEntries, holm: holmVerdicts(mapEntries) });
  const heatmap = figure.data[0] as { z: (number | null)[][]; x: string[]; y: string[] };
  assert.equal(heatmap.y.length, ROBUSTNESS_COMPARISONS.length);
  assert.equal(heatmap.x.length, 6);
  assert.ok(heatmap.z.flat().every((value) => value === -1 || value === 0 || value === 1));
  const budget = budgetBandsFigure({ spec, entries }, { comparison: { name: 'ELU vs ReLU', group: 'C4' }, where: { rate: "thread's rate" }, panelBy: 'data', lineBy: 'initializer', dashBy: 'scale', axis: 'updates' });
  assert.equal(budget.data.length, 3 * PLAN.initializers.length * 2, 'low, high (filled) and mean per initializer and scale');
  assert.deepEqual((budget.data[2] as { x: number[] }).x, [12, 24, 36]);
  const dashes = budget.data.filter((_, index) => index % 3 === 2).map((trace) => (trace as { line: { dash: string } }).line.dash);
  assert.deepEqual(dashes, ['solid', 'solid', 'dash', 'dash']);
  assert.equal((budget.layout.xaxis as { type: string }).type, 'log');
});
