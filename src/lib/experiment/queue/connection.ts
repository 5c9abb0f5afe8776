/**
 * Connections to the queue's Redis. A first probe fails fast, naming the (redacted) URL, when Redis
 * cannot be reached or refuses the password; after that, BullMQ's clients reconnect on their own
 * for as long as it takes, so a Redis restart only pauses a sweep.
 */
import type { ConnectionOptions } from 'bullmq';
import IORedis from 'ioredis';
import { redactedMessage, redactUrl } from './redact';

/** How long the first probe waits for Redis before giving up. */
export const PROBE_TIMEOUT_MILLISECONDS = 10_000;

/** Longest pause between two reconnection attempts. */
const MAXIMUM_RECONNECT_DELAY_MILLISECONDS = 2_000;

/** Reconnects at once, then every quarter second more, up to two seconds between attempts, forever. */
function reconnectDelay(attempt: number): number {
  return Math.min(250 * attempt, MAXIMUM_RECONNECT_DELAY_MILLISECONDS);
}

/** BullMQ connection options for a queue URL (redis:// or rediss://, with or without a password). */
export function queueConnection(url: string): ConnectionOptions {
  return { url, retryStrategy: reconnectDelay, maxRetriesPerRequest: null };
}

/**
 * Connects once, without retrying, and pings. Throws an error naming the redacted URL and the cause
 * (refused, timed out, wrong password) so a typo fails in seconds rather than waiting forever.
 */
export async function probeQueue(url: string, timeoutMilliseconds = PROBE_TIMEOUT_MILLISECONDS): Promise<void> {
  const client = new IORedis(url, { lazyConnect: true, connectTimeout: timeoutMilliseconds, retryStrategy: () => null, maxRetriesPerRequest: 0, enableOfflineQueue: false });
  // A refused password arrives as an error event, while connect() only says the connection closed.
  let reported: unknown = null;
  client.on('error', (error) => (reported ??= error));
  try {
    await client.connect();
    await client.ping();
  } catch (error) {
    throw new Error(`cannot use the queue at ${redactUrl(url)}: ${redactedMessage(reported ?? error)}`);
  } finally {
    client.disconnect();
  }
}
