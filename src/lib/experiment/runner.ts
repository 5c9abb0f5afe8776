/**
 * Runs an experiment — configurations × seeds declared as data — reusing cached results and
 * computing the rest in worker processes (one per core by default), in this process, or through a
 * job queue whose workers may be on other machines (the `queue` option or RELU_AE_QUEUE).
 *
 *   experiment ─ resolve configs ─ key each (config, seed, data, code, engine) ─┬─ cached → reuse
 *                                                                                ├─ missing → lock → local executor → cache
 *                                                                                └─ missing, queue set → job per key → cache
 *
 * Nothing computed is lost: a result whose cache write fails (a full disk) stays in memory and is
 * returned, and the failure is reported in `notes`. A run another process is computing (its lock is
 * held) is waited for, not computed twice.
 */
import * as os from 'os';
import { loadData } from '../data/index';
import { engineIdentity, prepareEngine } from '../engine/index';
import { resolveRunConfig, RunInput, RunResult } from '../runs/index';
import { readSettings } from '../settings';
import { SpecError } from '../specErrors';
import {
  canonicalJson, codeVersion, defaultCacheDirectory, identityConfig, preflightCacheDirectory, readCacheEntry, RunIdentity, runKey, writeCacheEntry,
} from './cache';
import { estimateRunSeconds, ExperimentProgress } from './progress';
import { PlannedRun, runInProcess, runInWorkers, Scheduler } from './workerPool';
import { lockHolder, tryLock, unlock } from './locks';
import { runInQueue } from './queue/coordinator';

export { progressLine, terminalProgress } from './progress';
export type { ExperimentProgress } from './progress';

/** One configuration of an experiment: a label for plots and tables, and the run's inputs. */
export interface ExperimentConfiguration {
  label: string;
  /** The arm it belongs to (e.g. "ReLU"), for colours and grouping; default the label. */
  group?: string;
  /** Named settings of this configuration (e.g. { learningRate: 0.001 }), so code never parses labels. */
  parameters?: Record<string, number | string | boolean>;
  run: RunInput;
}

/** An experiment: every configuration is run once per seed. */
export interface Experiment {
  name: string;
  configurations: ExperimentConfiguration[];
  seeds: number[];
}

export interface ExperimentRun {
  label: string;
  group: string;
  parameters: Record<string, number | string | boolean>;
  seed: number;
  key: string;
  /** True when the result came from the cache (or from another process computing it). */
  cached: boolean;
  result: RunResult;
}

export interface RunExperimentOptions {
  /** Where results are cached. Default RELU_AE_CACHE_DIR or .relu-ae-cache/ in the caller's project. */
  cacheDirectory?: string;
  /** Worker processes; default RELU_AE_WORKERS or one per core, at most one per core and per run; 0 runs in this process. */
  workers?: number;
  /**
   * A queue's redis:// or rediss:// URL (`redis://:password@host:port`): the missing runs become jobs
   * that workers started with `npm run worker` compute, here or on other machines. Default
   * RELU_AE_QUEUE; null computes them on this machine even when RELU_AE_QUEUE is set.
   */
  queue?: string | null;
  onProgress?: (progress: ExperimentProgress) => void;
}

export interface ExperimentResult {
  name: string;
  runs: ExperimentRun[];
  computedRuns: number;
  cachedRuns: number;
  /** Cache files that were found corrupt and recomputed. */
  corruptFiles: { file: string; problem: string }[];
  /** Things the caller should know: a capped worker count, results that could not be cached. */
  notes: string[];
  engine: string;
  wallSeconds: number;
}

/** A run's cost beyond its arithmetic (dispatch, data, evaluation set-up), for estimates without measurements. */
const RUN_START_SECONDS = 0.25;

/** The plan of an experiment before anything runs: how many runs, how many cached, how long. */
export interface ExperimentPlan {
  tasks: PlannedRun[];
  cacheDirectory: string;
  engine: string;
  cached: Map<string, RunResult>;
  corruptFiles: ExperimentResult['corruptFiles'];
  /** Runs to compute (distinct keys not in the cache). */
  pending: PlannedRun[];
  estimatedSeconds: number;
  /** Local worker processes (0 when the runs are computed in this process or through the queue). */
  workers: number;
  /** Where the missing runs are computed. */
  executor: 'process' | 'workers' | 'queue';
  notes: string[];
}

function workerCount(requested: number | undefined, pending: number, notes: string[]): number {
  const cores = os.cpus().length;
  const fromSettings = readSettings().workers;
  const wanted = requested ?? fromSettings ?? cores;
  if (!Number.isInteger(wanted) || wanted < 0) throw new SpecError('workers', `must be an integer ≥ 0, got ${wanted}`);
  if (wanted > cores) notes.push(`${wanted} workers were asked for, but this machine has ${cores} cores: using ${Math.min(cores, pending)}`);
  return Math.min(wanted, cores, pending);
}

/** The queue URL to use: the option, else RELU_AE_QUEUE; null or unset means none. Validated like the setting. */
function queueUrl(option: string | null | undefined): string | undefined {
  if (option === null) return undefined;
  if (option === undefined) return readSettings().queue;
  if (!/^rediss?:\/\/\S+$/.test(option)) throw new SpecError('queue', 'must be a redis:// or rediss:// URL');
  return option;
}

