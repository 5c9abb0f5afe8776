/**
 * What travels through the job queue, and the checks on both ends. A job is plain JSON: the run's
 * key and its identity (resolved config, seed, data fingerprint, code version, engine), never code.
 * A worker returns the result with its checksum; the coordinator accepts it only if it passes the
 * same checks as a cache entry read from disk, under the key it asked for.
 *
 *   coordinator ── job { key, identity } (job id = key) ──▶ Redis ──▶ worker (validates, trains)
 *   coordinator ◀── { key, identity, result, checksum, worker } ── returnvalue ◀──┘
 */
import type { JobsOptions } from 'bullmq';
import { z } from 'zod';
import { RunResult } from '../../runs/index';
import { cacheEntryProblem, canonicalJson, RunIdentity, runKey } from '../cache';

/** Every run queue's name starts with this; the rest names the code version and engine it serves. */
export const QUEUE_NAME_PREFIX = 'relu-ae-runs';

/** The one job name workers accept. */
export const RUN_JOB_NAME = 'run';

/** What a job carries. */
export interface RunJobData {
  key: string;
  identity: RunIdentity;
}

/** What a worker returns for a job. */
export interface RunJobResult {
  key: string;
  identity: RunIdentity;
  result: RunResult;
  checksum: string;
  /** The training process that computed it, e.g. "host-a:4211". */
  worker: string;
}

/** What a worker reports while a run trains (the job's progress). */
export interface RunJobProgress {
  worker: string;
  /** Epochs finished; 0 when training has just started. */
  epoch: number;
}

/** Job options the coordinator submits with; see runJobOptions. */
export interface RunJobOptionsInput {
  key: string;
  /** Tries before the run counts as failed. */
  attempts: number;
  /** How long finished jobs (and their results) stay in Redis. */
  keepSeconds: number;
}

/** A run's key is a hex hash, so it is a valid BullMQ job id (no ':' and never an integer). */
const KEY_PATTERN = /^[0-9a-f]{24}$/;

const runIdentitySchema = z.strictObject({
  config: z.looseObject({ kind: z.string() }),
  seed: z.number().int(),
  dataFingerprint: z.string().min(1),
  codeVersion: z.string().min(1),
  engine: z.string().min(1),
});

const runJobDataSchema = z.strictObject({
  key: z.string().regex(KEY_PATTERN, 'must be a run key (24 hexadecimal digits)'),
  identity: runIdentitySchema,
});

const runJobProgressSchema = z.looseObject({ worker: z.string(), epoch: z.number().int().nonnegative() });

/**
 * The queue that serves one code version on one engine. Workers listen only on their own, so a
 * worker on another commit or engine never even sees a job it would have to refuse.
 */
export function runQueueName(identity: Pick<RunIdentity, 'codeVersion' | 'engine'>): string {
  const safe = (text: string): string => text.replace(/[^A-Za-z0-9_-]/g, '-');
  return `${QUEUE_NAME_PREFIX}.${safe(identity.codeVersion)}.${safe(identity.engine)}`;
}

/**
 * Options of a run's job: its id is the run's key, so a run submitted twice (by two coordinators,
 * or by one that was restarted) is one job, computed once; finished jobs are kept for
 * `keepSeconds` so that a restarted coordinator collects results instead of recomputing them.
 */
export function runJobOptions(options: RunJobOptionsInput): JobsOptions {
  return {
    jobId: options.key,
    attempts: options.attempts,
    backoff: { type: 'exponential', delay: 1000 },
    removeOnComplete: { age: options.keepSeconds },
    removeOnFail: { age: options.keepSeconds },
  };
}

/** The data of a run's job. Only the identity travels: it holds the resolved config. */
export function runJobData(key: string, identity: RunIdentity): RunJobData {
  return { key, identity };
}

/** A job's data checked for shape, or the reason it is not a run job. */
export function parseRunJobData(data: unknown): { data: RunJobData; problem?: undefined } | { data?: undefined; problem: string } {
  const parsed = runJobDataSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { problem: `the job's data are not a run (${['data', ...issue.path].join('.')}: ${issue.message})` };
  }
  const identity = parsed.data.identity as RunIdentity;
  if (runKey(identity) !== parsed.data.key) return { problem: 'the job\'s key is not the hash of its identity' };
  return { data: { key: parsed.data.key, identity } };
}

/** A job's progress as a worker reported it, or null when it is not one. */
export function parseRunJobProgress(progress: unknown): RunJobProgress | null {
  const parsed = runJobProgressSchema.safeParse(progress);
  return parsed.success ? { worker: parsed.data.worker, epoch: parsed.data.epoch } : null;
}

/** The path of the first number that is not finite (JSON can carry 1e999, which parses to Infinity). */
export function nonFiniteNumberPath(value: unknown, path = 'result'): string | null {
  if (typeof value === 'number') return Number.isFinite(value) ? null : path;
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      const found = nonFiniteNumberPath(value[index], `${path}[${index}]`);
      if (found) return found;
    }
    return null;
  }
  if (value && typeof value === 'object') {
    for (const [name, item] of Object.entries(value)) {
      const found = nonFiniteNumberPath(item, `${path}.${name}`);
      if (found) return found;
    }
  }
  return null;
}

/**
 * Why a worker's answer for run `key` cannot be accepted, or null when it can: it must be for that
 * key and that identity exactly, have the shape of a result whose config and seed are the
 * identity's, match its checksum, and hold only finite numbers.
 */
export function runJobResultProblem(returned: unknown, key: string, identity: RunIdentity): string | null {
  if (!returned || typeof returned !== 'object') return `it is ${returned === null ? 'null' : typeof returned}, not a run's result`;
  const answer = returned as Partial<RunJobResult>;
  if (answer.key !== key) return `it is for run ${JSON.stringify(answer.key)}, not ${key}`;
  if (!answer.identity || canonicalJson(answer.identity) !== canonicalJson(identity)) return 'its identity (config, seed, data, code version, engine) is not the one submitted';
  const entryProblem = cacheEntryProblem({ key, identity, result: answer.result, checksum: answer.checksum ?? '', writtenAt: '' }, key);
  if (entryProblem) return entryProblem;
  const nonFinite = nonFiniteNumberPath(answer.result);
  if (nonFinite) return `${nonFinite} is not a finite number`;
  return null;
}
