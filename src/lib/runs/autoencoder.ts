/**
 * The plain autoencoder run: (config, data, seed) → a result envelope (runs/result.ts).
 *
 *   input ─resolveAutoencoderRunConfig─▶ config ─networkFromSpec─▶ network ─trainNetwork─▶ history
 *                                                                                 └─▶ final diagnostics, samples
 */
import { z } from 'zod';
import { DataDescription, dataOptionsSchema, DataSplit, loadData } from '../data/index';
import { prepareEngine, EngineChoice } from '../engine/index';
import { codeStatistics, collectSamples, hiddenSparsity } from '../evaluate';
import { networkFromSpec } from '../model';
import { autoencoderSpecSchema, trainingSpecSchema } from '../spec';
import { parseWithSchema, SpecError } from '../specErrors';
import { EpochRecord, trainNetwork } from '../train';
import { collectVersions, FinalDiagnostics, RunResultEnvelope } from './result';

export const autoencoderRunConfigSchema = z.strictObject({
  kind: z.literal('autoencoder', { error: 'must be "autoencoder" for this run kind' }).default('autoencoder'),
  autoencoder: autoencoderSpecSchema.prefault({}),
  training: trainingSpecSchema.prefault({}),
  data: dataOptionsSchema.prefault({}),
  /**
   * Keep test-set samples for plots in the result (the 2-D codes of CODE_SAMPLE_COUNT test
   * examples, one reconstruction per class); false for sweeps whose charts read only the history,
   * so that their stored results stay small. Default true.
   */
  samples: z.boolean({ error: 'must be true or false' }).default(true),
});

/** A plain autoencoder run's configuration, every default filled in. */
export type AutoencoderRunConfig = z.output<typeof autoencoderRunConfigSchema>;
/** What a notebook or experiment writes: any part may be left out and takes its default. */
export type AutoencoderRunInput = z.input<typeof autoencoderRunConfigSchema>;
export type AutoencoderRunResult = RunResultEnvelope<AutoencoderRunConfig>;

/** Fills every default and validates, so that equal runs have equal configs (and cache keys). */
export function resolveAutoencoderRunConfig(input: AutoencoderRunInput = {}): AutoencoderRunConfig {
  return parseWithSchema(autoencoderRunConfigSchema, input);
}

/** Options of trainAutoencoder. */
export interface TrainAutoencoderOptions {
  config: AutoencoderRunInput;
  /** The data; default loadData(config.data). When given, config.data defaults to its description. */
  data?: DataSplit;
  seed: number;
  /** Engine: 'auto' (default, or RELU_AE_ENGINE), 'blas', 'wasm', 'tfjs', or a prepared choice. */
  engine?: string | EngineChoice;
  onEpoch?: (record: EpochRecord) => void;
}

/** The data options a split was loaded with, to fill a config that left `data` out. */
function dataOptionsOf(description: DataDescription): AutoencoderRunInput['data'] {
  return { source: description.source, trainSize: description.trainSize, testSize: description.testSize, validationSize: description.validationSize, splitSeed: description.splitSeed };
}

/** Refuses a split that is not the one the config describes: the result would record the wrong data. */
export function checkDataMatches(config: { data: AutoencoderRunConfig['data'] }, description: DataDescription): void {
  for (const field of ['source', 'trainSize', 'testSize', 'validationSize', 'splitSeed'] as const) {
    if (config.data[field] !== description[field]) {
      throw new SpecError(`data.${field}`, `the config says ${JSON.stringify(config.data[field])} but the data passed in were loaded with ${JSON.stringify(description[field])}`);
    }
  }
}

/** Trains one autoencoder and evaluates it on the test set. */
export async function trainAutoencoder(options: TrainAutoencoderOptions): Promise<AutoencoderRunResult> {
  const started = Date.now();
  const input = options.data && !options.config.data ? { ...options.config, data: dataOptionsOf(options.data.description) } : options.config;
  const config = resolveAutoencoderRunConfig(input);
  const data = options.data ?? loadData(config.data);
  checkDataMatches(config, data.description);
  const engine = typeof options.engine === 'object' ? options.engine : await prepareEngine(options.engine);
  const { train, validation, test } = data;
  const network = networkFromSpec(config.autoencoder);
  if (network.layers[0].inputSize !== train.featureSize) {
    throw new SpecError('autoencoder.layerSizes[0]', `${network.layers[0].inputSize} does not match the data's ${train.featureSize} features per example`);
  }
  const outcome = trainNetwork({
    network,
    training: config.training,
    trainInputs: train.images,
    validationInputs: validation?.images,
    testInputs: test.images,
    seed: options.seed,
    initializer: config.autoencoder.initializer,
    engine,
    onEpoch: options.onEpoch,
  });
  outcome.trainedEngine.dispose();
  const evaluation = outcome.finalTestEvaluation;
  let final: FinalDiagnostics | null = null;
  let samples: AutoencoderRunResult['samples'] = null;
  if (evaluation) {
    const codeLayer = network.layers[network.codeLayerIndex];
    const codes = evaluation.activations[network.codeLayerIndex];
    final = {
      testLoss: evaluation.loss,
      deadFraction: evaluation.deadFraction,
      code: codeStatistics(codes, test.count, codeLayer.outputSize),
      hiddenSparsity: hiddenSparsity(network, evaluation.activations),
    };
    if (config.samples) samples = collectSamples(codes, codeLayer.outputSize, evaluation.activations[evaluation.activations.length - 1], test);
  }
  return {
    config,
    seed: options.seed,
    testMse: evaluation ? evaluation.meanSquaredError : null,
    diverged: outcome.diverged,
    initialTestMse: outcome.initialTestMse,
    history: outcome.history,
    final,
    samples,
    data: data.description,
    engine: outcome.engine,
    backend: outcome.backend,
    versions: collectVersions(),
    samplesPerSecond: outcome.samplesPerSecond,
    durationSeconds: (Date.now() - started) / 1000,
  };
}
