/**
 * The worker's readiness check (`npm run worker -- --check`), for a supervisor to run before it
 * starts a worker (systemd's ExecStartPre=, a container's health check): can this machine use the
 * queue with the credentials given, does Redis have a version BullMQ supports, and which queue would
 * this checkout serve, with how many runs waiting there.
 *
 *   probeQueue (connect once, INFO: version, append-only file, eviction policy) ─▶ the queue's name
 *   from this checkout's code version and engine ─▶ its job counts ─▶ ready, or QueueUnusableError
 */
import { Queue } from 'bullmq';
import { engineIdentity, prepareEngine } from '../../engine/index';
import { codeVersion } from '../cache';
import { PROBE_TIMEOUT_MILLISECONDS, probeQueue, QueueServerInfo, QueueUnusableError, withTimeout } from './connection';
import { runQueueName } from './jobs';
import { redactUrl } from './redact';

/** What the check found: the queue is usable. */
export interface QueueReadiness {
  server: QueueServerInfo;
  /** The queue this checkout serves, named by its code version and engine. */
  queueName: string;
  codeVersion: string;
  engine: string;
  /** Its jobs by state: waiting (for a worker), active (in training), delayed (retries waiting out their backoff), failed. */
  counts: { waiting: number; active: number; delayed: number; failed: number };
  /** Settings of Redis's that put jobs at risk, each in a sentence; none when it is set up as README says. */
  warnings: string[];
}

/**
 * Checks the queue at `url`; resolves within about `timeoutMilliseconds` (default 10,000) or throws
 * a QueueUnusableError that says why (unreachable, wrong password, Redis too old).
 */
export async function checkQueueReadiness(url: string, timeoutMilliseconds = PROBE_TIMEOUT_MILLISECONDS): Promise<QueueReadiness> {
  const server = await probeQueue(url, timeoutMilliseconds);
  const engine = engineIdentity(await prepareEngine());
  const version = codeVersion();
  const queueName = runQueueName({ codeVersion: version, engine });
  // No reconnection: Redis answered a moment ago, and a check must end rather than wait for it.
  const queue = new Queue(queueName, { connection: { url, retryStrategy: () => null, maxRetriesPerRequest: 0, enableOfflineQueue: false, connectTimeout: timeoutMilliseconds } });
  queue.on('error', () => undefined);
  let counts: Record<string, number> | null;
  try {
    counts = await withTimeout(queue.getJobCounts('waiting', 'prioritized', 'active', 'delayed', 'failed'), timeoutMilliseconds, null);
  } finally {
    void queue.close().catch(() => undefined);
  }
  if (counts === null) throw new QueueUnusableError(`cannot use the queue at ${redactUrl(url)}: it did not answer a count of ${queueName}'s jobs within ${timeoutMilliseconds / 1000} s`);
  const warnings: string[] = [];
  if (!server.appendOnly) warnings.push('the append-only file is off (appendonly no): a Redis restart loses the queued runs and the results not yet collected');
  if (server.evictionPolicy !== 'noeviction') warnings.push(`maxmemory-policy is ${server.evictionPolicy}, not noeviction: Redis may drop a job's keys when memory runs short`);
  return {
    server,
    queueName,
    codeVersion: version,
    engine,
    counts: { waiting: counts.waiting + counts.prioritized, active: counts.active, delayed: counts.delayed, failed: counts.failed },
    warnings,
  };
}
