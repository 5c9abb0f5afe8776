/**
 * Runs one configuration for one seed, whatever its kind: the single function both the worker
 * processes and the in-process runner call.
 */
import { DataOptions, DataSplit, loadData } from '../data';
import { RunConfig, RunResultOfAnyKind, trainStackedDenoising } from '../recipes';
import { trainAutoencoder } from '../run';
import { EpochRecord } from '../train';
import { canonicalJson } from './cache';

/** Loads each distinct data configuration once per process. */
export function createDataLoader(): (options: DataOptions) => DataSplit {
  const loaded = new Map<string, DataSplit>();
  return (options) => {
    const key = canonicalJson(options);
    let split = loaded.get(key);
    if (!split) {
      split = loadData(options);
      loaded.set(key, split);
    }
    return split;
  };
}

export function executeRun(
  config: RunConfig,
  data: DataSplit,
  seed: number,
  onEpoch?: (record: EpochRecord) => void,
): RunResultOfAnyKind {
  if (config.kind === 'stackedDenoising') return trainStackedDenoising({ config, data, seed, onEpoch });
  return trainAutoencoder({ config, data, seed, onEpoch });
}
