/** Loads each distinct data configuration once per process (workers run many runs on the same data). */
import { DataOptions, DataSplit, loadData } from '../data/index';
import { canonicalJson } from './cache';

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
