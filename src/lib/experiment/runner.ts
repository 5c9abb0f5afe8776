/**
 * Runs an experiment — configurations × seeds declared as data — reusing cached results and
 * computing the rest in parallel worker processes (one per core by default).
 *
 *   experiment ─ resolve configs ─ key each (config, seed, data, code, engine) ─┬─ cached → reuse
 *                                                                                └─ missing → worker pool → cache
 */
import { fork } from 'child_process';
import * as os from 'os';
import * as path from 'path';
import { initializeBackend } from '../backend';
import { loadData } from '../data';
import { findProjectRoot } from '../environment';
import { blasAvailable, resolveEnginePreference } from '../engine/index';
import { resolveStackedDenoisingConfig, RunConfig, RunResultOfAnyKind, StackedDenoisingRunInput } from '../recipes';
import { AutoencoderRunInput, resolveAutoencoderRunConfig } from '../run';
import { canonicalJson, codeVersion, readCacheEntry, RunIdentity, runKey, writeCacheEntry } from './cache';
import { createDataLoader, executeRun } from './execute';
import { WorkerMessage, WorkerTask } from './protocol';

/** One configuration of an experiment: a label for plots and tables, and the run's inputs. */
export interface ExperimentConfiguration {
  label: string;
  run: AutoencoderRunInput | StackedDenoisingRunInput;
}

/** An experiment: every configuration is run once per seed. */
export interface Experiment {
  name: string;
  configurations: ExperimentConfiguration[];
  seeds: number[];
}

export interface ExperimentRun {
  label: string;
  seed: number;
  key: string;
  /** True when the result came from the cache. */
  cached: boolean;
  result: RunResultOfAnyKind;
}

/** Progress of an experiment, for terminal lines and notebook displays. */
export interface ExperimentProgress {
  experiment: string;
  totalRuns: number;
  doneRuns: number;
  cachedRuns: number;
  /** What each busy worker is doing, e.g. "relu/sigmoid seed 2 · epoch 3/20". */
  running: string[];
  elapsedSeconds: number;
  /** Estimated seconds left, null until a run has finished. */
  etaSeconds: number | null;
}

export interface RunExperimentOptions {
  /** Where results are cached. Default RELU_AE_CACHE_DIR or .cache/runs under the project root. */
  cacheDirectory?: string;
  /** Worker processes; default RELU_AE_WORKERS or the number of cores; 0 runs in this process. */
  workers?: number;
  onProgress?: (progress: ExperimentProgress) => void;
}

export interface ExperimentResult {
  name: string;
  runs: ExperimentRun[];
  computedRuns: number;
  cachedRuns: number;
  /** Cache files that were found corrupt and recomputed. */
  corruptFiles: { file: string; problem: string }[];
  engine: string;
  wallSeconds: number;
}

/** The project root, wherever the library was compiled to. */
export function projectRoot(): string {
  return findProjectRoot(__dirname);
}

export function defaultCacheDirectory(): string {
  return process.env.RELU_AE_CACHE_DIR || path.join(projectRoot(), '.cache', 'runs');
}

function resolveRunConfig(input: ExperimentConfiguration['run']): RunConfig {
  return 'kind' in input && input.kind === 'stackedDenoising'
    ? resolveStackedDenoisingConfig(input)
    : resolveAutoencoderRunConfig(input as AutoencoderRunInput);
}

/** Which engine runs will use, as recorded in cache keys: 'blas/openblas' or 'tfjs/<backend>'. */
export async function engineIdentity(): Promise<string> {
  const preference = resolveEnginePreference(process.env.RELU_AE_ENGINE);
  if (preference === 'blas' || (preference === 'auto' && blasAvailable().available)) return 'blas/openblas';
  return `tfjs/${await initializeBackend()}`;
}

