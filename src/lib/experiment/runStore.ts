/**
 * A run store: the cache entries of a set of runs, one gzipped file each (`<key>.json.gz`), shipped
 * beside a published report so that a fresh clone can re-render it without training, and so that a
 * recomputation can be checked against it number by number.
 *
 *   exportRuns(cache, keys, store)   cache entries, byte for byte, gzipped (unchanged runs keep identical files)
 *   importRuns(store, cache)         each entry verified as the cache verifies one (key, identity, config,
 *                                    seed, shape, checksum), then written into the cache where missing
 *   runNumbersDifference(a, b)       what differs between two results, timings and machine facts aside
 */
import * as fs from 'fs';
import * as path from 'path';
import { gunzipSync, gzipSync } from 'zlib';
import { cacheEntryProblem, CacheEntry, cacheFile, canonicalJson } from './cache';

/** The file name ending of a stored run. */
export const RUN_STORE_SUFFIX = '.json.gz';

/** The file of one run in a store. */
export function storedRunFile(storeDirectory: string, key: string): string {
  return path.join(storeDirectory, `${key}${RUN_STORE_SUFFIX}`);
}

/** The keys of the runs in a store, sorted. */
export function storedRunKeys(storeDirectory: string): string[] {
  if (!fs.existsSync(storeDirectory)) return [];
  return fs.readdirSync(storeDirectory).filter((name) => name.endsWith(RUN_STORE_SUFFIX)).map((name) => name.slice(0, -RUN_STORE_SUFFIX.length)).sort();
}

/**
 * Writes the cache entries of `keys` into the store (replacing its contents: a store holds exactly
 * one build's runs). Returns the keys whose entry the cache lacks; nothing is written for those.
 */
export function exportRuns(cacheDirectory: string, keys: Iterable<string>, storeDirectory: string): { written: number; missing: string[] } {
  fs.rmSync(storeDirectory, { recursive: true, force: true });
  fs.mkdirSync(storeDirectory, { recursive: true });
  const missing: string[] = [];
  let written = 0;
  for (const key of new Set(keys)) {
    const source = cacheFile(cacheDirectory, key);
    if (!fs.existsSync(source)) {
      missing.push(key);
      continue;
    }
    // Level 9 and gzip's zero timestamp make the file a function of the entry alone.
    fs.writeFileSync(storedRunFile(storeDirectory, key), gzipSync(fs.readFileSync(source), { level: 9 }));
    written++;
  }
  return { written, missing };
}

/** A stored run read and verified, or why it cannot be used. */
export type StoredRun<Result> = { status: 'ok'; entry: CacheEntry<Result> } | { status: 'bad'; file: string; problem: string };

/** Reads one stored run and checks it exactly as the cache checks an entry. */
export function readStoredRun<Result>(storeDirectory: string, key: string): StoredRun<Result> {
  const file = storedRunFile(storeDirectory, key);
  let entry: CacheEntry<Result>;
  try {
    entry = JSON.parse(gunzipSync(fs.readFileSync(file)).toString('utf8'));
  } catch (error) {
    return { status: 'bad', file, problem: `cannot be read as gzipped JSON (${(error as Error).message})` };
  }
  const problem = cacheEntryProblem(entry as CacheEntry<unknown>, key);
  return problem ? { status: 'bad', file, problem } : { status: 'ok', entry };
}

/** What importRuns did. */
export interface ImportSummary {
  /** Verified and written into the cache. */
  imported: number;
  /** Already in the cache. */
  alreadyCached: number;
  /** Entries that failed verification, with the reason; never used. */
  rejected: { file: string; problem: string }[];
  /** How many verified runs each code version and engine has (a run only serves a build of its own). */
  identities: Record<string, number>;
}

/** Verifies every stored run and writes those the cache lacks into it; see the module comment. */
export function importRuns(storeDirectory: string, cacheDirectory: string): ImportSummary {
  const summary: ImportSummary = { imported: 0, alreadyCached: 0, rejected: [], identities: {} };
  fs.mkdirSync(cacheDirectory, { recursive: true });
  for (const key of storedRunKeys(storeDirectory)) {
    const stored = readStoredRun(storeDirectory, key);
    if (stored.status === 'bad') {
      summary.rejected.push({ file: stored.file, problem: stored.problem });
      continue;
    }
    const identity = `code ${stored.entry.identity.codeVersion} · ${stored.entry.identity.engine}`;
    summary.identities[identity] = (summary.identities[identity] ?? 0) + 1;
    const target = cacheFile(cacheDirectory, key);
    if (fs.existsSync(target)) {
      summary.alreadyCached++;
      continue;
    }
    const temporary = `${target}.${process.pid}.tmp`;
    try {
      fs.writeFileSync(temporary, JSON.stringify(stored.entry));
      fs.renameSync(temporary, target);
    } finally {
      fs.rmSync(temporary, { force: true });
    }
    summary.imported++;
  }
  return summary;
}

/** Fields of a result that record how long it took and on what machine, not what it computed. */
const TIMING_FIELDS = new Set(['durationSeconds', 'samplesPerSecond', 'seconds', 'versions']);

/** A result without its timings and machine facts: the numbers a recomputation must reproduce. */
export function resultNumbers(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(resultNumbers);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).filter(([key]) => !TIMING_FIELDS.has(key)).map(([key, inner]) => [key, resultNumbers(inner)]));
  }
  return value;
}

/**
 * The first place where two results' numbers differ ("history[3].testMse: 0.0412 vs 0.0413"), or
 * null when every number is identical, bit for bit.
 */
export function runNumbersDifference(published: unknown, recomputed: unknown, where = 'result'): string | null {
  const left = resultNumbers(published);
  const right = resultNumbers(recomputed);
  if (canonicalJson(left) === canonicalJson(right)) return null;
  if (Array.isArray(left) && Array.isArray(right)) {
    if (left.length !== right.length) return `${where}: ${left.length} vs ${right.length} items`;
    for (let index = 0; index < left.length; index++) {
      const inner = runNumbersDifference(left[index], right[index], `${where}[${index}]`);
      if (inner) return inner;
    }
  }
  if (left && right && typeof left === 'object' && typeof right === 'object' && !Array.isArray(left) && !Array.isArray(right)) {
    for (const key of [...new Set([...Object.keys(left), ...Object.keys(right)])].sort()) {
      const inner = runNumbersDifference((left as Record<string, unknown>)[key], (right as Record<string, unknown>)[key], `${where}.${key}`);
      if (inner) return inner;
    }
  }
  return `${where}: ${JSON.stringify(left)} vs ${JSON.stringify(right)}`;
}
