/**
 * The published recipe quoted in the thread (Glorot, Bordes & Bengio 2011, rectifier denoising
 * autoencoders), as a run kind of its own:
 *
 *   DAE 1:  x̃ = mask(x) → h1 = relu(W1 x̃ + b1) → x̂ = sigmoid(W1' h1 + c1)      loss: MSE or cross-entropy
 *   DAE 2:  trained on h1:  h2 = relu(W2 h1 + b2 + noise) → ĥ1 = softplus(W2' h2 + c2)   loss: MSE + λ·Σ|W|
 *   stack:  x → h1 → h2 → ĥ1 → x̂   (optionally fine-tuned end to end with MSE)
 *
 * The stack's test reconstruction error is compared with a plain autoencoder of the same sizes.
 */
import { z } from 'zod';
import { dataOptionsSchema, DataSplit, loadData } from '../data/index';
import { createEngine, EngineChoice, prepareEngine } from '../engine/index';
import { evaluateOnSet, hiddenSparsity } from '../evaluate';
import { LOSS_NAMES, NetworkSpec, Parameters, TrainingSpec, trainingSpecSchema } from '../spec';
import { nonNegativeInteger, nonNegativeNumber, parseWithSchema, positiveInteger } from '../specErrors';
import { EpochRecord, trainNetwork } from '../train';
import { checkDataMatches } from './autoencoder';
import { collectVersions, RunResultEnvelope } from './result';

export const stackedDenoisingSpecSchema = z.strictObject({
  /** Units of DAE 1's and DAE 2's hidden layers. Default [128, 64]. */
  hiddenSizes: z.tuple([positiveInteger(), positiveInteger()], { error: 'must be two layer sizes' }).default([128, 64]),
  /** DAE 1's masking noise: fraction of input pixels set to 0, in [0, 1). Default 0.25. */
  maskFraction: z.number({ error: 'must be a number in [0, 1)' }).min(0, { error: 'must be a number in [0, 1)' }).lt(1, { error: 'must be a number in [0, 1)' }).default(0.25),
  /** DAE 1's reconstruction loss. Default binaryCrossEntropy. */
  firstLoss: z.enum(LOSS_NAMES, { error: `unknown value {value}; expected one of ${LOSS_NAMES.join(', ')}` }).default('binaryCrossEntropy'),
  /** DAE 2's Gaussian noise before the rectifier (std). Default 0.1. */
  preActivationNoiseStddev: nonNegativeNumber().default(0.1),
  /** DAE 2's L1 weight penalty λ. Default 1e-5. */
  l1WeightPenalty: nonNegativeNumber().default(1e-5),
  /** Epochs of end-to-end MSE fine-tuning of the stack after the greedy stages; 0 for none. */
  fineTuneEpochs: nonNegativeInteger().default(0),
});
export type StackedDenoisingSpec = z.output<typeof stackedDenoisingSpecSchema>;

export const stackedDenoisingRunConfigSchema = z.strictObject({
  kind: z.literal('stackedDenoising'),
  recipe: stackedDenoisingSpecSchema.prefault({}),
  /** Optimizer, epochs per stage and batch size; loss and penalties come from the recipe. */
  training: trainingSpecSchema.prefault({}),
  data: dataOptionsSchema.prefault({}),
});
export type StackedDenoisingRunConfig = z.output<typeof stackedDenoisingRunConfigSchema>;
export type StackedDenoisingRunInput = z.input<typeof stackedDenoisingRunConfigSchema>;

export interface StackedDenoisingResult extends RunResultEnvelope<StackedDenoisingRunConfig> {
  /** Test MSE of the greedy stack before any fine-tuning. */
  greedyTestMse: number | null;
  stages: { name: string; history: EpochRecord[] }[];
}

export function resolveStackedDenoisingConfig(input: StackedDenoisingRunInput): StackedDenoisingRunConfig {
  return parseWithSchema(stackedDenoisingRunConfigSchema, input);
}

function layer(inputSize: number, outputSize: number, name: 'relu' | 'sigmoid' | 'softplus', noise = 0): NetworkSpec['layers'][number] {
  return { inputSize, outputSize, activation: { name }, preActivationNoiseStddev: noise };
}

export interface StackedDenoisingOptions {
  config: StackedDenoisingRunInput;
  /** The data; default loadData(config.data). */
  data?: DataSplit;
  seed: number;
  engine?: string | EngineChoice;
  onEpoch?: (record: EpochRecord) => void;
}