function workerCount(requested: number | undefined, pending: number): number {
  const fromEnvironment = process.env.RELU_AE_WORKERS;
  const wanted = requested ?? (fromEnvironment !== undefined && fromEnvironment !== '' ? Number(fromEnvironment) : os.cpus().length);
  if (!Number.isInteger(wanted) || wanted < 0) throw new Error(`RELU_AE_WORKERS: must be an integer ≥ 0, got ${JSON.stringify(fromEnvironment ?? requested)}`);
  return Math.min(wanted, pending);
}

/** Runs every configuration × seed of an experiment, reusing the cache; see the module comment. */
export async function runExperiment(experiment: Experiment, options: RunExperimentOptions = {}): Promise<ExperimentResult> {
  const started = Date.now();
  const cacheDirectory = options.cacheDirectory ?? defaultCacheDirectory();
  const engine = await engineIdentity();
  const version = codeVersion();
  const fingerprints = new Map<string, string>();
  const tasks: (WorkerTask & { label: string })[] = [];
  for (const configuration of experiment.configurations) {
    const config = resolveRunConfig(configuration.run);
    const dataKey = canonicalJson(config.data);
    if (!fingerprints.has(dataKey)) fingerprints.set(dataKey, loadData(config.data).description.fingerprint);
    for (const seed of experiment.seeds) {
      const identity: RunIdentity = { config, seed, dataFingerprint: fingerprints.get(dataKey) as string, codeVersion: version, engine };
      tasks.push({ label: configuration.label, key: runKey(identity), identity, config, seed, cacheDirectory });
    }
  }

  const results = new Map<string, { result: RunResultOfAnyKind; cached: boolean }>();
  const corruptFiles: ExperimentResult['corruptFiles'] = [];
  for (const task of tasks) {
    const read = readCacheEntry<RunResultOfAnyKind>(cacheDirectory, task.key);
    if (read.status === 'hit') results.set(task.key, { result: read.entry.result, cached: true });
    if (read.status === 'corrupt' && !corruptFiles.some((corrupt) => corrupt.file === read.file)) {
      corruptFiles.push({ file: read.file, problem: read.problem });
      process.stderr.write(`cache: ${read.file} ${read.problem}; recomputing it\n`);
    }
  }
  const cachedRuns = results.size;
  const seenKeys = new Set<string>();
  const pending = tasks.filter((task) => !results.has(task.key) && !seenKeys.has(task.key) && seenKeys.add(task.key));
  const running = new Map<string, string>();
  const finishedDurations: number[] = [];
  const workers = workerCount(options.workers, pending.length);
  const report = (): void => {
    const done = results.size;
    const averageSeconds = finishedDurations.length ? finishedDurations.reduce((a, b) => a + b, 0) / finishedDurations.length : null;
    options.onProgress?.({
      experiment: experiment.name,
      totalRuns: new Set(tasks.map((task) => task.key)).size,
      doneRuns: done,
      cachedRuns,
      running: [...running.values()],
      elapsedSeconds: (Date.now() - started) / 1000,
      etaSeconds: averageSeconds === null ? null : (averageSeconds * (pending.length - finishedDurations.length)) / Math.max(1, workers),
    });
  };
  report();
  const failures: string[] = [];
  const describeTask = (task: WorkerTask & { label: string }, epoch?: number): string =>
    `${task.label} seed ${task.seed}${epoch ? ` · epoch ${epoch}` : ''}`;

  if (workers === 0) {
    const loadDataOnce = createDataLoader();
    for (const task of pending) {
      const taskStarted = Date.now();
      running.set(task.key, describeTask(task));
      report();
      try {
        const result = executeRun(task.config, loadDataOnce(task.config.data), task.seed, (record) => {
          running.set(task.key, describeTask(task, record.epoch));
          report();
        });
        writeCacheEntry(cacheDirectory, task.identity, result);
        results.set(task.key, { result, cached: false });
      } catch (error) {
        failures.push(`${describeTask(task)}: ${(error as Error).message}`);
      }
      running.delete(task.key);
      finishedDurations.push((Date.now() - taskStarted) / 1000);
      report();
    }
  } else if (pending.length > 0) {
    await runInWorkers(pending, workers, {
      onStart: (task) => running.set(task.key, describeTask(task)),
      onEpoch: (task, epoch) => {
        running.set(task.key, describeTask(task, epoch));
        report();
      },
      onDone: (task, result, seconds) => {
        results.set(task.key, { result, cached: false });
        running.delete(task.key);
        finishedDurations.push(seconds);
        report();
      },
      onFailed: (task, message) => {
        failures.push(`${describeTask(task)}: ${message}`);
        running.delete(task.key);
        report();
      },
    });
  }
  if (failures.length > 0) {
    throw new Error(`experiment ${experiment.name}: ${failures.length} run(s) failed (finished runs are cached):\n${failures.join('\n')}`);
  }
  return {
    name: experiment.name,
    runs: tasks.map((task) => {
      const stored = results.get(task.key) as { result: RunResultOfAnyKind; cached: boolean };
      return { label: task.label, seed: task.seed, key: task.key, cached: stored.cached, result: stored.result };
    }),
    computedRuns: pending.length,
    cachedRuns,
    corruptFiles,
    engine,
    wallSeconds: (Date.now() - started) / 1000,
  };
}

