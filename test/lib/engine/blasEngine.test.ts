import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initializeBackend } from '../../../src/lib/backend';
import { blasAvailable, createBlasEngine } from '../../../src/lib/engine/blasEngine';
import { createTfjsEngine } from '../../../src/lib/engine/tfjsEngine';
import { ActivationInput, OPTIMIZER_NAMES, OptimizerInput } from '../../../src/lib/spec';
import { EngineOptions, TrainingEngine } from '../../../src/lib/engine/types';
import { assertClose, assertParametersClose, testBatch, testEngineOptions } from './helpers';

const availability = blasAvailable();
// Under CI the native engine must be there (setup installs OpenBLAS), so a broken build fails instead of skipping.
const skipBlas = availability.available || process.env.CI ? false : `nblas unavailable: ${availability.reason}`;

/** Gradients may differ by float32 summation order only (OpenBLAS against XNNPACK); seen: below 1e-6. */
const GRADIENT_TOLERANCE = 1e-5;
const LOSS_TOLERANCE = 1e-6;
/** Five optimizer steps compound rounding differences a little; seen: below 3e-6 (Adam). */
const PARAMETER_TOLERANCE = 1e-4;

const ACTIVATIONS: ActivationInput[] = [
  'relu',
  { name: 'leakyRelu', slope: 0.2 },
  'elu',
  { name: 'elu', alpha: 0.5 },
  'sigmoid',
  'tanh',
  'softplus',
  'linear',
];

before(async () => {
  await initializeBackend('wasm');
});

/** Runs `body` with a tfjs engine and disposes it: tfjs variable names are global to the process. */
function withTfjsEngine<T>(options: EngineOptions, body: (engine: TrainingEngine) => T): T {
  const engine = createTfjsEngine(options);
  try {
    return body(engine);
  } finally {
    engine.dispose();
  }
}

/** Compares loss and gradients of both engines on one batch; returns the worst relative gradient difference. */
function compareLossAndGradients(options: EngineOptions, label: string): number {
  const batch = testBatch(options.network, 4, 3);
  const blas = createBlasEngine(options).lossAndGradients(batch);
  const reference = withTfjsEngine(options, (engine) => engine.lossAndGradients(batch));
  assert.ok(Math.abs(blas.loss - reference.loss) <= LOSS_TOLERANCE * Math.max(1, Math.abs(reference.loss)), `${label}: loss ${blas.loss} vs ${reference.loss}`);
  assert.ok(Math.abs(blas.reconstructionLoss - reference.reconstructionLoss) <= LOSS_TOLERANCE, `${label}: reconstruction loss`);
  let worst = 0;
  blas.weightGradients.forEach((gradient, index) => {
    worst = Math.max(worst, assertClose(gradient, reference.weightGradients[index], GRADIENT_TOLERANCE, `${label} dW[${index}]`));
    worst = Math.max(worst, assertClose(blas.biasGradients[index], reference.biasGradients[index], GRADIENT_TOLERANCE, `${label} db[${index}]`));
  });
  return worst;
}

const activationLabel = (activation: ActivationInput) => (typeof activation === 'string' ? activation : JSON.stringify(activation));

for (const activation of ACTIVATIONS) {
  test(`loss and gradients match tfjs autodiff: ${activationLabel(activation)}, mse`, { skip: skipBlas }, () => {
    compareLossAndGradients(testEngineOptions({ hiddenActivation: activation }), activationLabel(activation));
  });
  test(`loss and gradients match tfjs autodiff: ${activationLabel(activation)}, cross-entropy, both L1 penalties, noise`, { skip: skipBlas }, () => {
    const options = testEngineOptions({
      hiddenActivation: activation,
      outputActivation: 'sigmoid',
      loss: 'binaryCrossEntropy',
      l1WeightPenalty: 1e-3,
      l1ActivationPenalty: 1e-2,
      preActivationNoiseStddev: 0.1,
    });
    compareLossAndGradients(options, `${activationLabel(activation)} bce+penalties+noise`);
  });
}