/**
 * Resolves every configuration (a bad one fails here, naming the field), keys every run, reads the
 * cache and estimates the time of what is missing. Nothing is trained.
 */
export async function planExperiment(experiment: Experiment, options: RunExperimentOptions = {}): Promise<ExperimentPlan> {
  const cacheDirectory = options.cacheDirectory ?? defaultCacheDirectory();
  preflightCacheDirectory(cacheDirectory);
  const engine = engineIdentity(await prepareEngine());
  const version = codeVersion();
  const fingerprints = new Map<string, string>();
  const tasks: PlannedRun[] = [];
  experiment.configurations.forEach((configuration, index) => {
    let config;
    try {
      config = resolveRunConfig(configuration.run);
    } catch (error) {
      if (error instanceof SpecError) throw new SpecError(`configuration "${configuration.label}" (#${index + 1}) ${error.field}`, error.message.slice(error.field.length + 2));
      throw error;
    }
    const dataKey = canonicalJson(config.data);
    if (!fingerprints.has(dataKey)) fingerprints.set(dataKey, loadData(config.data).description.fingerprint);
    for (const seed of experiment.seeds) {
      if (!Number.isInteger(seed)) throw new SpecError(`experiment "${experiment.name}" seeds`, `must be integers, got ${JSON.stringify(seed)}`);
      const identity: RunIdentity = { config: identityConfig(config), seed, dataFingerprint: fingerprints.get(dataKey) as string, codeVersion: version, engine };
      tasks.push({
        label: configuration.label, group: configuration.group ?? configuration.label, parameters: configuration.parameters ?? {},
        key: runKey(identity), identity, config, seed, cacheDirectory,
      });
    }
  });
  const cached = new Map<string, RunResult>();
  const corruptFiles: ExperimentResult['corruptFiles'] = [];
  for (const task of tasks) {
    if (cached.has(task.key)) continue;
    const read = readCacheEntry<RunResult>(cacheDirectory, task.key);
    if (read.status === 'hit') cached.set(task.key, read.entry.result);
    if (read.status === 'corrupt' && !corruptFiles.some((corrupt) => corrupt.file === read.file)) corruptFiles.push({ file: read.file, problem: read.problem });
  }
  const seen = new Set<string>();
  const pending = tasks.filter((task) => !cached.has(task.key) && !seen.has(task.key) && seen.add(task.key));
  const notes: string[] = [];
  const queued = queueUrl(options.queue) !== undefined;
  const workers = queued ? 0 : workerCount(options.workers, pending.length, notes);
  // Seconds per unit of estimateRunSeconds, from how long the cached runs took (their whole time, start
  // and data loading included); without any, the engine's usual speed and a fixed start-up cost per run.
  const taskOf = new Map(tasks.map((task) => [task.key, task]));
  const measured = [...cached].map(([key, result]) => result.durationSeconds / estimateRunSeconds((taskOf.get(key) as PlannedRun).config, 1))
    .filter((value) => Number.isFinite(value) && value > 0).sort((a, b) => a - b);
  const secondsPerUnit = measured.length > 0 ? measured[Math.floor(measured.length / 2)] : 1 / (engine.startsWith('blas') ? 40_000 : 3_000);
  const startSeconds = measured.length > 0 ? 0 : RUN_START_SECONDS;
  const serialSeconds = pending.reduce((total, task) => total + startSeconds + estimateRunSeconds(task.config, 1) * secondsPerUnit, 0);
  const executor = queued ? 'queue' : workers === 0 ? 'process' : 'workers';
  return { tasks, cacheDirectory, engine, cached, corruptFiles, pending, estimatedSeconds: serialSeconds / Math.max(1, workers), workers, executor, notes };
}