interface PoolEvents<Task> {
  onStart(task: Task): void;
  onEpoch(task: Task, epoch: number): void;
  onDone(task: Task, result: RunResultOfAnyKind, seconds: number): void;
  onFailed(task: Task, message: string): void;
}

/** Feeds tasks to `count` forked workers, one task per worker at a time. */
function runInWorkers<Task extends WorkerTask>(tasks: Task[], count: number, events: PoolEvents<Task>): Promise<void> {
  const queue = [...tasks];
  return new Promise((resolve) => {
    let alive = count;
    for (let index = 0; index < count; index++) {
      const child = fork(path.join(__dirname, 'worker.js'), [], {
        env: { ...process.env, OPENBLAS_NUM_THREADS: '1' },
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
      let current: { task: Task; started: number } | null = null;
      const next = (): void => {
        const task = queue.shift();
        if (!task) {
          current = null;
          child.disconnect();
          return;
        }
        current = { task, started: Date.now() };
        events.onStart(task);
        child.send(task);
      };
      child.on('message', (message: WorkerMessage) => {
        if (message.type === 'ready') next();
        else if (current && message.type === 'epoch' && message.key === current.task.key) events.onEpoch(current.task, message.epoch);
        else if (current && message.type === 'done' && message.key === current.task.key) {
          events.onDone(current.task, message.result, (Date.now() - current.started) / 1000);
          next();
        } else if (current && message.type === 'failed' && message.key === current.task.key) {
          events.onFailed(current.task, message.message);
          next();
        } else if (message.type === 'failed' && message.key === '') {
          process.stderr.write(`worker failed to start: ${message.message}\n`);
        }
      });
      child.on('exit', (code) => {
        if (current) events.onFailed(current.task, `worker exited with code ${code} while running it`);
        current = null;
        alive--;
        if (alive === 0) {
          // Tasks left in the queue when every worker has died are failures too.
          for (const task of queue.splice(0)) events.onFailed(task, 'no worker left to run it');
          resolve();
        }
      });
    }
  });
}

/** One line of progress for a terminal or a log: "C1 · 5/8 runs (2 cached) · ETA 12s · running: …". */
export function progressLine(progress: ExperimentProgress): string {
  const eta = progress.etaSeconds === null ? 'ETA ?' : `ETA ${Math.round(progress.etaSeconds)}s`;
  const running = progress.running.length ? ` · running: ${progress.running.join(' | ')}` : '';
  return `${progress.experiment} · ${progress.doneRuns}/${progress.totalRuns} runs (${progress.cachedRuns} cached) · ${eta}${running}`;
}

/** A progress callback that prints a line to stderr whenever the finished count changes. */
export function terminalProgress(stream: NodeJS.WritableStream = process.stderr): (progress: ExperimentProgress) => void {
  let lastDone = -1;
  return (progress) => {
    if (progress.doneRuns === lastDone) return;
    lastDone = progress.doneRuns;
    stream.write(`${progressLine(progress)}\n`);
  };
}
