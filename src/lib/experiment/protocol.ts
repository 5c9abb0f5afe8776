/** Messages between the experiment runner and its worker processes. */
import { RunConfig, RunResult } from '../runs/index';
import { RunIdentity } from './cache';

export interface WorkerTask {
  key: string;
  identity: RunIdentity;
  config: RunConfig;
  seed: number;
  cacheDirectory: string;
}

export type WorkerMessage =
  | { type: 'ready'; engine: string }
  | { type: 'startFailed'; message: string }
  | { type: 'epoch'; key: string; epoch: number; testMse: number }
  /** `cacheError` is set when the worker could not write the cache entry; the result is still good. */
  | { type: 'done'; key: string; result: RunResult; cacheError?: string }
  | { type: 'failed'; key: string; message: string };
