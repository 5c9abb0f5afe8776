/**
 * The numerics every fast engine must pass against the reference, tfjs autodiff on the wasm
 * backend: loss and gradients for every activation (MSE; cross-entropy with both L1 penalties and
 * pre-activation noise), five steps of every optimizer, the forward pass, determinism, and refusal
 * of a short batch. blasEngine.test.ts and wasmEngine.test.ts register them for their engine.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { initializeBackend } from '../../../src/lib/backend';
import { combineSquareSums, createSquareSums, meanSquaredError } from '../../../src/lib/losses';
import { createTfjsEngine } from '../../../src/lib/engine/tfjsEngine';
import { EngineFactory, EngineOptions, TrainingEngine } from '../../../src/lib/engine/types';
import { ActivationInput, OPTIMIZER_NAMES, OptimizerInput } from '../../../src/lib/spec';
import { assertClose, assertParametersClose, testBatch, testEngineOptions } from './helpers';

/** Gradients may differ by float32 summation order only (OpenBLAS or WebAssembly against XNNPACK); seen: below 1e-6. */
const GRADIENT_TOLERANCE = 1e-5;
const LOSS_TOLERANCE = 1e-6;
/** Five optimizer steps compound rounding differences a little; seen: below 3e-6 (Adam). */
const PARAMETER_TOLERANCE = 1e-4;

export const ACTIVATIONS: ActivationInput[] = [
  'relu',
  { name: 'leakyRelu', slope: 0.2 },
  'elu',
  { name: 'elu', alpha: 0.5 },
  'sigmoid',
  'tanh',
  'softplus',
  'linear',
];

/** Runs `body` with a tfjs engine and disposes it: tfjs variable names are global to the process. */
export function withTfjsEngine<T>(options: EngineOptions, body: (engine: TrainingEngine) => T): T {
  const engine = createTfjsEngine(options);
  try {
    return body(engine);
  } finally {
    engine.dispose();
  }
}

const activationLabel = (activation: ActivationInput) => (typeof activation === 'string' ? activation : JSON.stringify(activation));

/** Options of registerEngineChecks. */
export interface EngineCheckOptions {
  /** The engine's name in test titles. */
  name: string;
  createEngine: EngineFactory;
  /** false, or why the engine cannot run here. */
  skip: false | string;
}

