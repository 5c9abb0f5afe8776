/**
 * A queue worker: takes run jobs from the queue that serves this checkout's code version and
 * engine, and trains each in a training process of its own (BullMQ's sandboxed processor,
 * processor.ts), `processes` at a time. This process only talks to Redis: it renews the locks of
 * the jobs it holds, so a job whose worker dies (kill -9, a lost machine) is handed out again by the
 * stalled-job check of any other worker once its lock expires.
 *
 *   Redis ─▶ Worker (this process: locks, stalled checks) ─▶ training process × processes ─▶ result ─▶ Redis
 *
 * Stopping (stop): no new job is taken; then
 *   nothing in training                      ─▶ stopped at once
 *   Redis answers: runs in training finish and their results are stored, for up to the grace period
 *   Redis does not answer, or the grace ran out ─▶ the training processes are killed; each unfinished
 *     run goes back to the queue at once when Redis still answers, else when its lock expires
 */
import { Job, Worker } from 'bullmq';
import { readdirSync, readFileSync } from 'fs';
import IORedis from 'ioredis';
import * as os from 'os';
import * as path from 'path';
import { engineIdentity, prepareEngine } from '../../engine/index';
import { codeVersion } from '../cache';
import { probeQueue, queueConnection, withTimeout } from './connection';
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
  /** How often a run may lose its worker (kill -9, a lost machine) and be handed out again before it fails (default 3). */
  maximumStalls?: number;
  /** One line per event (job started, done, failed; connection trouble); default none. */
  log?: (line: string) => void;
}

export const QUEUE_WORKER_DEFAULTS = {
  lockMilliseconds: 30_000,
  stalledCheckMilliseconds: 15_000,
  // A run that kills its worker every time (out of memory, say) must not take every worker down in
  // turn, yet rolling restarts and a Redis outage may each cost a run its lock once.
  maximumStalls: 3,
  /** How long stop() lets runs in training finish: below the 10 s most supervisors allow at least. */
  graceMilliseconds: 7_000,
};

/** How long stop() waits for Redis to answer before it counts Redis as unreachable. */
const STOP_PROBE_MILLISECONDS = 1_500;

/** How long stop() lets the worker close its connections once nothing is left to wait for. */
const CLOSE_MILLISECONDS = 1_000;

/** How stop() ended. */
export interface QueueWorkerStop {
  /** Runs that were in training when stop() was called. */
  inTraining: number;
  /** Of those, the runs whose training processes were killed before their results were stored. */
  unfinished: number;
  /** Of the unfinished, the runs put back in the queue at once (the others come back when their locks expire). */
  released: number;
  /**
   * Why runs were left unfinished: 'grace' (it ran out), 'unreachable' (Redis did not answer), 'now'
   * (asked to stop at once) or 'lock' (BullMQ gave a run up, a progress update or its result refused by Redis); null when none was.
   */
  reason: 'grace' | 'unreachable' | 'now' | 'lock' | null;
}

/** A running worker. */
export interface QueueWorker {
  /** This worker's name in Redis's client list and on the jobs it takes: "host pid N". */
  name: string;
  /** The queue it serves (named by code version and engine). */
  queueName: string;
  codeVersion: string;
  engine: string;
  processes: number;
  /** Runs in training now. */
  inTraining(): number;
  /**
   * Stops taking jobs and ends the worker (see the diagram above): runs in training finish while
   * Redis answers, for up to `graceMilliseconds` (default 7,000); `now` stops them at once.
   * Resolves within the grace period plus about three seconds, whatever state Redis is in.
   */
  stop(options?: { graceMilliseconds?: number; now?: boolean }): Promise<QueueWorkerStop>;
}

/** Whether `promise` settles (either way) within `milliseconds`. */
function settlesWithin(promise: Promise<unknown>, milliseconds: number): Promise<boolean> {
  return withTimeout(promise.then(() => true, () => true), milliseconds, false);
}

/**
 * The processes this process forked: a worker's training processes (BullMQ forks nothing else).
 * Read from /proc; where there is none, a training process left behind exits at its next epoch
 * when it sees its worker gone (processor.ts).
 */
export function childProcessIds(parent = process.pid): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const children: number[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The command name, in parentheses, may hold spaces: the state and the parent's id follow the last ')'.
      const [, parentId] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(parentId) === parent) children.push(Number(entry));
    } catch {
      // The process ended while the list was read.
    }
  }
  return children;
}

/** A key's value (null when there is none) read on a connection of its own that never waits for Redis; rejects when Redis does not answer. */
async function readKey(url: string, key: string, timeoutMilliseconds: number): Promise<string | null> {
  const client = new IORedis(url, { lazyConnect: true, connectTimeout: timeoutMilliseconds, retryStrategy: () => null, maxRetriesPerRequest: 0, enableOfflineQueue: false });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return await client.get(key);
  } finally {
    client.disconnect();
  }
}

function killTrainingProcesses(): void {
  for (const pid of childProcessIds()) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}

/**
 * BullMQ's worker, keeping the jobs it holds: from the moment a job goes to a training process until
 * BullMQ is done with it, its outcome stored or given up because the job's lock was lost meanwhile
 * (another worker then has the job). BullMQ emits no event for that last case, so its events alone
 * cannot say which jobs are still held.
 */
class HoldingWorker extends Worker<RunJobData, RunJobResult> {
  readonly held = new Map<string, Job<RunJobData, RunJobResult>>();
  onRelease: () => void = () => undefined;

