/**
 * The result cache: one JSON file per run, named by a hash of everything that determines the run's
 * numbers (config, seed, data fingerprint, code version, engine). Files are written atomically
 * (temporary file, then rename), so a build killed mid-way leaves only whole results behind; a file
 * that does not parse or does not match its name is reported and recomputed, never trusted.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

/** What a run's identity is made of; its hash names the cache file. */
export interface RunIdentity {
  config: unknown;
  seed: number;
  dataFingerprint: string;
  codeVersion: string;
  /** e.g. 'blas/openblas' or 'tfjs/wasm': different engines give (slightly) different numbers. */
  engine: string;
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

export function runKey(identity: RunIdentity): string {
  return createHash('sha256').update(canonicalJson(identity)).digest('hex').slice(0, 24);
}

/** The modules whose code decides a run's numbers; a change to any of them invalidates the cache. */
const NUMERIC_MODULES = [
  'data', 'evaluate', 'model', 'random', 'run', 'recipes', 'spec', 'train', 'validate',
  'engine/activations', 'engine/blasEngine', 'engine/index', 'engine/optimizers', 'engine/tfjsEngine',
];

/** A hash of the compiled numeric modules next to this file. */
export function codeVersion(): string {
  const hash = createHash('sha256');
  const libraryRoot = path.join(__dirname, '..');
  for (const name of NUMERIC_MODULES) {
    const file = path.join(libraryRoot, `${name}.js`);
    hash.update(name);
    if (fs.existsSync(file)) hash.update(fs.readFileSync(file));
  }
  return hash.digest('hex').slice(0, 16);
}

/** What a cache file holds. */
export interface CacheEntry<Result> {
  key: string;
  identity: RunIdentity;
  result: Result;
  writtenAt: string;
}

export type CacheRead<Result> =
  | { status: 'hit'; entry: CacheEntry<Result> }
  | { status: 'miss' }
  | { status: 'corrupt'; file: string; problem: string };

export function cacheFile(directory: string, key: string): string {
  return path.join(directory, `${key}.json`);
}

/** Reads and checks a cache entry. */
export function readCacheEntry<Result>(directory: string, key: string): CacheRead<Result> {
  const file = cacheFile(directory, key);
  if (!fs.existsSync(file)) return { status: 'miss' };
  let entry: CacheEntry<Result>;
  try {
    entry = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    return { status: 'corrupt', file, problem: `does not parse as JSON (${(error as Error).message})` };
  }
  if (!entry || typeof entry !== 'object' || entry.key !== key) {
    return { status: 'corrupt', file, problem: `its "key" field ${JSON.stringify(entry?.key)} does not match the file name` };
  }
  if (!entry.identity || runKey(entry.identity) !== key) {
    return { status: 'corrupt', file, problem: 'its "identity" field does not hash to the file name' };
  }
  if (!entry.result || typeof entry.result !== 'object') {
    return { status: 'corrupt', file, problem: 'it has no "result" object' };
  }
  return { status: 'hit', entry };
}

/** Writes an entry atomically: a reader sees the old file, no file, or the whole new file. */
export function writeCacheEntry<Result>(directory: string, identity: RunIdentity, result: Result): string {
  const key = runKey(identity);
  fs.mkdirSync(directory, { recursive: true });
  const file = cacheFile(directory, key);
  const temporary = `${file}.${process.pid}.tmp`;
  const entry: CacheEntry<Result> = { key, identity, result, writtenAt: new Date().toISOString() };
  fs.writeFileSync(temporary, JSON.stringify(entry));
  fs.renameSync(temporary, file);
  return file;
}
