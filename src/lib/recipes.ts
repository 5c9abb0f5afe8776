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
import { DataOptions, DataSplit, DEFAULT_DATA_OPTIONS } from './data';
import { collectVersions } from './environment';
import { hiddenSparsity } from './evaluate';
import { createEngine } from './engine/index';
import { AutoencoderRunConfig, RunResult } from './run';
import { LossName, NetworkSpec, Parameters, TrainingSpec } from './spec';
import { EpochRecord, evaluateOnSet, trainNetwork } from './train';
import { requireNonNegativeNumber, requirePositiveInteger, resolveTrainingSpec, SpecError } from './validate';

export interface StackedDenoisingSpec {
  /** Units of DAE 1's and DAE 2's hidden layers. Default [128, 64]. */
  hiddenSizes: [number, number];
  /** DAE 1's masking noise: fraction of input pixels set to 0. Default 0.25. */
  maskFraction: number;
  /** DAE 1's reconstruction loss. Default binaryCrossEntropy. */
  firstLoss: LossName;
  /** DAE 2's Gaussian noise before the rectifier (std). Default 0.1. */
  preActivationNoiseStddev: number;
  /** DAE 2's L1 weight penalty λ. Default 1e-5. */
  l1WeightPenalty: number;
  /** Epochs of end-to-end MSE fine-tuning of the stack after the greedy stages; 0 for none. */
  fineTuneEpochs: number;
}

export const DEFAULT_STACKED_DENOISING_SPEC: StackedDenoisingSpec = {
  hiddenSizes: [128, 64],
  maskFraction: 0.25,
  firstLoss: 'binaryCrossEntropy',
  preActivationNoiseStddev: 0.1,
  l1WeightPenalty: 1e-5,
  fineTuneEpochs: 0,
};

export interface StackedDenoisingRunConfig {
  kind: 'stackedDenoising';
  recipe: StackedDenoisingSpec;
  /** Optimizer, epochs per stage and batch size; loss and penalties come from the recipe. */
  training: TrainingSpec;
  data: DataOptions;
}

export interface StackedDenoisingRunInput {
  kind: 'stackedDenoising';
  recipe?: Partial<StackedDenoisingSpec>;
  training?: Partial<TrainingSpec>;
  data?: Partial<DataOptions>;
}

export type RunConfig = AutoencoderRunConfig | StackedDenoisingRunConfig;

export interface StackedDenoisingResult extends Omit<RunResult, 'config'> {
  config: StackedDenoisingRunConfig;
  /** Test MSE of the greedy stack before any fine-tuning. */
  greedyTestMse: number | null;
  stages: { name: string; history: EpochRecord[] }[];
}

export type RunResultOfAnyKind = RunResult | StackedDenoisingResult;

export function resolveStackedDenoisingConfig(input: StackedDenoisingRunInput): StackedDenoisingRunConfig {
  const recipe = { ...DEFAULT_STACKED_DENOISING_SPEC, ...input.recipe };
  if (!Array.isArray(recipe.hiddenSizes) || recipe.hiddenSizes.length !== 2) {
    throw new SpecError('recipe.hiddenSizes', `must be two sizes, got ${JSON.stringify(recipe.hiddenSizes)}`);
  }
  recipe.hiddenSizes.forEach((size, index) => requirePositiveInteger(`recipe.hiddenSizes[${index}]`, size));
  requireNonNegativeNumber('recipe.preActivationNoiseStddev', recipe.preActivationNoiseStddev);
  requireNonNegativeNumber('recipe.l1WeightPenalty', recipe.l1WeightPenalty);
  requireNonNegativeNumber('recipe.fineTuneEpochs', recipe.fineTuneEpochs);
  resolveTrainingSpec({ inputCorruption: { kind: 'mask', fraction: recipe.maskFraction }, loss: recipe.firstLoss });
  return {
    kind: 'stackedDenoising',
    recipe,
    training: resolveTrainingSpec(input.training),
    data: { ...DEFAULT_DATA_OPTIONS, ...input.data },
  };
}

function layer(inputSize: number, outputSize: number, name: 'relu' | 'sigmoid' | 'softplus', noise = 0): NetworkSpec['layers'][number] {
  return { inputSize, outputSize, activation: { name }, preActivationNoiseStddev: noise };
}

