/**
 * The third executor of an experiment's missing runs, beside runInProcess and runInWorkers: each
 * run becomes a BullMQ job whose id is the run's cache key, on the queue that serves this
 * checkout's code version and engine; workers anywhere (workerMain.ts) compute them; this process
 * collects each result, checks it like a cache entry, and writes it to the local cache.
 *
 *   runs ─ job per key (a key already queued, running or finished is that job: computed once) ─▶ Redis
 *   Redis ─ queue events (progress, finished) + a periodic look at every run's job ─▶ check ─▶ cache ─▶ events
 *
 * The jobs live in Redis, not in this process: a coordinator killed and started again finds the
 * runs finished meanwhile and collects them; a Redis restart (append-only file on) pauses it.
 * A job that failed in an earlier sweep is tried again, as local mode computes a failed run again.
 *
 * Ctrl-C (SIGINT) or SIGTERM while runs are out: the jobs stay in the queue for the workers, and
 * their results for the next coordinator; it says so and stops at once. When nothing else in the
 * process listens for the signal, the process then ends as the signal would have ended it; when
 * something does (a notebook kernel interrupting a cell, a script's own handler), runInQueue
 * rejects with a QueueInterruptedError and leaves the process to it.
 */
import { Job, Queue, QueueEvents } from 'bullmq';
import { RunResult } from '../../runs/index';
import { writeCacheEntry } from '../cache';
import { ExecutorEvents, PlannedRun } from '../workerPool';
import { probeQueue, queueConnection, withTimeout } from './connection';
import { parseRunJobProgress, RUN_JOB_NAME, runJobData, RunJobData, runJobOptions, RunJobProgress, RunJobResult, runJobResultProblem, runQueueName } from './jobs';
import { redactedMessage, redactUrl } from './redact';

/** Options of runInQueue. */
export interface QueueExecutorOptions {
  /** The queue's redis:// or rediss:// URL. */
  url: string;
  /** Tries per run before it counts as failed (default 3): a worker can lose Redis mid-run. */
  attempts?: number;
  /** How long finished jobs and their results stay in Redis, in seconds (default 7 days). */
  keepSeconds?: number;
  /** How often every unfinished run's job is looked at, besides the queue's events (milliseconds; default 2,000). */
  reconcileMilliseconds?: number;
  /** How long runs may wait with none running before a note asks whether a worker serves the queue (milliseconds; default 10,000). */
  idleNoteMilliseconds?: number;
  /** Where notes go (a lost connection, no worker serving the queue); default stderr. */
  onNote?: (note: string) => void;
}

export const QUEUE_EXECUTOR_DEFAULTS = {
  attempts: 3,
  keepSeconds: 7 * 24 * 3600,
  reconcileMilliseconds: 2_000,
  idleNoteMilliseconds: 10_000,
};

type RunJob = Job<RunJobData, RunJobResult>;

/** How long an interrupted or finished coordinator waits for its connections to close before it drops them. */
const CLOSE_MILLISECONDS = 1_000;

/** The signals that interrupt a coordinator. */
const INTERRUPTING_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];

/** A coordinator was interrupted by a signal; its runs stay in the queue. */
export class QueueInterruptedError extends Error {
  constructor(readonly signal: NodeJS.Signals, message: string) {
    super(message);
    this.name = 'QueueInterruptedError';
  }
}