/** Runs every configuration × seed of an experiment, reusing the cache; see the module comment. */
export async function runExperiment(experiment: Experiment, options: RunExperimentOptions = {}): Promise<ExperimentResult> {
  const started = Date.now();
  const plan = await planExperiment(experiment, options);
  const { tasks, cacheDirectory, pending, workers, notes } = plan;
  for (const corrupt of plan.corruptFiles) process.stderr.write(`cache: ${corrupt.file} ${corrupt.problem}; recomputing it\n`);
  const results = new Map<string, { result: RunResult; cached: boolean }>();
  for (const [key, result] of plan.cached) results.set(key, { result, cached: true });
  const cachedRuns = results.size;
  const distinctRuns = new Set(tasks.map((task) => task.key)).size;
  const running = new Map<string, { task: PlannedRun; epoch: number; worker?: string }>();
  // Runs at once: the local workers, or as many queue workers as were seen busy together.
  let parallelism = Math.max(1, workers);
  const failures: string[] = [];
  const unsaved: PlannedRun[] = [];
  let finishedSeconds = 0;
  let finishedEstimate = 0;
  const describe = (task: PlannedRun): string => `${task.label} seed ${task.seed}`;
  const report = (): void => {
    if (!options.onProgress) return;
    // Remaining time: the plan's estimate of what is left, scaled by how the finished runs compared with theirs.
    const remaining = pending.filter((task) => !results.has(task.key)).reduce((total, task) => total + estimateRunSeconds(task.config, 1), 0);
    const scale = finishedEstimate > 0 ? finishedSeconds / finishedEstimate : null;
    options.onProgress({
      experiment: experiment.name,
      totalRuns: distinctRuns,
      doneRuns: results.size,
      cachedRuns,
      running: [...running.values()].map(({ task, epoch, worker }) =>
        `${describe(task)}${epoch ? ` · epoch ${epoch}/${task.config.training.epochs}` : ''}${worker ? ` · on ${worker}` : ''}`),
      elapsedSeconds: (Date.now() - started) / 1000,
      etaSeconds: scale === null ? (results.size === cachedRuns ? plan.estimatedSeconds : null) : (remaining * scale) / parallelism,
    });
  };
  report();
  const scheduler: Scheduler = {
    take(queue) {
      for (let index = 0; index < queue.length; index++) {
        const task = queue[index];
        const read = readCacheEntry<RunResult>(cacheDirectory, task.key);
        if (read.status === 'hit') {
          // Computed meanwhile by another process that held its lock.
          queue.splice(index--, 1);
          results.set(task.key, { result: read.entry.result, cached: true });
          report();
          continue;
        }
        if (tryLock(cacheDirectory, task.key)) {
          queue.splice(index, 1);
          // Another process may have stored it and let go of its lock between the read above and
          // the take: read again under the lock, so that it is not computed a second time.
          const again = readCacheEntry<RunResult>(cacheDirectory, task.key);
          if (again.status === 'hit') {
            unlock(cacheDirectory, task.key);
            results.set(task.key, { result: again.entry.result, cached: true });
            index--;
            report();
            continue;
          }
          return task;
        }
      }
      return queue.length > 0 ? 'wait' : null;
    },
  };
  const events = {
    onStart: (task: PlannedRun, worker?: string) => {
      running.set(task.key, { task, epoch: 0, worker });
      parallelism = Math.max(parallelism, running.size);
      report();
    },
    onEpoch: (task: PlannedRun, epoch: number) => {
      running.set(task.key, { ...(running.get(task.key) ?? { task }), epoch });
      report();
    },
    onWaiting: (task: PlannedRun) => {
      running.delete(task.key);
      report();
    },
    onDone: (task: PlannedRun, result: RunResult, seconds: number, cacheError?: string) => {
      if (cacheError) {
        // The worker could not write it; try once here, and keep the result in memory either way.
        try {
          writeCacheEntry(cacheDirectory, task.identity, result);
        } catch {
          unsaved.push(task);
        }
      }
      unlock(cacheDirectory, task.key);
      results.set(task.key, { result, cached: false });
      running.delete(task.key);
      finishedSeconds += seconds;
      finishedEstimate += estimateRunSeconds(task.config, 1);
      report();
    },
    onFailed: (task: PlannedRun, message: string) => {
      unlock(cacheDirectory, task.key);
      failures.push(`${describe(task)}: ${message}`);
      running.delete(task.key);
      report();
    },
  };
  if (pending.length > 0) {
    const url = queueUrl(options.queue);
    if (url !== undefined) await runInQueue(pending, { url }, events);
    else if (workers === 0) await runInProcess(pending, scheduler, events);
    else await runInWorkers(pending, workers, scheduler, events);
  }
  // A second chance for results whose write failed (the disk may have room again); they are kept either way.
  const stillUnsaved = unsaved.filter((task) => {
    try {
      writeCacheEntry(cacheDirectory, task.identity, (results.get(task.key) as { result: RunResult }).result);
      return false;
    } catch {
      return true;
    }
  });
  if (stillUnsaved.length > 0) {
    notes.push(`${stillUnsaved.length} finished run(s) could not be written to the cache ${cacheDirectory} (is the disk full?); their results are used from memory and will be recomputed next time`);
  }
  for (const note of notes) process.stderr.write(`${experiment.name}: ${note}\n`);
  if (failures.length > 0) {
    throw new Error(`experiment ${experiment.name}: ${failures.length} run(s) failed (finished runs are cached):\n${failures.join('\n')}`);
  }
  return {
    name: experiment.name,
    runs: tasks.map((task) => {
      const stored = results.get(task.key) as { result: RunResult; cached: boolean };
      return { label: task.label, group: task.group, parameters: task.parameters, seed: task.seed, key: task.key, cached: stored.cached, result: stored.result };
    }),
    computedRuns: [...results.values()].filter((entry) => !entry.cached).length,
    cachedRuns,
    corruptFiles: plan.corruptFiles,
    notes,
    engine: plan.engine,
    wallSeconds: (Date.now() - started) / 1000,
  };
}

/** Whether another process holds a run's lock (for tests and progress displays). */
export function runIsLockedElsewhere(cacheDirectory: string, key: string): boolean {
  const holder = lockHolder(cacheDirectory, key);
  return holder !== null && holder.pid !== process.pid;
}
