import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { initializeBackend } from '../../src/lib/backend';
import { loadData } from '../../src/lib/data';
import { blasAvailable } from '../../src/lib/engine/index';
import { trainStackedDenoising } from '../../src/lib/recipes';
import { AutoencoderRunInput, RunResult, trainAutoencoder } from '../../src/lib/run';

const DATA = loadData({ trainSize: 300, testSize: 100 });
const LAYER_SIZES = [784, 32, 2, 32, 784];

/** A small autoencoder trained for 3 epochs; `training` overrides parts of the schedule. */
function smallConfig(training: AutoencoderRunInput['training'] = {}): AutoencoderRunInput {
  return {
    autoencoder: { layerSizes: LAYER_SIZES },
    training: { epochs: 3, batchSize: 32, optimizer: { name: 'adam', learningRate: 1e-2 }, ...training },
    data: { trainSize: 300, testSize: 100 },
  };
}

/** The history without wall-clock seconds, which are the only numbers allowed to differ between runs. */
function historyNumbers(result: RunResult): unknown[] {
  return result.history.map(({ seconds: _seconds, ...record }) => record);
}

/** A copy of a value with undefined object fields removed, as JSON.stringify drops them. */
function withoutUndefined(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutUndefined);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined).map(([key, field]) => [key, withoutUndefined(field)]));
  }
  return value;
}

before(async () => {
  await initializeBackend('wasm');
});

const ENGINES = blasAvailable().available ? ['blas', 'tfjs'] : ['tfjs'];

for (const engine of ENGINES) {
  test(`${engine}: the same seed gives the same history and test MSE; another seed differs`, () => {
    const first = trainAutoencoder({ config: smallConfig(), data: DATA, seed: 11, engine });
    const second = trainAutoencoder({ config: smallConfig(), data: DATA, seed: 11, engine });
    const other = trainAutoencoder({ config: smallConfig(), data: DATA, seed: 12, engine });
    assert.equal(first.engine, engine);
    if (engine === 'tfjs') assert.equal(first.backend, 'wasm');
    assert.equal(first.history.length, 3);
    assert.deepEqual(historyNumbers(first), historyNumbers(second));
    assert.equal(first.testMse, second.testMse);
    assert.deepEqual(first.samples, second.samples);
    assert.notDeepEqual(historyNumbers(first), historyNumbers(other));
    assert.notEqual(first.testMse, other.testMse);
  });
}

test('the training loss falls over three epochs of Adam 1e-2 on a fixed set', () => {
  const result = trainAutoencoder({ config: smallConfig(), data: DATA, seed: 3 });
  const losses = result.history.map((record) => record.trainLoss);
  assert.ok(losses[losses.length - 1] < losses[0], `train losses ${losses}`);
  // A sigmoid output of a 2-D code cannot be perfect, but it beats predicting 0.5 everywhere (MSE ≈ 0.2).
  assert.ok((result.testMse as number) > 0 && (result.testMse as number) < 0.12, `test MSE ${result.testMse}`);
  for (const record of result.history) {
    assert.equal(record.deadFraction.length, LAYER_SIZES.length - 1);
    assert.equal(record.deadFraction[1], null, 'the linear code layer has no dead units');
  }
});

test('a result is plain JSON and carries its config, seed, engine, backend, versions and data fingerprint', () => {
  const result = trainAutoencoder({ config: smallConfig({ epochs: 1 }), data: DATA, seed: 8 });
  assert.deepEqual(JSON.parse(JSON.stringify(result)), withoutUndefined(result));
  assert.equal(result.config.kind, 'autoencoder');
  assert.deepEqual(result.config.autoencoder.layerSizes, LAYER_SIZES);
  assert.equal(result.config.training.epochs, 1);
  assert.deepEqual(result.config.training.optimizer, { name: 'adam', learningRate: 1e-2 });
  assert.equal(result.seed, 8);
  assert.ok(['blas', 'tfjs'].includes(result.engine), result.engine);
  assert.equal(typeof result.backend, 'string');
  assert.ok(result.backend.length > 0);
  assert.equal(typeof result.versions, 'object');
  assert.ok(Object.keys(result.versions).length > 0);
  assert.equal(result.data.fingerprint, DATA.description.fingerprint);
  assert.equal(result.diverged, null);
  assert.equal(result.testMse, result.history[0].testMse);
  assert.equal(result.samples?.reconstructions.length, 10);
  assert.equal(result.samples?.codes.length, 100);
  assert.equal(result.samples?.reconstructions[0].reconstruction.length, 784);
});

