/**
 * Shared fixtures of the engine tests: a tiny network in any activation, seeded batches, and
 * tolerant comparison of float arrays.
 */
import assert from 'node:assert/strict';
import { initializeParameters, networkFromSpec } from '../../../src/lib/model';
import { createRandom } from '../../../src/lib/random';
import { ActivationInput, DEFAULT_TRAINING_SPEC, LossName, NetworkSpec, OptimizerInput, Parameters, resolveAutoencoderSpec, resolveTrainingSpec, TrainingSpec } from '../../../src/lib/spec';
import { Batch, EngineOptions } from '../../../src/lib/engine/types';

/** Layer sizes of the test network: small enough to be fast, deep enough to have hidden layers on both sides. */
export const TEST_LAYER_SIZES = [7, 5, 3, 5, 7];

/** Options of testEngineOptions. */
export interface TestNetworkOptions {
  hiddenActivation: ActivationInput;
  outputActivation?: ActivationInput;
  loss?: LossName;
  optimizer?: OptimizerInput;
  l1WeightPenalty?: number;
  l1ActivationPenalty?: number;
  preActivationNoiseStddev?: number;
  seed?: number;
}

/** Engine options for the test network; hidden and bottleneck layers share `hiddenActivation`. */
export function testEngineOptions(options: TestNetworkOptions): EngineOptions {
  const network: NetworkSpec = networkFromSpec(resolveAutoencoderSpec({
    layerSizes: TEST_LAYER_SIZES,
    hiddenActivation: options.hiddenActivation,
    bottleneckActivation: options.hiddenActivation,
    outputActivation: options.outputActivation ?? options.hiddenActivation,
    preActivationNoiseStddev: options.preActivationNoiseStddev ?? 0,
  }));
  const training: TrainingSpec = resolveTrainingSpec({
    loss: options.loss ?? 'mse',
    optimizer: options.optimizer ?? DEFAULT_TRAINING_SPEC.optimizer,
    l1WeightPenalty: options.l1WeightPenalty ?? 0,
    l1ActivationPenalty: options.l1ActivationPenalty ?? 0,
  });
  const initialParameters = initializeParameters({ network, initializer: 'glorotUniform', seed: options.seed ?? 1 });
  // Nonzero biases make the comparison also exercise the bias path of the forward pass.
  const random = createRandom(options.seed ?? 1, 'test-biases');
  initialParameters.biases.forEach((bias) => bias.forEach((_, index) => (bias[index] = 0.2 * (random.next() - 0.5))));
  return { network, training, initialParameters };
}

/** A seeded batch of inputs in [0, 1) reconstructed as themselves, with noise where the network asks for it. */
export function testBatch(network: NetworkSpec, batchSize: number, seed: number): Batch {
  const random = createRandom(seed, 'test-batch');
  const inputs = new Float32Array(batchSize * network.layers[0].inputSize).map(() => random.next());
  const preActivationNoise = network.layers.map((layer) =>
    layer.preActivationNoiseStddev > 0
      ? new Float32Array(batchSize * layer.outputSize).map(() => layer.preActivationNoiseStddev * random.nextNormal())
      : null,
  );
  return { inputs, targets: inputs, batchSize, preActivationNoise };
}

function maxAbs(values: Float32Array): number {
  let largest = 0;
  for (const value of values) largest = Math.max(largest, Math.abs(value));
  return largest;
}

/**
 * Asserts that two arrays agree to `relativeTolerance` of the expected array's largest magnitude.
 * Scaling by the largest value rather than per element keeps float32 summation-order noise on
 * near-zero entries from failing an otherwise exact match.
 */
export function assertClose(actual: Float32Array, expected: Float32Array, relativeTolerance: number, label: string): number {
  assert.equal(actual.length, expected.length, `${label}: length`);
  const scale = Math.max(maxAbs(expected), 1e-12);
  let largestDifference = 0;
  for (let index = 0; index < actual.length; index++) {
    largestDifference = Math.max(largestDifference, Math.abs(actual[index] - expected[index]));
  }
  const relative = largestDifference / scale;
  assert.ok(relative <= relativeTolerance, `${label}: relative difference ${relative.toExponential(2)} > ${relativeTolerance}`);
  return relative;
}

/** Asserts that two parameter sets agree layer by layer. */
export function assertParametersClose(actual: Parameters, expected: Parameters, relativeTolerance: number, label: string): number {
  let worst = 0;
  actual.weights.forEach((kernel, index) => {
    worst = Math.max(worst, assertClose(kernel, expected.weights[index], relativeTolerance, `${label} weights[${index}]`));
    worst = Math.max(worst, assertClose(actual.biases[index], expected.biases[index], relativeTolerance, `${label} biases[${index}]`));
  });
  return worst;
}