/** Trains DAE 1, DAE 2 on DAE 1's codes, stacks them, optionally fine-tunes, and evaluates. */
export async function trainStackedDenoising(options: StackedDenoisingOptions): Promise<StackedDenoisingResult> {
  const started = Date.now();
  const config = resolveStackedDenoisingConfig(options.config);
  const data = options.data ?? loadData(config.data);
  checkDataMatches(config, data.description);
  const engine = typeof options.engine === 'object' ? options.engine : await prepareEngine(options.engine);
  const { recipe, training } = config;
  const { train, test } = data;
  const [firstSize, secondSize] = recipe.hiddenSizes;
  const pixels = train.featureSize;
  const stages: StackedDenoisingResult['stages'] = [];

  const firstNetwork: NetworkSpec = { layers: [layer(pixels, firstSize, 'relu'), layer(firstSize, pixels, 'sigmoid')], codeLayerIndex: 0 };
  const first = trainNetwork({
    network: firstNetwork,
    training: { ...training, loss: recipe.firstLoss, inputCorruption: { kind: 'mask', fraction: recipe.maskFraction }, l1WeightPenalty: 0, l1ActivationPenalty: 0 },
    trainInputs: train.images,
    testInputs: test.images,
    seed: options.seed,
    initializer: 'glorotUniform',
    engine,
    onEpoch: options.onEpoch,
  });
  stages.push({ name: 'dae1', history: first.history });
  const firstParameters = first.trainedEngine.getParameters();
  const trainCodes = first.trainedEngine.forward(train.images, train.count)[0];
  const testCodes = first.trainedEngine.forward(test.images, test.count)[0];
  first.trainedEngine.dispose();
  const envelope = {
    config, seed: options.seed, data: data.description, engine: first.engine, backend: first.backend,
    versions: collectVersions(), samplesPerSecond: first.samplesPerSecond, initialTestMse: first.initialTestMse,
  };
  const failed = (diverged: StackedDenoisingResult['diverged']): StackedDenoisingResult => ({
    ...envelope, testMse: null, greedyTestMse: null, diverged, history: [], stages, final: null, samples: null,
    durationSeconds: (Date.now() - started) / 1000,
  });
  if (first.diverged) return failed(first.diverged);

  const secondNetwork: NetworkSpec = {
    layers: [layer(firstSize, secondSize, 'relu', recipe.preActivationNoiseStddev), layer(secondSize, firstSize, 'softplus')],
    codeLayerIndex: 0,
  };
  const second = trainNetwork({
    network: secondNetwork,
    training: { ...training, loss: 'mse', inputCorruption: { kind: 'none' }, l1WeightPenalty: recipe.l1WeightPenalty, l1ActivationPenalty: 0 },
    trainInputs: trainCodes,
    testInputs: testCodes,
    seed: options.seed + 1_000_003,
    initializer: 'glorotUniform',
    engine,
    onEpoch: options.onEpoch,
  });
  stages.push({ name: 'dae2', history: second.history });
  const secondParameters = second.trainedEngine.getParameters();
  second.trainedEngine.dispose();
  if (second.diverged) return failed(second.diverged);

  const stackNetwork: NetworkSpec = {
    layers: [layer(pixels, firstSize, 'relu'), layer(firstSize, secondSize, 'relu'), layer(secondSize, firstSize, 'softplus'), layer(firstSize, pixels, 'sigmoid')],
    codeLayerIndex: 1,
  };
  const stackParameters: Parameters = {
    weights: [firstParameters.weights[0], secondParameters.weights[0], secondParameters.weights[1], firstParameters.weights[1]],
    biases: [firstParameters.biases[0], secondParameters.biases[0], secondParameters.biases[1], firstParameters.biases[1]],
  };
  const stackTraining: TrainingSpec = { ...training, loss: 'mse', epochs: Math.max(1, recipe.fineTuneEpochs), inputCorruption: { kind: 'none' }, l1WeightPenalty: 0, l1ActivationPenalty: 0 };
  // The greedy stack is evaluated as it is, before any fine-tuning changes its weights.
  const greedyEngine = createEngine({ network: stackNetwork, training: stackTraining, initialParameters: stackParameters }, engine);
  const greedy = evaluateOnSet(greedyEngine, stackNetwork, 'mse', test.images);
  greedyEngine.dispose();
  let finalEvaluation = greedy;
  let diverged: StackedDenoisingResult['diverged'] = null;
  let history: EpochRecord[] = [];
  if (recipe.fineTuneEpochs > 0) {
    const fineTune = trainNetwork({
      network: stackNetwork, training: stackTraining, trainInputs: train.images, testInputs: test.images,
      seed: options.seed + 2_000_003, initialParameters: stackParameters, engine, onEpoch: options.onEpoch,
    });
    fineTune.trainedEngine.dispose();
    stages.push({ name: 'fineTune', history: fineTune.history });
    history = fineTune.history;
    diverged = fineTune.diverged;
    if (fineTune.finalTestEvaluation) finalEvaluation = fineTune.finalTestEvaluation;
  }
  return {
    ...envelope,
    testMse: diverged ? null : finalEvaluation.meanSquaredError,
    greedyTestMse: greedy.meanSquaredError,
    diverged,
    history,
    stages,
    final: diverged ? null : {
      testLoss: finalEvaluation.loss,
      deadFraction: finalEvaluation.deadFraction,
      code: null,
      hiddenSparsity: hiddenSparsity(stackNetwork, finalEvaluation.activations),
    },
    samples: null,
    durationSeconds: (Date.now() - started) / 1000,
  };
}
