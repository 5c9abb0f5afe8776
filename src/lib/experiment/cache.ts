/**
 * The result cache: one JSON file per run, named by a hash of everything that determines the run's
 * numbers (config, seed, data fingerprint, code version, engine). It lives in the caller's project
 * (`.relu-ae-cache/` at the top of it, or RELU_AE_CACHE_DIR), never inside the installed package.
 *
 * Nothing in it is trusted blindly and nothing is lost to it:
 * - the folder is checked writable before any training starts (preflightCacheDirectory);
 * - entries are written atomically (temporary file, then rename), and a failed write removes its
 *   temporary file and reports the error; the caller keeps the result in memory;
 * - an entry is used only if it parses, its key matches its identity and its config and seed match
 *   the identity's, its result has the shape of a result, and the checksum of its result matches;
 *   anything else is reported and recomputed.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { z } from 'zod';
import { callerProjectRoot } from '../paths';
import { readSettings } from '../settings';
import { processAlive } from './locks';

/** The cache folder's name at the top of the caller's project. */
export const CACHE_FOLDER_NAME = '.relu-ae-cache';

/** What a run's identity is made of; its hash names the cache file. */
export interface RunIdentity {
  config: unknown;
  seed: number;
  dataFingerprint: string;
  codeVersion: string;
  /** e.g. 'blas/openblas-1thread' or 'tfjs/wasm': different engines give (slightly) different numbers. */
  engine: string;
}

/**
 * A run's config as its identity holds it: where the data lie (`data.dataDirectory`) is left out,
 * because the data's fingerprint identifies them — the same run on another machine, with the files
 * in another folder, has the same key.
 */
export function identityConfig<Config>(config: Config): Config {
  const data = (config as { data?: Record<string, unknown> } | null)?.data;
  if (!data || typeof data !== 'object' || !('dataDirectory' in data)) return config;
  const { dataDirectory: _where, ...located } = data;
  return { ...config, data: located };
}

/** JSON with object keys sorted, so equal values always serialize (and hash) equally. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.keys(value as Record<string, unknown>)
      .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value);
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export function runKey(identity: RunIdentity): string {
  return sha256(canonicalJson(identity)).slice(0, 24);
}

/** The checksum stored with a result: any edit of the result changes it. */
export function resultChecksum(result: unknown): string {
  return sha256(canonicalJson(result)).slice(0, 32);
}

export { codeVersion, codeVersionOf, numericText } from './codeVersion';

/** The cache folder: RELU_AE_CACHE_DIR, else .relu-ae-cache/ at the top of the caller's project. */
export function defaultCacheDirectory(): string {
  return readSettings().cacheDirectory ?? path.join(callerProjectRoot(), CACHE_FOLDER_NAME);
}

/** What a cache file holds. */
export interface CacheEntry<Result> {
  key: string;
  identity: RunIdentity;
  result: Result;
  checksum: string;
  writtenAt: string;
}

export type CacheRead<Result> =
  | { status: 'hit'; entry: CacheEntry<Result> }
  | { status: 'miss' }
  | { status: 'corrupt'; file: string; problem: string };

export function cacheFile(directory: string, key: string): string {
  return path.join(directory, `${key}.json`);
}

/** A cache folder that cannot be used; the message says which folder and why, before any work. */
export class CacheDirectoryError extends Error {
  constructor(readonly directory: string, problem: string) {
    super(`result cache ${directory}: ${problem}; point RELU_AE_CACHE_DIR (or the cacheDirectory option) at a writable folder`);
    this.name = 'CacheDirectoryError';
  }
}

/** A failed write of one entry (the result itself is intact in memory). */
export class CacheWriteError extends Error {
  constructor(readonly file: string, readonly code: string | undefined, message: string) {
    super(`could not write ${file}: ${message}`);
    this.name = 'CacheWriteError';
  }
}

function describeFileError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  const meanings: Record<string, string> = {
    EROFS: 'the file system is read-only',
    ENOSPC: 'the disk is full',
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    ENOTDIR: 'a part of the path is a file, not a folder',
    EDQUOT: 'the disk quota is exceeded',
  };
  return code && meanings[code] ? `${meanings[code]} (${code})` : (error as Error).message;
}

/**
 * Creates the folder level by level. Node's recursive mkdirSync loops forever on some virtual file
 * systems (a path under /proc), so each missing level is made, and its failure reported, here.
 */
function makeDirectory(directory: string): void {
  const missing: string[] = [];
  let folder = path.resolve(directory);
  while (!fs.existsSync(folder)) {
    missing.unshift(folder);
    const parent = path.dirname(folder);
    if (parent === folder) break;
    folder = parent;
  }
  if (fs.existsSync(folder) && !fs.statSync(folder).isDirectory()) throw new CacheDirectoryError(directory, `${folder} is a file, not a folder`);
  for (const level of missing) {
    try {
      fs.mkdirSync(level);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw new CacheDirectoryError(directory, `cannot create ${level}: ${describeFileError(error)}`);
    }
  }
}

