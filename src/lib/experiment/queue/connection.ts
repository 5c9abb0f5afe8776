/**
 * Connections to the queue's Redis. A first probe fails fast, naming the (redacted) URL, when Redis
 * cannot be reached or refuses the password; after that, BullMQ's clients reconnect on their own
 * for as long as it takes, so a Redis restart only pauses a sweep.
 */
import { ConnectionOptions, RedisConnection } from 'bullmq';
import IORedis from 'ioredis';
import { redactedMessage, redactUrl } from './redact';

/** The queue cannot be used: Redis is unreachable, refuses the credentials, or is too old for BullMQ. */
export class QueueUnusableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'QueueUnusableError';
  }
}

/** What a probe learned about the server. */
export interface QueueServerInfo {
  /** Redis's version, e.g. "7.0.15". */
  redisVersion: string;
  /** Whether the append-only file is on (jobs and results survive a restart). */
  appendOnly: boolean;
  /** Redis's eviction policy; BullMQ needs noeviction, or it may lose a job's key. */
  evictionPolicy: string;
}

/** The oldest Redis this BullMQ works with. */
export const MINIMUM_REDIS_VERSION: string = RedisConnection.minimumVersion;

/** Whether dotted version `version` is older than `minimum` ("6.0.9" < "6.2.0"). */
export function versionBelow(version: string, minimum: string): boolean {
  const parts = (text: string): number[] => text.split('.').map((part) => Number.parseInt(part, 10) || 0);
  const [have, need] = [parts(version), parts(minimum)];
  for (let index = 0; index < Math.max(have.length, need.length); index++) {
    if ((have[index] ?? 0) !== (need[index] ?? 0)) return (have[index] ?? 0) < (need[index] ?? 0);
  }
  return false;
}

/** The value of `field` in the text of Redis's INFO command, or '' when it is not there. */
function infoField(info: string, field: string): string {
  return new RegExp(`^${field}:(.*)$`, 'm').exec(info)?.[1].trim() ?? '';
}

/** How long the first probe waits for Redis before giving up. */
export const PROBE_TIMEOUT_MILLISECONDS = 10_000;

/** Longest pause between two reconnection attempts. */
const MAXIMUM_RECONNECT_DELAY_MILLISECONDS = 2_000;

/** Reconnects at once, then every quarter second more, up to two seconds between attempts, forever. */
function reconnectDelay(attempt: number): number {
  return Math.min(250 * attempt, MAXIMUM_RECONNECT_DELAY_MILLISECONDS);
}

/** What `promise` resolves to, or `fallback` when it rejects or takes longer than `milliseconds`: Redis calls that must not wait for a reconnection. */
export async function withTimeout<T>(promise: Promise<T>, milliseconds: number, fallback: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<T>((resolveTimeout) => (timer = setTimeout(() => resolveTimeout(fallback), Math.max(0, milliseconds))));
  try {
    return await Promise.race([promise.catch(() => fallback), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** BullMQ connection options for a queue URL (redis:// or rediss://, with or without a password). */
export function queueConnection(url: string): ConnectionOptions {
  return { url, retryStrategy: reconnectDelay, maxRetriesPerRequest: null };
}

/** Errors that say Redis refused the credentials: trying again cannot help. */
const CREDENTIALS_REFUSED = /WRONGPASS|NOAUTH|NOPERM|invalid password|invalid username/i;

/** Connects once and reads the server's version and settings; throws what went wrong. */
async function readServerInfo(url: string, timeoutMilliseconds: number): Promise<QueueServerInfo> {
  const client = new IORedis(url, { lazyConnect: true, connectTimeout: timeoutMilliseconds, commandTimeout: timeoutMilliseconds, retryStrategy: () => null, maxRetriesPerRequest: 0, enableOfflineQueue: false });
  // A refused password arrives as an error event, while connect() only says the connection closed.
  let reported: unknown = null;
  client.on('error', (error) => (reported ??= error));
  try {
    await client.connect();
    const text = `${await client.info('server')}\n${await client.info('persistence')}\n${await client.info('memory')}`;
    return { redisVersion: infoField(text, 'redis_version'), appendOnly: infoField(text, 'aof_enabled') === '1', evictionPolicy: infoField(text, 'maxmemory_policy') };
  } catch (error) {
    throw reported ?? error;
  } finally {
    client.disconnect();
  }
}

/**
 * Reads the server's version and settings, trying again for up to `timeoutMilliseconds` while
 * Redis cannot be reached (it may be restarting), but not when it refuses the credentials. Throws a
 * QueueUnusableError naming the redacted URL and the cause (refused, timed out, wrong password, a
 * Redis older than BullMQ supports), so that a typo fails in seconds rather than waiting forever.
 */
export async function probeQueue(url: string, timeoutMilliseconds = PROBE_TIMEOUT_MILLISECONDS): Promise<QueueServerInfo> {
  const deadline = Date.now() + timeoutMilliseconds;
  let info: QueueServerInfo | null = null;
  for (let attempt = 1; info === null; attempt++) {
    try {
      info = await readServerInfo(url, Math.max(1, deadline - Date.now()));
    } catch (error) {
      const wait = reconnectDelay(attempt);
      if (CREDENTIALS_REFUSED.test(redactedMessage(error)) || Date.now() + wait >= deadline) {
        throw new QueueUnusableError(`cannot use the queue at ${redactUrl(url)}: ${redactedMessage(error)}`);
      }
      await new Promise((resolveWait) => setTimeout(resolveWait, wait));
    }
  }
  if (versionBelow(info.redisVersion, MINIMUM_REDIS_VERSION)) {
    throw new QueueUnusableError(`cannot use the queue at ${redactUrl(url)}: it runs Redis ${info.redisVersion}, and BullMQ needs Redis ${MINIMUM_REDIS_VERSION} or newer`);
  }
  return info;
}