/** Runs `tasks` through the queue; resolves when each has finished or failed (see ExecutorEvents). */
export async function runInQueue(tasks: PlannedRun[], options: QueueExecutorOptions, events: ExecutorEvents): Promise<void> {
  if (tasks.length === 0) return;
  const attempts = options.attempts ?? QUEUE_EXECUTOR_DEFAULTS.attempts;
  const keepSeconds = options.keepSeconds ?? QUEUE_EXECUTOR_DEFAULTS.keepSeconds;
  const reconcileMilliseconds = options.reconcileMilliseconds ?? QUEUE_EXECUTOR_DEFAULTS.reconcileMilliseconds;
  const idleNoteMilliseconds = options.idleNoteMilliseconds ?? QUEUE_EXECUTOR_DEFAULTS.idleNoteMilliseconds;
  const note = options.onNote ?? ((line: string) => process.stderr.write(`queue: ${line}\n`));
  // Every task of one experiment was keyed by this process: one code version, one engine, one queue.
  const queueName = runQueueName(tasks[0].identity);
  await probeQueue(options.url);
  const queue = new Queue<RunJobData, RunJobResult>(queueName, { connection: queueConnection(options.url) });
  const queueEvents = new QueueEvents(queueName, { connection: queueConnection(options.url) });
  const outstanding = new Map(tasks.map((task) => [task.key, task]));
  /** The training process last seen holding each run. */
  const holders = new Map<string, string>();
  const dirty = new Set<string>();
  let wake: (() => void) | null = null;
  const markDirty = (key: string): void => {
    if (!outstanding.has(key)) return;
    dirty.add(key);
    wake?.();
  };
  let connectionLost = false;
  const onConnectionError = (error: Error): void => {
    if (!connectionLost) note(`lost the connection to ${redactUrl(options.url)} (${redactedMessage(error)}); waiting for it to come back`);
    connectionLost = true;
  };
  queue.on('error', onConnectionError);
  queueEvents.on('error', onConnectionError);

  let interrupt: (error: QueueInterruptedError) => void = () => undefined;
  const interrupted = new Promise<never>((_resolve, reject) => (interrupt = reject));
  interrupted.catch(() => undefined);
  const onSignal = (signal: NodeJS.Signals): void => {
    const days = Math.round((keepSeconds / 86400) * 10) / 10;
    const left = `the ${outstanding.size} unfinished run(s) stay in ${queueName} for the workers, and their results for ${days} day(s): run the same sweep again to collect them`;
    note(`${signal}: stopping; ${left}`);
    if (process.listenerCount(signal) > 1) {
      interrupt(new QueueInterruptedError(signal, `interrupted by ${signal}; ${left}`));
      return;
    }
    // Nothing else in this process decides what the signal does: end the process as it would have.
    for (const name of INTERRUPTING_SIGNALS) process.removeListener(name, onSignal);
    queue.disconnect().catch(() => undefined);
    queueEvents.disconnect().catch(() => undefined);
    process.kill(process.pid, signal);
  };
  for (const signal of INTERRUPTING_SIGNALS) process.on(signal, onSignal);

  const seen = (task: PlannedRun, progress: RunJobProgress): void => {
    if (holders.get(task.key) !== progress.worker) {
      holders.set(task.key, progress.worker);
      events.onStart(task, progress.worker);
    }
    if (progress.epoch > 0) events.onEpoch(task, progress.epoch);
  };
  queueEvents.on('progress', ({ jobId, data }) => {
    const task = outstanding.get(jobId);
    const progress = parseRunJobProgress(data);
    if (task && progress) seen(task, progress);
  });
  for (const name of ['completed', 'failed', 'stalled'] as const) queueEvents.on(name, ({ jobId }: { jobId: string }) => markDirty(jobId));

  const collect = async (task: PlannedRun, job: RunJob): Promise<void> => {
    outstanding.delete(task.key);
    const answer = job.returnvalue;
    const problem = runJobResultProblem(answer, task.key, task.identity);
    if (problem) {
      events.onFailed(task, `the result returned by ${answer?.worker ?? job.processedBy ?? 'a worker'} was refused: ${problem}`);
      // Removed, so that the next sweep computes the run again rather than collecting the same answer.
      await job.remove().catch(() => undefined);
      return;
    }
    const result: RunResult = answer.result;
    let cacheError: string | undefined;
    try {
      writeCacheEntry(task.cacheDirectory, task.identity, result);
    } catch (error) {
      cacheError = (error as Error).message;
    }
    events.onDone(task, result, result.durationSeconds, cacheError);
  };

  /** Looks at one run's job and acts on its state. */
  const reconcile = async (task: PlannedRun): Promise<void> => {
    // The state first, then the job: a job read first may finish before its state is read, and its
    // copy would then be a completed job without its result.
    const state = await queue.getJobState(task.key);
    if (state === 'unknown') {
      // Evicted (older than keepSeconds) or lost with Redis's data: submit it again.
      await queue.add(RUN_JOB_NAME, runJobData(task.key, task.identity), runJobOptions({ key: task.key, attempts, keepSeconds }));
      return;
    }
    const job = (await queue.getJob(task.key)) as RunJob | undefined;
    // Removed between the two reads: the next look submits it again.
    if (!job) return;
    if (state === 'completed') return collect(task, job);
    if (state === 'failed') {
      outstanding.delete(task.key);
      const where = job.processedBy ? `, the last on ${job.processedBy}` : '';
      events.onFailed(task, `${redactedMessage(job.failedReason)} (${job.attemptsMade} attempt(s)${where})`);
      return;
    }
    const progress = state === 'active' ? parseRunJobProgress(job.progress) : null;
    if (progress) seen(task, progress);
    else if (state !== 'active' && holders.delete(task.key)) events.onWaiting?.(task);
  };

  const sweep = async (): Promise<void> => {
    await Promise.all([queue.waitUntilReady(), queueEvents.waitUntilReady()]);
    // A run whose job failed in an earlier sweep is tried again, with its attempts counted afresh.
    for (const task of tasks) {
      const job = (await queue.getJob(task.key)) as RunJob | undefined;
      if (job && (await job.getState()) === 'failed') await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true }).catch(() => undefined);
    }
    note(`${tasks.length} run(s) go to ${queueName} at ${redactUrl(options.url)}`);
    await queue.addBulk(tasks.map((task) => ({ name: RUN_JOB_NAME, data: runJobData(task.key, task.identity), opts: runJobOptions({ key: task.key, attempts, keepSeconds }) })));
    let lastFullLook = 0;
    let idleSince: number | null = null;
    let idleNoted = false;
    while (outstanding.size > 0 && !ended) {
      const fullLook = Date.now() - lastFullLook >= reconcileMilliseconds;
      if (fullLook) {
        lastFullLook = Date.now();
        for (const key of outstanding.keys()) dirty.add(key);
      }
      const keys = [...dirty];
      dirty.clear();
      try {
        for (const key of keys) {
          const task = outstanding.get(key);
          if (task) await reconcile(task);
        }
        if (connectionLost) note('the connection is back; the sweep goes on');
        connectionLost = false;
        if (fullLook && outstanding.size > 0) {
          // Runs waiting while none is active (in the whole queue) for a while: no worker serves this queue.
          const counts = await queue.getJobCounts('active', 'waiting');
          idleSince = counts.active > 0 || counts.waiting === 0 ? null : (idleSince ?? Date.now());
          if (idleSince === null) idleNoted = false;
          if (idleSince !== null && !idleNoted && Date.now() - idleSince >= idleNoteMilliseconds) {
            idleNoted = true;
            const { codeVersion, engine } = tasks[0].identity;
            note(`runs have been waiting ${Math.round((Date.now() - idleSince) / 1000)} s and none is running: is a worker serving ${queueName} (code version ${codeVersion}, engine ${engine})? Start one where this checkout is built: npm run worker -- --queue ${redactUrl(options.url)}`);
          }
        }
      } catch (error) {
        onConnectionError(error as Error);
        for (const key of keys) dirty.add(key);
        await new Promise((resolve) => setTimeout(resolve, reconcileMilliseconds));
        continue;
      }
      if (outstanding.size === 0 || dirty.size > 0) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(0, reconcileMilliseconds - (Date.now() - lastFullLook)));
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = null;
    }
  };
  /** Set when runInQueue returns or throws, so that a sweep left behind by an interruption stops looking. */
  let ended = false;
  const sweeping = sweep();
  sweeping.catch(() => undefined);
  try {
    await Promise.race([sweeping, interrupted]);
  } finally {
    ended = true;
    for (const signal of INTERRUPTING_SIGNALS) process.removeListener(signal, onSignal);
    // Redis may be down: the connections are dropped rather than waited for.
    const closed = await withTimeout(Promise.all([queueEvents.close(), queue.close()]).then(() => true), CLOSE_MILLISECONDS, false);
    if (!closed) await Promise.allSettled([queueEvents.disconnect(), queue.disconnect()]);
  }
}