for (const name of OPTIMIZER_NAMES) {
  test(`five ${name} steps leave the same parameters as tf.train's ${name}`, { skip: skipBlas }, () => {
    const optimizer = { name, learningRate: name === 'sgd' || name === 'momentum' ? 0.1 : 0.01 } as OptimizerInput;
    const options = testEngineOptions({ hiddenActivation: 'relu', outputActivation: 'sigmoid', optimizer, l1WeightPenalty: 1e-4 });
    const batches = [0, 1, 2, 3, 4].map((step) => testBatch(options.network, 6, 10 + step));
    const blasEngine = createBlasEngine(options);
    const blasLosses = batches.map((batch) => blasEngine.trainStep(batch).loss);
    const { losses, parameters } = withTfjsEngine(options, (engine) => ({
      losses: batches.map((batch) => engine.trainStep(batch).loss),
      parameters: engine.getParameters(),
    }));
    blasLosses.forEach((loss, step) => assert.ok(Math.abs(loss - losses[step]) <= LOSS_TOLERANCE, `${name} step ${step}: ${loss} vs ${losses[step]}`));
    assertParametersClose(blasEngine.getParameters(), parameters, PARAMETER_TOLERANCE, name);
    // The parameters must actually have moved, or the comparison proves nothing.
    assert.notDeepEqual(blasEngine.getParameters().weights[0], options.initialParameters.weights[0]);
  });
}

test('two blas engines from the same parameters and batches agree bit for bit', { skip: skipBlas }, () => {
  const options = testEngineOptions({ hiddenActivation: 'relu', outputActivation: 'sigmoid', preActivationNoiseStddev: 0.1, l1ActivationPenalty: 1e-3 });
  const batches = [0, 1, 2, 3, 4].map((step) => testBatch(options.network, 8, 20 + step));
  const run = () => {
    const engine = createBlasEngine(options);
    const losses = batches.map((batch) => engine.trainStep(batch));
    return { losses, parameters: engine.getParameters() };
  };
  assert.deepEqual(run(), run());
});

test('forward returns every layer activation with the right length and the tfjs values', { skip: skipBlas }, () => {
  const options = testEngineOptions({ hiddenActivation: 'elu', outputActivation: 'sigmoid' });
  const count = 9;
  const inputs = testBatch(options.network, count, 5).inputs;
  const activations = createBlasEngine(options).forward(inputs, count);
  assert.equal(activations.length, options.network.layers.length);
  activations.forEach((activation, index) => assert.equal(activation.length, count * options.network.layers[index].outputSize));
  const reference = withTfjsEngine(options, (engine) => engine.forward(inputs, count));
  activations.forEach((activation, index) => assertClose(activation, reference[index], 1e-5, `forward layer ${index}`));
});

test('forward into given buffers returns them, with the values of a forward into new arrays, on both engines', { skip: skipBlas }, () => {
  const options = testEngineOptions({ hiddenActivation: 'relu', outputActivation: 'sigmoid' });
  const count = 6;
  const inputs = testBatch(options.network, count, 8).inputs;
  const check = (engine: TrainingEngine) => {
    const fresh = engine.forward(inputs, count);
    const buffers = options.network.layers.map((layer) => new Float32Array(count * layer.outputSize).fill(7));
    const written = engine.forward(inputs, count, buffers);
    written.forEach((activation, index) => assert.equal(activation, buffers[index]));
    assert.deepEqual(written, fresh);
  };
  check(createBlasEngine(options));
  withTfjsEngine(options, check);
});

test('the blas engine refuses a batch shorter than it claims', { skip: skipBlas }, () => {
  const options = testEngineOptions({ hiddenActivation: 'relu' });
  const batch = testBatch(options.network, 4, 1);
  assert.throws(() => createBlasEngine(options).trainStep({ ...batch, batchSize: 5 }), /inputs has 28 values, expected at least 35/);
});

test('the tfjs engine leaks no tensors in trainStep, lossAndGradients and forward', () => {
  const options = testEngineOptions({ hiddenActivation: 'relu', outputActivation: 'sigmoid', preActivationNoiseStddev: 0.1, l1WeightPenalty: 1e-4, l1ActivationPenalty: 1e-3 });
  const batch = testBatch(options.network, 4, 2);
  withTfjsEngine(options, (engine) => {
    // The first step creates the optimizer's state (Adam's moments), which is not a leak.
    engine.trainStep(batch);
    const step = (label: string, body: () => void) => {
      const before = tf.memory().numTensors;
      body();
      assert.equal(tf.memory().numTensors, before, `${label} changed the tensor count`);
    };
    step('trainStep', () => engine.trainStep(batch));
    step('lossAndGradients', () => engine.lossAndGradients(batch));
    step('forward', () => engine.forward(batch.inputs, batch.batchSize));
    step('getParameters', () => engine.getParameters());
  });
});

after(() => {
  tf.disposeVariables();
});
