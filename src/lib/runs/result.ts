/**
 * The envelope every run kind returns: a JSON-serializable result that carries its own config, the
 * seed, the per-epoch history, the final metric and diagnostics, samples for plots, the data's
 * fingerprint, and the engine, backend and versions that produced it.
 */
import * as os from 'os';
import { DataDescription } from '../data/index';
import { CodeStatistics, RunSamples } from '../evaluate';
import { libraryVersion, packageVersion } from '../paths';
import { Divergence, EpochRecord } from '../train';

export interface Versions {
  relu_ae_lab: string;
  node: string;
  tfjs: string;
  platform: string;
  cpu: string;
}

/** The versions and machine facts recorded with every result. */
export function collectVersions(): Versions {
  return {
    relu_ae_lab: libraryVersion(),
    node: process.version,
    tfjs: packageVersion('@tensorflow/tfjs-core'),
    platform: `${os.platform()}-${os.arch()}`,
    cpu: `${os.cpus()[0]?.model ?? 'unknown'} ×${os.cpus().length}`,
  };
}

/** The end-of-training diagnostics of a run. */
export interface FinalDiagnostics {
  testLoss: number;
  deadFraction: (number | null)[];
  /** The code's spread; null for run kinds whose code is not one layer of one network. */
  code: CodeStatistics | null;
  /** Fraction of exactly-zero hidden activations on the test set. */
  hiddenSparsity: number;
}

/** What every run kind's result holds; `Config` is the kind's resolved config. */
export interface RunResultEnvelope<Config> {
  config: Config;
  seed: number;
  /** Final test MSE; null when the run diverged. */
  testMse: number | null;
  diverged: Divergence | null;
  /** The untrained network's test MSE (the divergence rule's reference). */
  initialTestMse: number | null;
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