  override async processJob(job: Job<RunJobData, RunJobResult>, token: string, fetchNextCallback?: () => boolean): Promise<void | Job<RunJobData, RunJobResult>> {
    if (job.id !== undefined) this.held.set(job.id, job);
    try {
      return await super.processJob(job, token, fetchNextCallback);
    } finally {
      if (job.id !== undefined) this.held.delete(job.id);
      this.onRelease();
    }
  }
}

/** Starts a worker; resolves once it is connected and serving. Fails fast (QueueUnusableError) when Redis cannot be used. */
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
  const worker = new HoldingWorker(queueName, path.join(__dirname, 'processor.js'), {
    connection: queueConnection(options.url),
    name,
    concurrency: processes,
    lockDuration,
    stalledInterval: options.stalledCheckMilliseconds ?? QUEUE_WORKER_DEFAULTS.stalledCheckMilliseconds,
    maxStalledCount: options.maximumStalls ?? QUEUE_WORKER_DEFAULTS.maximumStalls,
    autorun: false,
  });
  const describe = (job: Job | undefined): string => (job ? `run ${job.id}` : 'a run');
  /** The jobs this worker took whose outcome it has not stored (a result or a failure) yet. */
  const taken = new Map<string, Job<RunJobData, RunJobResult>>();
  const onRelease = new Set<() => void>();
  worker.onRelease = () => {
    for (const listener of onRelease) listener();
  };
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
  worker.on('active', (job) => {
    if (job.id !== undefined) taken.set(job.id, job);
    log(`started ${describe(job)}`);
  });
  worker.on('progress', (job, progress) => {
    const parsed = parseRunJobProgress(progress);
    if (parsed && parsed.epoch > 0) log(`${describe(job)}: epoch ${parsed.epoch} on ${parsed.worker}`);
  });
  // Both events come once Redis has recorded the outcome.
  worker.on('completed', (job, result) => {
    if (job.id !== undefined) taken.delete(job.id);
    log(`computed ${describe(job)} on ${result.worker} in ${result.result.durationSeconds.toFixed(2)} s`);
  });
  worker.on('failed', (job, error) => {
    if (job?.id !== undefined) taken.delete(job.id);
    log(`failed ${describe(job)} (attempt ${job?.attemptsMade ?? '?'}): ${redactedMessage(error)}`);
  });
  void worker.run().catch((error) => log(`worker stopped: ${redactedMessage(error)}`));
  await worker.waitUntilReady();

  const isHeld = (job: Job): boolean => job.id !== undefined && worker.held.has(job.id);
  /** Resolves once this worker holds none of `jobs` any more. */
  const allReleased = (jobs: Job[]): Promise<void> =>
    new Promise((resolveReleased) => {
      const check = (): void => {
        if (jobs.some(isHeld)) return;
        onRelease.delete(check);
        resolveReleased();
      };
      onRelease.add(check);
      check();
    });

  /**
   * Whether this worker still answers for a job it took and has not stored: BullMQ still holds it,
   * or BullMQ gave it up (a failed progress update or lock renewal) while its training process may
   * still be running it, and its lock is still this worker's (or Redis cannot say). A job whose lock
   * went to another worker is that worker's now.
   */
  const answersFor = async (job: Job<RunJobData, RunJobResult>): Promise<boolean> => {
    if (isHeld(job)) return true;
    const holder = await withTimeout(readKey(options.url, worker.toKey(`${job.id}:lock`), CLOSE_MILLISECONDS), CLOSE_MILLISECONDS, undefined);
    if (holder !== undefined && holder !== job.token) {
      if (job.id !== undefined) taken.delete(job.id);
      return false;
    }
    return true;
  };

  const stop = async ({ graceMilliseconds = QUEUE_WORKER_DEFAULTS.graceMilliseconds, now = false } = {}): Promise<QueueWorkerStop> => {
    const started = Date.now();
    // From here on no job is taken; the promise resolves once the jobs in training are done and the connections closed.
    const closing = worker.close();
    const candidates = [...taken.values()];
    const answered = await Promise.all(candidates.map(answersFor));
    const held = candidates.filter((_job, index) => answered[index]);
    if (held.length === 0) {
      await settlesWithin(closing, CLOSE_MILLISECONDS);
      killTrainingProcesses();
      return { inTraining: 0, unfinished: 0, released: 0, reason: null };
    }
    let reason: QueueWorkerStop['reason'] = null;
    if (now) reason = 'now';
    else if (!(await withTimeout(probeQueue(options.url, STOP_PROBE_MILLISECONDS).then(() => true), STOP_PROBE_MILLISECONDS, false))) reason = 'unreachable';
    else if (!(await settlesWithin(allReleased(held), graceMilliseconds - (Date.now() - started)))) reason = 'grace';
    // Unfinished: not stored, whether still held by BullMQ (in training: stopped below) or given up by it.
    const unfinished = held.filter((job) => job.id === undefined || taken.has(job.id));
    if (unfinished.length > 0 && reason === null) reason = 'lock';
    let released = 0;
    if (unfinished.length > 0 && reason !== 'unreachable') {
      // Put back while Redis answers, so that another worker need not wait for the lock to expire.
      const releases = unfinished.map((job) => job.moveToWait(job.token).then(() => released++));
      await settlesWithin(Promise.allSettled(releases), CLOSE_MILLISECONDS);
    }
    killTrainingProcesses();
    if (unfinished.length === 0) await settlesWithin(closing, CLOSE_MILLISECONDS);
    return { inTraining: held.length, unfinished: unfinished.length, released, reason };
  };

  return {
    name,
    queueName,
    codeVersion: version,
    engine,
    processes,
    inTraining: () => taken.size,
    stop,
  };
}
