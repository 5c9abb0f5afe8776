/**
 * What the job queue costs on one machine: the same sweeps in local mode (two forked workers, started
 * by each experiment) and in queue mode (a private redis-server and one long-running worker with two
 * training processes), for a tiny run (nearly all overhead) and a small one. Sweeps alternate between
 * the modes, REPEATS times each, so that a change in the machine's load hits both. Prints one JSON
 * line per sweep, then one per run size with medians and the overhead per job. Not a test: timings
 * are not golden; run it on a quiet machine.
 *
 *   overhead per job = (median queue wall − median local wall) × 2 processes / runs; local mode
 *     also forks and starts its two workers in every experiment, so the same is given without that
 *     start (the median wall of a local sweep of two tiny runs, one per worker)
 *   worker-side overhead per job = job finishedOn − processedOn − the run's own training time
 *     (sandbox IPC, progress, moving the result into Redis), read back from BullMQ's jobs
 *
 * usage: npm run bench:queue
 */
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Queue } from 'bullmq';
import { readCacheEntry } from '../src/lib/experiment/cache';
import { Experiment, ExperimentResult, runExperiment } from '../src/lib/experiment/runner';
import { queueConnection } from '../src/lib/experiment/queue/connection';
import { runQueueName } from '../src/lib/experiment/queue/jobs';
import { readFlags, runCommand } from '../src/lib/commandLine';
import { redactSecrets } from '../src/lib/experiment/queue/redact';
import { startRedisServer } from './redisServer';

const TRAINING_PROCESSES = 2;
const REPEATS = 3;
const WORKER_MAIN = resolve(__dirname, '../src/lib/experiment/queue/workerMain.js');

/** The run sizes measured, and the runs of each sweep. */
const SIZES = [
  { name: 'tiny', layerSizes: [784, 16, 2, 16, 784], epochs: 1, trainSize: 200, runs: 32 },
  { name: 'small', layerSizes: [784, 64, 2, 64, 784], epochs: 2, trainSize: 2000, runs: 12 },
];

/** A sweep of `runs` runs of one size (two configurations), with seeds from `firstSeed` on. */
function sweepOf(size: (typeof SIZES)[number], runs: number, firstSeed: number): Experiment {
  return {
    name: `bench ${size.name}`,
    seeds: Array.from({ length: runs / 2 }, (_, index) => firstSeed + index),
    configurations: ['relu', 'elu'].map((hidden) => ({
      label: hidden,
      run: { autoencoder: { layerSizes: size.layerSizes, hiddenActivation: hidden as 'relu' | 'elu' }, training: { epochs: size.epochs, batchSize: 50 }, data: { trainSize: size.trainSize, testSize: 50 } },
    })),
  };
}

async function timedSweep(experiment: Experiment, cacheDirectory: string, queue: string | null): Promise<{ wallSeconds: number; result: ExperimentResult }> {
  const started = process.hrtime.bigint();
  const result = await runExperiment(experiment, { cacheDirectory, queue, workers: TRAINING_PROCESSES });
  const wallSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.computedRuns !== result.runs.length) throw new Error(`${result.computedRuns} of ${result.runs.length} runs computed: the sweep was not fresh`);
  return { wallSeconds, result };
}