test('a diverging run is recorded with its epoch and a null test MSE instead of throwing', () => {
  // A linear output: a sigmoid output saturates under a huge step and stops learning rather than overflowing.
  const config = smallConfig({ optimizer: { name: 'sgd', learningRate: 1e6 }, epochs: 2 });
  const result = trainAutoencoder({ config: { ...config, autoencoder: { ...config.autoencoder, outputActivation: 'linear' } }, data: DATA, seed: 1 });
  assert.notEqual(result.diverged, null);
  assert.equal(result.diverged?.epoch, 1);
  assert.ok((result.diverged?.step as number) >= 0);
  assert.ok(['NaN', 'Infinity', '-Infinity'].includes(result.diverged?.loss as string), `loss ${result.diverged?.loss}`);
  assert.deepEqual(JSON.parse(JSON.stringify(result.diverged)), result.diverged);
  assert.equal(result.testMse, null);
  assert.equal(result.final, null);
  assert.equal(result.samples, null);
  assert.ok(result.history.length < 2);
  assert.doesNotThrow(() => JSON.stringify(result));
});

test('an input size that does not match the data names layerSizes[0]', () => {
  assert.throws(
    () => trainAutoencoder({ config: { autoencoder: { layerSizes: [100, 8, 2, 8, 100] }, training: { epochs: 1 } }, data: DATA, seed: 1 }),
    /layerSizes\[0\]: 100 does not match the data's 784 features/,
  );
});

test('mask corruption changes the history against a clean run of the same seed', () => {
  const clean = trainAutoencoder({ config: smallConfig({ epochs: 2 }), data: DATA, seed: 4 });
  const masked = trainAutoencoder({ config: smallConfig({ epochs: 2, inputCorruption: { kind: 'mask', fraction: 0.3 } }), data: DATA, seed: 4 });
  assert.notDeepEqual(historyNumbers(clean), historyNumbers(masked));
  assert.notEqual(clean.history[0].trainReconstructionLoss, masked.history[0].trainReconstructionLoss);
  assert.deepEqual(masked.config.training.inputCorruption, { kind: 'mask', fraction: 0.3 });
});

test('the stacked denoising recipe trains its three stages and reports finite test errors', () => {
  const tinyData = loadData({ trainSize: 200, testSize: 50 });
  const result = trainStackedDenoising({
    config: { kind: 'stackedDenoising', recipe: { hiddenSizes: [16, 8], fineTuneEpochs: 1 }, training: { epochs: 1, batchSize: 50 } },
    data: tinyData,
    seed: 2,
  });
  assert.deepEqual(result.stages.map((stage) => stage.name), ['dae1', 'dae2', 'fineTune']);
  for (const stage of result.stages) assert.equal(stage.history.length, 1, stage.name);
  assert.equal(result.diverged, null);
  assert.ok(Number.isFinite(result.testMse) && (result.testMse as number) > 0, `testMse ${result.testMse}`);
  assert.ok(Number.isFinite(result.greedyTestMse) && (result.greedyTestMse as number) > 0, `greedyTestMse ${result.greedyTestMse}`);
  assert.equal(result.testMse, result.history[0].testMse);
  assert.equal(result.config.kind, 'stackedDenoising');
  assert.deepEqual(JSON.parse(JSON.stringify(result)), withoutUndefined(result));
});