export function registerEngineChecks(options: EngineCheckOptions): void {
  const { name, createEngine, skip } = options;

  before(async () => {
    await initializeBackend('wasm');
  });

  /** Compares loss and gradients with tfjs's on one batch. */
  const compareLossAndGradients = (engineOptions: EngineOptions, label: string): void => {
    const batch = testBatch(engineOptions.network, 4, 3);
    const result = createEngine(engineOptions).lossAndGradients(batch);
    const reference = withTfjsEngine(engineOptions, (engine) => engine.lossAndGradients(batch));
    assert.ok(Math.abs(result.loss - reference.loss) <= LOSS_TOLERANCE * Math.max(1, Math.abs(reference.loss)), `${label}: loss ${result.loss} vs ${reference.loss}`);
    assert.ok(Math.abs(result.reconstructionLoss - reference.reconstructionLoss) <= LOSS_TOLERANCE, `${label}: reconstruction loss`);
    result.weightGradients.forEach((gradient, index) => {
      assertClose(gradient, reference.weightGradients[index], GRADIENT_TOLERANCE, `${label} dW[${index}]`);
      assertClose(result.biasGradients[index], reference.biasGradients[index], GRADIENT_TOLERANCE, `${label} db[${index}]`);
    });
  };

  for (const activation of ACTIVATIONS) {
    test(`${name}: loss and gradients match tfjs autodiff: ${activationLabel(activation)}, mse`, { skip }, () => {
      compareLossAndGradients(testEngineOptions({ hiddenActivation: activation }), activationLabel(activation));
    });
    test(`${name}: loss and gradients match tfjs autodiff: ${activationLabel(activation)}, cross-entropy, both L1 penalties, noise`, { skip }, () => {
      const engineOptions = testEngineOptions({
        hiddenActivation: activation,
        outputActivation: 'sigmoid',
        loss: 'binaryCrossEntropy',
        l1WeightPenalty: 1e-3,
        l1ActivationPenalty: 1e-2,
        preActivationNoiseStddev: 0.1,
      });
      compareLossAndGradients(engineOptions, `${activationLabel(activation)} bce+penalties+noise`);
    });
  }

  for (const optimizerName of OPTIMIZER_NAMES) {
    test(`${name}: five ${optimizerName} steps leave the same parameters as tf.train's ${optimizerName}`, { skip }, () => {
      const optimizer = { name: optimizerName, learningRate: optimizerName === 'sgd' || optimizerName === 'momentum' ? 0.1 : 0.01 } as OptimizerInput;
      const engineOptions = testEngineOptions({ hiddenActivation: 'relu', outputActivation: 'sigmoid', optimizer, l1WeightPenalty: 1e-4 });
      const batches = [0, 1, 2, 3, 4].map((step) => testBatch(engineOptions.network, 6, 10 + step));
      const engine = createEngine(engineOptions);
      const engineLosses = batches.map((batch) => engine.trainStep(batch).loss);
      const { losses, parameters } = withTfjsEngine(engineOptions, (reference) => ({
        losses: batches.map((batch) => reference.trainStep(batch).loss),
        parameters: reference.getParameters(),
      }));
      engineLosses.forEach((loss, step) => assert.ok(Math.abs(loss - losses[step]) <= LOSS_TOLERANCE, `${optimizerName} step ${step}: ${loss} vs ${losses[step]}`));
      assertParametersClose(engine.getParameters(), parameters, PARAMETER_TOLERANCE, optimizerName);
      // The parameters must actually have moved, or the comparison proves nothing.
      assert.notDeepEqual(engine.getParameters().weights[0], engineOptions.initialParameters.weights[0]);
    });
  }

  test(`${name}: two engines from the same parameters and batches agree bit for bit`, { skip }, () => {
    const engineOptions = testEngineOptions({ hiddenActivation: 'relu', outputActivation: 'sigmoid', preActivationNoiseStddev: 0.1, l1ActivationPenalty: 1e-3 });
    const batches = [0, 1, 2, 3, 4].map((step) => testBatch(engineOptions.network, 8, 20 + step));
    const run = () => {
      const engine = createEngine(engineOptions);
      const losses = batches.map((batch) => engine.trainStep(batch));
      return { losses, parameters: engine.getParameters() };
    };
    assert.deepEqual(run(), run());
  });

  test(`${name}: forward returns every layer activation with the right length and the tfjs values`, { skip }, () => {
    const engineOptions = testEngineOptions({ hiddenActivation: 'elu', outputActivation: 'sigmoid' });
    const count = 9;
    const inputs = testBatch(engineOptions.network, count, 5).inputs;
    const activations = createEngine(engineOptions).forward(inputs, count);
    assert.equal(activations.length, engineOptions.network.layers.length);
    activations.forEach((activation, index) => assert.equal(activation.length, count * engineOptions.network.layers[index].outputSize));
    const reference = withTfjsEngine(engineOptions, (engine) => engine.forward(inputs, count));
    activations.forEach((activation, index) => assertClose(activation, reference[index], 1e-5, `forward layer ${index}`));
  });

  test(`${name}: forward into given buffers returns them, with the values of a forward into new arrays`, { skip }, () => {
    const engineOptions = testEngineOptions({ hiddenActivation: 'relu', outputActivation: 'sigmoid' });
    const count = 6;
    const inputs = testBatch(engineOptions.network, count, 8).inputs;
    const engine = createEngine(engineOptions);
    const fresh = engine.forward(inputs, count);
    const buffers = engineOptions.network.layers.map((layer) => new Float32Array(count * layer.outputSize).fill(7));
    const written = engine.forward(inputs, count, buffers);
    written.forEach((activation, index) => assert.equal(activation, buffers[index]));
    assert.deepEqual(written, fresh);
  });

  test(`${name}: its squared errors give the bits of losses.ts and refuse short arrays`, { skip }, () => {
    const engineOptions = testEngineOptions({ hiddenActivation: 'relu', outputActivation: 'sigmoid' });
    const engine = createEngine(engineOptions);
    const count = 37;
    const predictions = testBatch(engineOptions.network, count, 9).inputs;
    const targets = testBatch(engineOptions.network, count, 10).inputs;
    const values = count * engineOptions.network.layers[0].inputSize;
    const sums = createSquareSums();
    engine.addSquaredErrors(predictions, targets, values, sums);
    assert.ok(Object.is(combineSquareSums(sums) / values, meanSquaredError(predictions, targets, values)));
    assert.throws(() => engine.addSquaredErrors(predictions, targets.subarray(1), values, sums), /targets has/);
  });

  test(`${name}: refuses a batch shorter than it claims`, { skip }, () => {
    const engineOptions = testEngineOptions({ hiddenActivation: 'relu' });
    const batch = testBatch(engineOptions.network, 4, 1);
    assert.throws(() => createEngine(engineOptions).trainStep({ ...batch, batchSize: 5 }), /inputs has 28 values, expected at least 35/);
  });
}