export interface StackedDenoisingOptions {
  config: StackedDenoisingRunInput | StackedDenoisingRunConfig;
  data: DataSplit;
  seed: number;
  engine?: string;
  onEpoch?: (record: EpochRecord) => void;
}

/** Trains DAE 1, DAE 2 on DAE 1's codes, stacks them, optionally fine-tunes, and evaluates. */
export function trainStackedDenoising(options: StackedDenoisingOptions): StackedDenoisingResult {
  const started = Date.now();
  const config = resolveStackedDenoisingConfig(options.config);
  const { recipe, training } = config;
  const { train, test } = options.data;
  const [firstSize, secondSize] = recipe.hiddenSizes;
  const pixels = train.featureSize;
  const stages: StackedDenoisingResult['stages'] = [];
  let samplesPerSecond = 0;

  const firstNetwork: NetworkSpec = { layers: [layer(pixels, firstSize, 'relu'), layer(firstSize, pixels, 'sigmoid')], codeLayerIndex: 0 };
  const first = trainNetwork({
    network: firstNetwork,
    training: { ...training, loss: recipe.firstLoss, inputCorruption: { kind: 'mask', fraction: recipe.maskFraction }, l1WeightPenalty: 0, l1ActivationPenalty: 0 },
    trainInputs: train.images,
    testInputs: test.images,
    seed: options.seed,
    engine: options.engine,
    onEpoch: options.onEpoch,
  });
  stages.push({ name: 'dae1', history: first.history });
  const firstParameters = first.trainedEngine.getParameters();
  const trainCodes = first.trainedEngine.forward(train.images, train.count)[0];
  const testCodes = first.trainedEngine.forward(test.images, test.count)[0];
  first.trainedEngine.dispose();
  samplesPerSecond = first.samplesPerSecond;
  const failed = (diverged: StackedDenoisingResult['diverged']): StackedDenoisingResult => ({
    config, seed: options.seed, testMse: null, greedyTestMse: null, diverged, history: [], stages, final: null, samples: null,
    data: options.data.description, engine: first.engine, backend: first.backend, versions: collectVersions(),
    samplesPerSecond, durationSeconds: (Date.now() - started) / 1000,
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
    engine: options.engine,
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
  const greedyEngine = createEngine({ network: stackNetwork, training: stackTraining, initialParameters: stackParameters }, options.engine);
  const greedy = evaluateOnSet(greedyEngine, stackNetwork, 'mse', test.images, test.images);
  greedyEngine.dispose();
  let finalEvaluation = greedy;
  let diverged: StackedDenoisingResult['diverged'] = null;
  let history: EpochRecord[] = [];
  if (recipe.fineTuneEpochs > 0) {
    const fineTune = trainNetwork({
      network: stackNetwork, training: stackTraining, trainInputs: train.images, testInputs: test.images,
      seed: options.seed + 2_000_003, initialParameters: stackParameters, engine: options.engine, onEpoch: options.onEpoch,
    });
    stages.push({ name: 'fineTune', history: fineTune.history });
    history = fineTune.history;
    diverged = fineTune.diverged;
    finalEvaluation = evaluateOnSet(fineTune.trainedEngine, stackNetwork, 'mse', test.images, test.images);
    fineTune.trainedEngine.dispose();
  }
  return {
    config,
    seed: options.seed,
    testMse: diverged ? null : finalEvaluation.testMse,
    greedyTestMse: greedy.testMse,
    diverged,
    history,
    stages,
    final: diverged ? null : {
      testLoss: finalEvaluation.testLoss,
      deadFraction: finalEvaluation.deadFraction,
      code: { standardDeviations: [], zeroCodeFraction: 0, collapsedDimensionFraction: 0 },
      hiddenSparsity: hiddenSparsity(stackNetwork, finalEvaluation.activations),
    },
    samples: null,
    data: options.data.description,
    engine: first.engine,
    backend: first.backend,
    versions: collectVersions(),
    samplesPerSecond,
    durationSeconds: (Date.now() - started) / 1000,
  };
}
