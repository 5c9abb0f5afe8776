import { test } from 'node:test';
import assert from 'node:assert/strict';
import { autoencoderConfiguration, bestOnGrid, configurationSummaryRows, experiment } from '../../../src/lib/experiment/designs';
import { PROFILES } from '../../../src/lib/experiment/profiles';
import { resolveRunConfig } from '../../../src/lib/runs/index';
import { RUNS } from '../../fixtures/runs';

const finalTrainLossMetric = (run: (typeof RUNS)[number]) => run.result.history[run.result.history.length - 1].trainReconstructionLoss;

test('the best of a grid has the lowest mean of the metric, a label with a diverged seed is never best, and an edge is flagged', () => {
  assert.deepEqual(bestOnGrid(RUNS, ['sigmoid', 'relu'], finalTrainLossMetric), { best: 'relu', atEdge: true });
  assert.equal(bestOnGrid(RUNS, ['relu', 'sigmoid'], finalTrainLossMetric).best, 'relu');
  // 'unstable' has the lowest losses where it finished, but it diverged once.
  assert.deepEqual(bestOnGrid(RUNS, ['unstable', 'relu', 'sigmoid'], finalTrainLossMetric), { best: 'relu', atEdge: false });
  assert.equal(bestOnGrid(RUNS, ['sigmoid', 'relu'], (run) => -(run.result.testMse as number)).best, 'sigmoid');
});

test('summary rows give per configuration the seeds, MSE statistics, diverged runs and diagnostics', () => {
  const rows = configurationSummaryRows(RUNS);
  assert.deepEqual(rows.map((row) => row.configuration), ['sigmoid', 'relu', 'unstable']);
  const [sigmoid, relu, unstable] = rows;
  assert.equal(sigmoid.seeds, 3);
  assert.ok(Math.abs((sigmoid.meanTestMse as number) - 0.151 / 3) < 1e-12);
  assert.equal(sigmoid.minTestMse, 0.049);
  assert.equal(sigmoid.maxTestMse, 0.052);
  assert.ok(Math.abs((sigmoid.sdTestMse as number) - 0.0015275252316519468) < 1e-12);
  assert.equal(sigmoid.diverged, 0);
  assert.ok(Math.abs((relu.deadOutputPixels as number) - 0.3) < 1e-12);
  assert.ok(Math.abs((relu.zeroCodeFraction as number) - 0.2) < 1e-12);
  assert.equal(configurationSummaryRows([{ ...RUNS[0], result: { ...RUNS[0].result, final: { ...RUNS[0].result.final, code: null } } } as never])[0].zeroCodeFraction, null, 'no code statistics: null, not zero');
  assert.equal(unstable.seeds, 3);
  assert.equal(unstable.diverged, 1);
  assert.ok(Math.abs((unstable.meanTestMse as number) - 0.0305) < 1e-12);
});

test('a configuration under a profile names its parameters and resolves to the profile\'s schedule and data', () => {
  const configuration = autoencoderConfiguration({ label: 'ELU @ 0.01', group: 'ELU', profile: PROFILES.quick, hidden: 'elu', bottleneck: 'linear', output: 'sigmoid', learningRate: 0.01, initializer: 'heNormal' });
  assert.equal(configuration.group, 'ELU');
  assert.deepEqual(configuration.parameters, { optimizer: 'adam', learningRate: 0.01, l1ActivationPenalty: 0, initializer: 'heNormal', epochs: PROFILES.quick.epochs, data: 'embedded', trainSize: 2000 });
  const config = resolveRunConfig(configuration.run);
  assert.equal(config.kind, 'autoencoder');
  if (config.kind !== 'autoencoder') return;
  assert.equal(config.training.epochs, PROFILES.quick.epochs);
  assert.equal(config.data.trainSize, PROFILES.quick.data.trainSize);
  // The full profile measures on the whole MNIST.
  const full = resolveRunConfig(autoencoderConfiguration({ label: 'x', profile: PROFILES.full, hidden: 'relu', bottleneck: 'linear', output: 'sigmoid' }).run);
  assert.deepEqual([full.data.source, full.data.trainSize, full.data.testSize], ['mnist', 60000, 10000]);
  assert.deepEqual(config.autoencoder.hiddenActivation, { name: 'elu', alpha: 1 });
  assert.deepEqual(experiment('x', PROFILES.quick, [configuration]).seeds, PROFILES.quick.seeds);
});
