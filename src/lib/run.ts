/**
 * One run: (config, data, seed) → a JSON-serializable result that carries its own config, seed,
 * history, metrics, diagnostics, samples for plots, engine, backend and versions.
 */
import { DataDescription, DataOptions, DataSplit, DEFAULT_DATA_OPTIONS } from './data';
import { collectVersions, Versions } from './environment';
import { CodeStatistics, codeStatistics, hiddenSparsity, roundedArray } from './evaluate';
import { networkFromSpec } from './model';
import { AutoencoderSpec, TrainingSpec } from './spec';
import { Divergence, EpochRecord, evaluateOnSet, trainNetwork } from './train';
import { resolveAutoencoderSpec, resolveTrainingSpec } from './validate';

/** A plain autoencoder run's configuration, with every default filled in. */
export interface AutoencoderRunConfig {
  kind: 'autoencoder';
  autoencoder: AutoencoderSpec;
  training: TrainingSpec;
  data: DataOptions;
}

/** What a notebook or experiment writes: any part may be left out and takes its default. */
export interface AutoencoderRunInput {
  autoencoder?: Partial<AutoencoderSpec>;
  training?: Partial<TrainingSpec>;
  data?: Partial<DataOptions>;
}

/** Fills every default and validates, so that equal runs have equal configs (and cache keys). */
export function resolveAutoencoderRunConfig(input: AutoencoderRunInput = {}): AutoencoderRunConfig {
  return {
    kind: 'autoencoder',
    autoencoder: resolveAutoencoderSpec(input.autoencoder),
    training: resolveTrainingSpec(input.training),
    data: { ...DEFAULT_DATA_OPTIONS, ...input.data },
  };
}

/** Test-set samples kept with a result for plots: 2-D codes and a few reconstructions. */
export interface RunSamples {
  /** Code of the first `codeSampleCount` test examples: [x, y] (first two code dimensions) and label. */
  codes: { x: number; y: number; label: number }[];
  /** The first test example of each digit 0-9: its test index, the original and the reconstruction (784 values each, rounded). */
  reconstructions: { index: number; label: number; original: number[]; reconstruction: number[] }[];
}

/** The end-of-training diagnostics of a run. */
export interface FinalDiagnostics {
  testLoss: number;
  deadFraction: (number | null)[];
  code: CodeStatistics;
  /** Fraction of exactly-zero hidden activations on the test set. */
  hiddenSparsity: number;
}

export interface RunResult {
  config: AutoencoderRunConfig;
  seed: number;
  /** Final test MSE; null when the run diverged. */
  testMse: number | null;
  diverged: Divergence | null;
  history: EpochRecord[];
  final: FinalDiagnostics | null;
  samples: RunSamples | null;
  data: DataDescription;
  engine: string;
  backend: string;
  versions: Versions;
  samplesPerSecond: number;
  durationSeconds: number;
}

/** How many test codes a result keeps for the scatter plot. */
export const CODE_SAMPLE_COUNT = 1000;

/** Options of trainAutoencoder. */
export interface TrainAutoencoderOptions {
  config: AutoencoderRunInput | AutoencoderRunConfig;
  data: DataSplit;
  seed: number;
  /** Engine preference ('auto', 'blas', 'tfjs'); default RELU_AE_ENGINE or auto. */
  engine?: string;
  onEpoch?: (record: EpochRecord) => void;
}

/** Trains one autoencoder and evaluates it on the test set. */
export function trainAutoencoder(options: TrainAutoencoderOptions): RunResult {
  const started = Date.now();
  const config = resolveAutoencoderRunConfig(options.config);
  const { train, test } = options.data;
  const network = networkFromSpec(config.autoencoder);
  if (network.layers[0].inputSize !== train.featureSize) {
    throw new Error(
      `autoencoder.layerSizes[0]: ${network.layers[0].inputSize} does not match the data's ${train.featureSize} features per example`,
    );
  }
  const outcome = trainNetwork({
    network,
    training: config.training,
    trainInputs: train.images,
    testInputs: test.images,
    seed: options.seed,
    initializer: config.autoencoder.initializer,
    engine: options.engine,
    onEpoch: options.onEpoch,
  });
  let final: FinalDiagnostics | null = null;
  let samples: RunSamples | null = null;
  try {
    if (outcome.diverged === null) {
      const evaluation = evaluateOnSet(outcome.trainedEngine, network, config.training.loss, test.images, test.images);
      const codeLayer = network.layers[network.codeLayerIndex];
      const codes = evaluation.activations[network.codeLayerIndex];
      const reconstructions = evaluation.activations[evaluation.activations.length - 1];
      final = {
        testLoss: evaluation.testLoss,
        deadFraction: evaluation.deadFraction,
        code: codeStatistics(codes, test.count, codeLayer.outputSize),
        hiddenSparsity: hiddenSparsity(network, evaluation.activations),
      };
      samples = collectSamples(codes, codeLayer.outputSize, reconstructions, test.images, test.labels, test.featureSize);
    }
  } finally {
    outcome.trainedEngine.dispose();
  }
  const last = outcome.history[outcome.history.length - 1];
  return {
    config,
    seed: options.seed,
    testMse: outcome.diverged === null && last ? last.testMse : null,
    diverged: outcome.diverged,
    history: outcome.history,
    final,
    samples,
    data: options.data.description,
    engine: outcome.engine,
    backend: outcome.backend,
    versions: collectVersions(),
    samplesPerSecond: outcome.samplesPerSecond,
    durationSeconds: (Date.now() - started) / 1000,
  };
}

function collectSamples(
  codes: Float32Array,
  latentSize: number,
  reconstructions: Float32Array,
  images: Float32Array,
  labels: Uint8Array,
  featureSize: number,
): RunSamples {
  const codeCount = Math.min(CODE_SAMPLE_COUNT, labels.length);
  const codePoints = Array.from({ length: codeCount }, (_, sample) => ({
    x: Math.round(codes[sample * latentSize] * 1e4) / 1e4,
    y: latentSize > 1 ? Math.round(codes[sample * latentSize + 1] * 1e4) / 1e4 : 0,
    label: labels[sample],
  }));
  const firstOfEachDigit: RunSamples['reconstructions'] = [];
  for (let digit = 0; digit < 10; digit++) {
    const index = labels.indexOf(digit);
    if (index < 0) continue;
    firstOfEachDigit.push({
      index,
      label: digit,
      original: roundedArray(images.subarray(index * featureSize, (index + 1) * featureSize), 3),
      reconstruction: roundedArray(reconstructions.subarray(index * featureSize, (index + 1) * featureSize), 3),
    });
  }
  return { codes: codePoints, reconstructions: firstOfEachDigit };
}