/** Milliseconds each job of a queued sweep spent in its worker beyond its own training time. */
async function workerOverheads(url: string, result: ExperimentResult, cacheDirectory: string): Promise<number[]> {
  const entry = readCacheEntry(cacheDirectory, result.runs[0].key);
  if (entry.status !== 'hit') throw new Error('a queued result is missing from the cache');
  const queue = new Queue(runQueueName(entry.entry.identity), { connection: queueConnection(url) });
  try {
    const overheads: number[] = [];
    for (const run of result.runs) {
      const job = await queue.getJob(run.key);
      if (job?.processedOn && job.finishedOn) overheads.push(job.finishedOn - job.processedOn - run.result.durationSeconds * 1000);
    }
    return overheads;
  } finally {
    await queue.close();
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

function startWorker(url: string): Promise<ChildProcess> {
  const worker = spawn(process.execPath, [WORKER_MAIN, '--processes', String(TRAINING_PROCESSES)], { env: { ...process.env, RELU_AE_QUEUE: url }, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolveWorker, reject) => {
    let output = '';
    worker.stdout.on('data', (chunk) => {
      output += chunk;
      if (/ serving /.test(output)) resolveWorker(worker);
    });
    worker.once('exit', (code) => reject(new Error(`the worker exited with ${code}: ${redactSecrets(output)}`)));
  });
}

const USAGE = 'usage: npm run bench:queue  (no arguments: it starts its own redis-server and worker on this machine)';

async function main(): Promise<number> {
  readFlags(process.argv.slice(2), {}, USAGE);
  const root = mkdtempSync(join(tmpdir(), 'relu-ae-bench-queue-'));
  const redisDirectory = join(root, 'redis');
  mkdirSync(redisDirectory);
  // Each sweep gets a cache and seeds of its own, so that none finds its runs done already (on disk or in the queue).
  let sweepCount = 0;
  const freshCache = (): string => join(root, `cache-${sweepCount++}`);
  let nextSeed = 1000;
  const seedsFor = (runs: number): number => {
    nextSeed += runs;
    return nextSeed - runs;
  };
  const redis = await startRedisServer({ directory: redisDirectory, password: randomBytes(12).toString('hex') });
  let worker: ChildProcess | null = null;
  try {
    worker = await startWorker(redis.url);
    // Warm both training processes (their first job loads the engine and the data), as a long-running worker is.
    await timedSweep(sweepOf(SIZES[0], 2 * TRAINING_PROCESSES, seedsFor(2 * TRAINING_PROCESSES)), freshCache(), redis.url);
    const starts: number[] = [];
    for (let repeat = 0; repeat < REPEATS; repeat++) {
      starts.push((await timedSweep(sweepOf(SIZES[0], TRAINING_PROCESSES, seedsFor(TRAINING_PROCESSES)), freshCache(), null)).wallSeconds);
    }
    const localStart = median(starts);
    console.log(JSON.stringify({ mode: 'local', measure: 'start of an experiment: fork two workers, one tiny run each', medianWallSeconds: round(localStart) }));
    for (const size of SIZES) {
      const walls: Record<'local' | 'queue', number[]> = { local: [], queue: [] };
      const overheads: number[] = [];
      for (let repeat = 0; repeat < REPEATS; repeat++) {
        for (const mode of ['local', 'queue'] as const) {
          const cacheDirectory = freshCache();
          const { wallSeconds, result } = await timedSweep(sweepOf(size, size.runs, seedsFor(size.runs)), cacheDirectory, mode === 'queue' ? redis.url : null);
          walls[mode].push(wallSeconds);
          if (mode === 'queue') overheads.push(...(await workerOverheads(redis.url, result, cacheDirectory)));
          const meanRunSeconds = result.runs.reduce((total, run) => total + run.result.durationSeconds, 0) / result.runs.length;
          console.log(JSON.stringify({ mode, trainingProcesses: TRAINING_PROCESSES, size: size.name, runs: size.runs, wallSeconds: round(wallSeconds), runsPerSecond: round(size.runs / wallSeconds), meanRunSeconds: round(meanRunSeconds) }));
        }
      }
      const local = median(walls.local);
      const queued = median(walls.queue);
      console.log(JSON.stringify({
        size: size.name,
        runs: size.runs,
        medianWallSeconds: { local: round(local), queue: round(queued) },
        runsPerSecond: { local: round(size.runs / local), queue: round(size.runs / queued) },
        queueOverheadMillisecondsPerJob: Math.round(((queued - local) * TRAINING_PROCESSES * 1000) / size.runs),
        queueOverheadMillisecondsPerJobWithoutLocalStart: Math.round(((queued - (local - localStart)) * TRAINING_PROCESSES * 1000) / size.runs),
        workerSideOverheadMilliseconds: { median: Math.round(median(overheads)), max: Math.round(Math.max(...overheads)) },
      }));
    }
  } finally {
    const running = worker && worker.exitCode === null && worker.signalCode === null ? worker : null;
    running?.kill('SIGTERM');
    if (running) await new Promise((resolveExit) => running.once('exit', resolveExit));
    await redis.stop();
    rmSync(root, { recursive: true, force: true });
  }
  return 0;
}

if (require.main === module) runCommand('bench:queue', main);
