/**
 * A queue worker: takes run jobs from the queue that serves this checkout's code version and
 * engine, and trains each in a training process of its own (BullMQ's sandboxed processor,
 * processor.ts), `processes` at a time. This process only talks to Redis: it renews the locks of
 * the jobs it holds, so a job whose worker dies (kill -9, a lost machine) is handed out again by the
 * stalled-job check of any other worker once its lock expires.
 *
 *   Redis ─▶ Worker (this process: locks, stalled checks) ─▶ training process × processes ─▶ result ─▶ Redis
 */
import { Job, Worker } from 'bullmq';
import * as os from 'os';
import * as path from 'path';
import { engineIdentity, prepareEngine } from '../../engine/index';
import { codeVersion } from '../cache';
import { probeQueue, queueConnection } from './connection';
import { parseRunJobProgress, runQueueName, RunJobData, RunJobResult } from './jobs';
import { redactedMessage } from './redact';

/** Options of startQueueWorker. */
export interface QueueWorkerOptions {
  /** The queue's redis:// or rediss:// URL. */
  url: string;
  /** Training processes, one run each at a time; default one per core. */
  processes?: number;
  /**
   * How long a job's lock lasts without renewal (milliseconds; default 30,000). A killed worker's
   * job is handed out again after about this long. The lock is renewed at half of it.
   */
  lockMilliseconds?: number;
  /** How often this worker looks for jobs whose worker died (milliseconds; default 15,000). */
  stalledCheckMilliseconds?: number;
  /** One line per event (job started, done, failed; connection trouble); default none. */
  log?: (line: string) => void;
}

export const QUEUE_WORKER_DEFAULTS = {
  lockMilliseconds: 30_000,
  stalledCheckMilliseconds: 15_000,
};

/** A running worker. */
export interface QueueWorker {
  /** This worker's name in Redis's client list and on the jobs it takes: "host pid N". */
  name: string;
  /** The queue it serves (named by code version and engine). */
  queueName: string;
  codeVersion: string;
  engine: string;
  processes: number;
  /**
   * Stops taking jobs. Graceful (the default): the jobs in training finish and their results are
   * stored first. Forced: returns at once; the jobs held are handed out again when their locks expire.
   */
  close(options?: { force?: boolean }): Promise<void>;
}

/** Starts a worker; resolves once it is connected and serving. Fails fast when Redis cannot be reached. */
export async function startQueueWorker(options: QueueWorkerOptions): Promise<QueueWorker> {
  const processes = options.processes ?? os.cpus().length;
  if (!Number.isInteger(processes) || processes < 1) throw new Error(`processes must be an integer ≥ 1, got ${processes}`);
  const log = options.log ?? (() => undefined);
  await probeQueue(options.url);
  // The queue is chosen by what this checkout would key runs with: the engine here and the code version of this build.
  const engine = engineIdentity(await prepareEngine());
  const version = codeVersion();
  const queueName = runQueueName({ codeVersion: version, engine });
  const name = `${os.hostname()} pid ${process.pid}`;
  const lockDuration = options.lockMilliseconds ?? QUEUE_WORKER_DEFAULTS.lockMilliseconds;
  const worker = new Worker<RunJobData, RunJobResult>(queueName, path.join(__dirname, 'processor.js'), {
    connection: queueConnection(options.url),
    name,
    concurrency: processes,
    lockDuration,
    stalledInterval: options.stalledCheckMilliseconds ?? QUEUE_WORKER_DEFAULTS.stalledCheckMilliseconds,
    // A job is handed out again once after its worker died; dying twice on the same run fails it.
    maxStalledCount: 1,
    autorun: false,
  });
  const describe = (job: Job | undefined): string => (job ? `run ${job.id}` : 'a run');
  let connectionTrouble = false;
  worker.on('error', (error) => {
    // ioredis reports every failed reconnection attempt; one line per outage is enough.
    if (!connectionTrouble) log(`queue connection: ${redactedMessage(error)}; retrying`);
    connectionTrouble = true;
  });
  worker.on('ready', () => {
    if (connectionTrouble) log('queue connection: back');
    connectionTrouble = false;
  });
  worker.on('active', (job) => log(`started ${describe(job)}`));
  worker.on('progress', (job, progress) => {
    const parsed = parseRunJobProgress(progress);
    if (parsed && parsed.epoch > 0) log(`${describe(job)}: epoch ${parsed.epoch} on ${parsed.worker}`);
  });
  worker.on('completed', (job, result) => log(`computed ${describe(job)} on ${result.worker} in ${result.result.durationSeconds.toFixed(2)} s`));
  worker.on('failed', (job, error) => log(`failed ${describe(job)} (attempt ${job?.attemptsMade ?? '?'}): ${redactedMessage(error)}`));
  void worker.run().catch((error) => log(`worker stopped: ${redactedMessage(error)}`));
  await worker.waitUntilReady();
  return {
    name,
    queueName,
    codeVersion: version,
    engine,
    processes,
    close: async ({ force = false } = {}) => {
      await worker.close(force);
    },
  };
}
