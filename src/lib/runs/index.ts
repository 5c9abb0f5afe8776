/**
 * Every run kind behind one config type and one function: what experiments, workers and the job
 * queue call, whatever the kind.
 */
import { z } from 'zod';
import { DataSplit } from '../data/index';
import { EngineChoice } from '../engine/index';
import { parseWithSchema } from '../specErrors';
import { EpochRecord } from '../train';
import { AutoencoderRunConfig, autoencoderRunConfigSchema, AutoencoderRunInput, AutoencoderRunResult, trainAutoencoder } from './autoencoder';
import {
  StackedDenoisingResult,
  StackedDenoisingRunConfig,
  stackedDenoisingRunConfigSchema,
  StackedDenoisingRunInput,
  trainStackedDenoising,
} from './stackedDenoising';

export * from './autoencoder';
export * from './result';
export * from './stackedDenoising';

export type RunConfig = AutoencoderRunConfig | StackedDenoisingRunConfig;
export type RunInput = AutoencoderRunInput | StackedDenoisingRunInput;
export type RunResult = AutoencoderRunResult | StackedDenoisingResult;

const runConfigSchema = z.union([stackedDenoisingRunConfigSchema, autoencoderRunConfigSchema]);

/** Resolves a run input of any kind (no `kind`, or kind 'autoencoder', is a plain autoencoder). */
export function resolveRunConfig(input: RunInput): RunConfig {
  const kind = (input as { kind?: unknown }).kind;
  if (kind === 'stackedDenoising') return parseWithSchema(stackedDenoisingRunConfigSchema, input);
  if (kind === undefined || kind === 'autoencoder') return parseWithSchema(autoencoderRunConfigSchema, input);
  return parseWithSchema(runConfigSchema, input);
}

/** Runs one resolved config for one seed on prepared data and engine. */
export function executeRun(config: RunConfig, data: DataSplit, seed: number, engine: EngineChoice, onEpoch?: (record: EpochRecord) => void): Promise<RunResult> {
  if (config.kind === 'stackedDenoising') return trainStackedDenoising({ config, data, seed, engine, onEpoch });
  return trainAutoencoder({ config, data, seed, engine, onEpoch });
}
