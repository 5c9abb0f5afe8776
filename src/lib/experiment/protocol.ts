/** Messages between the experiment runner and its worker processes. */
import { RunConfig, RunResultOfAnyKind } from '../recipes';
import { RunIdentity } from './cache';

export interface WorkerTask {
  key: string;
  identity: RunIdentity;
  config: RunConfig;
  seed: number;
  cacheDirectory: string;
}

export type WorkerMessage =
  | { type: 'ready'; backend: string }
  | { type: 'epoch'; key: string; epoch: number; testMse: number }
  | { type: 'done'; key: string; result: RunResultOfAnyKind }
  | { type: 'failed'; key: string; message: string };
