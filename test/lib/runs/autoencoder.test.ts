import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadData } from '../../../src/lib/data';
import { blasAvailable } from '../../../src/lib/engine/index';
import { AutoencoderRunInput, AutoencoderRunResult, trainAutoencoder } from '../../../src/lib/runs/autoencoder';
import { trainStackedDenoising } from '../../../src/lib/runs/stackedDenoising';

const DATA_OPTIONS = { trainSize: 300, testSize: 100 };
const DATA = loadData(DATA_OPTIONS);
const LAYER_SIZES = [784, 32, 2, 32, 784];

/** A small autoencoder trained for 3 epochs; `training` overrides parts of the schedule. */
export function smallConfig(training: AutoencoderRunInput['training'] = {}): AutoencoderRunInput {
  return {
    autoencoder: { layerSizes: LAYER_SIZES },
    training: { epochs: 3, batchSize: 32, optimizer: { name: 'adam', learningRate: 1e-2 }, ...training },
    data: DATA_OPTIONS,
  };
}

/** The history without wall-clock seconds, which are the only numbers allowed to differ between runs. */
function historyNumbers(result: AutoencoderRunResult): unknown[] {
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

const ENGINES = blasAvailable().available || process.env.CI ? ['blas', 'wasm', 'tfjs'] : ['wasm', 'tfjs'];

for (const engine of ENGINES) {
  test(`${engine}: the same seed gives the same history and test MSE; another seed differs`, async () => {
    const first = await trainAutoencoder({ config: smallConfig(), data: DATA, seed: 11, engine });
    const second = await trainAutoencoder({ config: smallConfig(), data: DATA, seed: 11, engine });
    const other = await trainAutoencoder({ config: smallConfig(), data: DATA, seed: 12, engine });
    assert.equal(first.engine, engine);
    if (engine === 'tfjs') assert.equal(first.backend, 'wasm', 'the tfjs engine initializes wasm by itself, never the cpu backend');
    assert.equal(first.history.length, 3);
    assert.deepEqual(historyNumbers(first), historyNumbers(second));
    assert.equal(first.testMse, second.testMse);
    assert.deepEqual(first.samples, second.samples);
    assert.notDeepEqual(historyNumbers(first), historyNumbers(other));
    assert.notEqual(first.testMse, other.testMse);
  });
}

test('the training loss falls over three epochs of Adam 1e-2 on a fixed set', async () => {
  const result = await trainAutoencoder({ config: smallConfig(), data: DATA, seed: 3 });
  const losses = result.history.map((record) => record.trainLoss);
  assert.ok(losses[losses.length - 1] < losses[0], `train losses ${losses}`);
  // A sigmoid output of a 2-D code cannot be perfect, but it beats predicting 0.5 everywhere (MSE ≈ 0.2).
  assert.ok((result.testMse as number) > 0 && (result.testMse as number) < 0.12, `test MSE ${result.testMse}`);
  assert.ok((result.initialTestMse as number) > (result.testMse as number), 'training improved on the untrained network');
  for (const record of result.history) {
    assert.equal(record.deadFraction.length, LAYER_SIZES.length - 1);
    assert.equal(record.deadFraction[1], null, 'the linear code layer has no dead units');
    assert.equal(record.validationMse, null, 'no validation split was asked for');
  }
});

test('a result is plain JSON and carries its config, seed, engine, backend, versions and data fingerprint', async () => {
  const result = await trainAutoencoder({ config: smallConfig({ epochs: 1 }), data: DATA, seed: 8 });
  assert.deepEqual(JSON.parse(JSON.stringify(result)), withoutUndefined(result));
  assert.equal(result.config.kind, 'autoencoder');
  assert.deepEqual(result.config.autoencoder.layerSizes, LAYER_SIZES);
  assert.equal(result.config.training.epochs, 1);
  assert.deepEqual(result.config.training.optimizer, { name: 'adam', learningRate: 1e-2 });
  assert.equal(result.seed, 8);
  assert.ok(['blas', 'wasm'].includes(result.engine), `auto chose ${result.engine}`);
  assert.ok(result.backend.length > 0);
  assert.ok(Object.keys(result.versions).length > 0);
  assert.equal(result.data.fingerprint, DATA.description.fingerprint);
  assert.equal(result.diverged, null);
  assert.equal(result.testMse, result.history[0].testMse);
  assert.equal(result.samples?.reconstructions.length, 10);
  assert.equal(result.samples?.codes.length, 100);
  assert.deepEqual(result.samples?.codeProjection, { kind: 'identity', latentSize: 2 });
  assert.equal(result.samples?.reconstructions[0].reconstruction.length, 784);
});

test('without data, the run loads the data its config names; data that contradict the config are refused', async () => {
  const loaded = await trainAutoencoder({ config: smallConfig({ epochs: 1 }), seed: 8 });
  assert.equal(loaded.data.fingerprint, DATA.description.fingerprint);
  await assert.rejects(
    () => trainAutoencoder({ config: { ...smallConfig({ epochs: 1 }), data: { trainSize: 200, testSize: 100 } }, data: DATA, seed: 8 }),
    /data\.trainSize: the config says 200 but the data passed in were loaded with 300/,
  );
  const inferred = await trainAutoencoder({ config: { autoencoder: { layerSizes: LAYER_SIZES }, training: { epochs: 1 } }, data: DATA, seed: 8 });
  assert.equal(inferred.config.data.trainSize, 300, 'a config without data takes the data passed in');
});

test('a validation split is evaluated every epoch, apart from the test set', async () => {
  const result = await trainAutoencoder({ config: { ...smallConfig({ epochs: 2 }), data: { ...DATA_OPTIONS, validationSize: 50 } }, seed: 5 });
  assert.equal(result.data.validationSize, 50);
  for (const record of result.history) {
    assert.ok(Number.isFinite(record.validationMse) && (record.validationMse as number) > 0, `validation MSE ${record.validationMse}`);
    assert.notEqual(record.validationMse, record.testMse);
  }
});

test('a wider code is projected on its first two principal components, and the result says so', async () => {
  const result = await trainAutoencoder({ config: { ...smallConfig({ epochs: 1 }), autoencoder: { layerSizes: [784, 32, 6, 32, 784] } }, data: DATA, seed: 2 });
  const projection = result.samples?.codeProjection;
  assert.equal(projection?.kind, 'principalComponents');
  if (projection?.kind !== 'principalComponents') return;
  assert.equal(projection.latentSize, 6);
  assert.ok(projection.explainedVariance[0] >= projection.explainedVariance[1] && projection.explainedVariance[0] + projection.explainedVariance[1] <= 1.0001);
  const xs = result.samples?.codes.map((point) => point.x) ?? [];
  assert.ok(Math.abs(xs.reduce((total, value) => total + value, 0) / xs.length) < 1e-3, 'projected codes are centred');
});

test('an input size that does not match the data names layerSizes[0]', async () => {
  await assert.rejects(
    () => trainAutoencoder({ config: { autoencoder: { layerSizes: [100, 8, 2, 8, 100] }, training: { epochs: 1 } }, data: DATA, seed: 1 }),
    /layerSizes\[0\]: 100 does not match the data's 784 features/,
  );
});

test('mask corruption changes the history against a clean run of the same seed', async () => {
  const clean = await trainAutoencoder({ config: smallConfig({ epochs: 2 }), data: DATA, seed: 4 });
  const masked = await trainAutoencoder({ config: smallConfig({ epochs: 2, inputCorruption: { kind: 'mask', fraction: 0.3 } }), data: DATA, seed: 4 });
  assert.notDeepEqual(historyNumbers(clean), historyNumbers(masked));
  assert.notEqual(clean.history[0].trainReconstructionLoss, masked.history[0].trainReconstructionLoss);
  assert.deepEqual(masked.config.training.inputCorruption, { kind: 'mask', fraction: 0.3 });
});

test('the stacked denoising recipe trains its three stages and reports finite test errors', async () => {
  const tinyOptions = { trainSize: 200, testSize: 50 };
  const result = await trainStackedDenoising({
    config: { kind: 'stackedDenoising', recipe: { hiddenSizes: [16, 8], fineTuneEpochs: 1 }, training: { epochs: 1, batchSize: 50 }, data: tinyOptions },
    data: loadData(tinyOptions),
    seed: 2,
  });
  assert.deepEqual(result.stages.map((stage) => stage.name), ['dae1', 'dae2', 'fineTune']);
  for (const stage of result.stages) assert.equal(stage.history.length, 1, stage.name);
  assert.equal(result.diverged, null);
  assert.ok(Number.isFinite(result.testMse) && (result.testMse as number) > 0, `testMse ${result.testMse}`);
  assert.ok(Number.isFinite(result.greedyTestMse) && (result.greedyTestMse as number) > 0, `greedyTestMse ${result.greedyTestMse}`);
  assert.equal(result.testMse, result.history[0].testMse);
  assert.equal(result.final?.code, null, 'no code statistics for a stack: not a placeholder zero');
  assert.equal(result.config.kind, 'stackedDenoising');
  assert.deepEqual(JSON.parse(JSON.stringify(result)), withoutUndefined(result));
});