/** Temporary files of writers that are gone (a kill or a full disk mid-write): they only take space. */
export function removeStaleTemporaryFiles(directory: string): string[] {
  const removed: string[] = [];
  for (const name of fs.existsSync(directory) ? fs.readdirSync(directory) : []) {
    const match = /\.(\d+)\.tmp$/.exec(name);
    if (match && Number(match[1]) !== process.pid && !processAlive(Number(match[1]))) {
      fs.rmSync(path.join(directory, name), { force: true });
      removed.push(name);
    }
  }
  return removed;
}

/**
 * Makes sure results can be written before any training starts: creates the folder, writes and
 * removes a probe file, and clears temporary files left by dead writers. Throws CacheDirectoryError.
 */
export function preflightCacheDirectory(directory: string): void {
  makeDirectory(directory);
  removeStaleTemporaryFiles(directory);
  const probe = path.join(directory, `.write-probe.${process.pid}.tmp`);
  try {
    fs.writeFileSync(probe, 'probe');
  } catch (error) {
    fs.rmSync(probe, { force: true });
    throw new CacheDirectoryError(directory, `cannot write files here: ${describeFileError(error)}`);
  }
  fs.rmSync(probe, { force: true });
}

/** The parts of a result an entry must have to be used (the rest is checked by its checksum). */
const cachedResultSchema = z.looseObject({
  config: z.looseObject({ kind: z.string() }),
  seed: z.number().int(),
  testMse: z.number().nonnegative().nullable(),
  diverged: z.looseObject({ epoch: z.number(), reason: z.string() }).nullable(),
  history: z.array(z.looseObject({ epoch: z.number().int().positive(), testMse: z.number().nonnegative(), trainLoss: z.number() })),
  data: z.looseObject({ fingerprint: z.string() }),
  engine: z.string(),
  backend: z.string(),
  versions: z.looseObject({}),
});

/**
 * Why an entry cannot be used under `key`, or null when it can. Results that come back from the job
 * queue's workers pass the same check before they are written here.
 */
export function cacheEntryProblem(entry: CacheEntry<unknown>, key: string): string | null {
  if (!entry || typeof entry !== 'object' || entry.key !== key) return `its "key" field ${JSON.stringify(entry?.key)} does not match the file name`;
  if (!entry.identity || runKey(entry.identity) !== key) return 'its "identity" field does not hash to the file name';
  const shape = cachedResultSchema.safeParse(entry.result);
  if (!shape.success) {
    const issue = shape.error.issues[0];
    return `its result is not a run result (${['result', ...issue.path].join('.')}: ${issue.message})`;
  }
  if (entry.checksum !== resultChecksum(entry.result)) return 'its result does not match its checksum (edited or damaged)';
  const result = entry.result as { config: unknown; seed: number };
  if (canonicalJson(identityConfig(result.config)) !== canonicalJson(entry.identity.config) || result.seed !== entry.identity.seed) {
    return 'its result was made with another config or seed than its identity says';
  }
  return null;
}

/** Reads and checks a cache entry; see the module comment. */
export function readCacheEntry<Result>(directory: string, key: string): CacheRead<Result> {
  const file = cacheFile(directory, key);
  if (!fs.existsSync(file)) return { status: 'miss' };
  let entry: CacheEntry<Result>;
  try {
    entry = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    return { status: 'corrupt', file, problem: `does not parse as JSON (${(error as Error).message})` };
  }
  const problem = cacheEntryProblem(entry as CacheEntry<unknown>, key);
  return problem ? { status: 'corrupt', file, problem } : { status: 'hit', entry };
}

/**
 * Writes an entry atomically: a reader sees the old file, no file, or the whole new file. On failure
 * the temporary file is removed and a CacheWriteError names the file and the cause.
 */
export function writeCacheEntry<Result>(directory: string, identity: RunIdentity, result: Result): string {
  const key = runKey(identity);
  const file = cacheFile(directory, key);
  const temporary = `${file}.${process.pid}.tmp`;
  const entry: CacheEntry<Result> = { key, identity, result, checksum: resultChecksum(result), writtenAt: new Date().toISOString() };
  try {
    fs.writeFileSync(temporary, JSON.stringify(entry));
    fs.renameSync(temporary, file);
  } catch (error) {
    fs.rmSync(temporary, { force: true });
    throw new CacheWriteError(file, (error as NodeJS.ErrnoException).code, describeFileError(error));
  }
  return file;
}
