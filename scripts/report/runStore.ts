/**
 * The report build's side of the run store (src/lib/experiment/runStore.ts):
 * - before a build, the published runs (reports/runs/) are verified and imported into the cache, so
 *   that a fresh clone re-renders the evidence without training; runs of another code version or
 *   engine are said to be unusable here, with what to do;
 * - after a build, every run of its results.json is exported into its own runs/ folder;
 * - with --recompute, every run is computed from scratch in an empty cache and compared number for
 *   number with the published one; each difference is listed and written to recompute.json.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { cacheFile, codeVersionOf } from '../../src/lib/experiment/cache';
import { exportRuns, importRuns, readStoredRun, runNumbersDifference, storedRunKeys } from '../../src/lib/experiment/runStore';

/** The published runs of the committed report, relative to the project. */
export const PUBLISHED_RUNS_FOLDER = join('reports', 'runs');

/** The identity a build's runs will have: the kernels' library (dist/lib) and the engine. */
export function buildIdentity(projectRoot: string, engine: string): string {
  return `code ${codeVersionOf(join(projectRoot, 'dist', 'lib'))} · ${engine}`;
}

/** Imports a store's verified runs into the cache and says what it found; returns the lines to print. */
export function importPublishedRuns(store: string, cacheDirectory: string, identity: string): string[] {
  if (!existsSync(store)) return [`No published runs in ${store}: every run not in the cache is computed.`];
  const summary = importRuns(store, cacheDirectory);
  const total = Object.values(summary.identities).reduce((sum, count) => sum + count, 0);
  const usable = summary.identities[identity] ?? 0;
  const lines = [`Published runs in ${store}: ${total} verified (${summary.imported} imported into ${cacheDirectory}, ${summary.alreadyCached} already there); ${usable} of this build's identity (${identity}).`];
  for (const rejected of summary.rejected) lines.push(`  rejected ${rejected.file}: ${rejected.problem}`);
  const others = Object.entries(summary.identities).filter(([other]) => other !== identity);
  if (others.length > 0) {
    lines.push(
      `  ${others.map(([other, count]) => `${count} of ${other}`).join(', ')}: computed by other code or another engine, so they cannot serve this build, ` +
        'which recomputes them (hours for the full profile). To re-render the published report as it is, check out the commit that published it, where the code matches.',
    );
  }
  return lines;
}

/** The keys of every run a build's results.json records. */
export function resultRunKeys(outputFolder: string): string[] {
  const results = JSON.parse(readFileSync(join(outputFolder, 'results.json'), 'utf8')) as { runs?: { key: string }[] };
  return (results.runs ?? []).map((run) => run.key);
}

/** Exports the runs of a finished build's results.json into its runs/ folder; returns the keys the cache lacked. */
export function exportBuildRuns(outputFolder: string, cacheDirectory: string): { written: number; missing: string[] } {
  return exportRuns(cacheDirectory, resultRunKeys(outputFolder), join(outputFolder, 'runs'));
}

/** One run of a recomputation compared with its published twin. */
export interface RecomputedRun {
  key: string;
  /** 'identical', or why not: a difference of numbers, a run the store lacks, a published entry that fails verification. */
  outcome: 'identical' | 'differs' | 'not published' | 'published entry rejected';
  detail?: string;
}

/** Compares every run of a recomputed build (in its own cache) with the published store; writes recompute.json. */
export function compareWithPublished(outputFolder: string, recomputeCache: string, store: string, wallSeconds: number): { runs: RecomputedRun[]; lines: string[] } {
  const published = new Set(storedRunKeys(store));
  const runs: RecomputedRun[] = resultRunKeys(outputFolder).map((key) => {
    if (!published.has(key)) return { key, outcome: 'not published' };
    const stored = readStoredRun(store, key);
    if (stored.status === 'bad') return { key, outcome: 'published entry rejected', detail: stored.problem };
    const recomputed = JSON.parse(readFileSync(cacheFile(recomputeCache, key), 'utf8')) as { result: unknown };
    const difference = runNumbersDifference(stored.entry.result, recomputed.result);
    return difference ? { key, outcome: 'differs', detail: difference } : { key, outcome: 'identical' };
  });
  const counts = (outcome: RecomputedRun['outcome']) => runs.filter((run) => run.outcome === outcome).length;
  const file = join(outputFolder, 'recompute.json');
  writeFileSync(file, JSON.stringify({ store, wallSeconds, counts: { identical: counts('identical'), differs: counts('differs'), notPublished: counts('not published'), rejected: counts('published entry rejected') }, runs }, null, 1));
  const lines = [`Recomputed ${runs.length} runs from scratch in ${Math.round(wallSeconds)} s: ${counts('identical')} identical to the published ones, ` +
    `${counts('differs')} differ, ${counts('not published')} not published, ${counts('published entry rejected')} published entries rejected (details in ${relative(process.cwd(), file)}).`];
  for (const run of runs.filter((entry) => entry.outcome !== 'identical')) lines.push(`  ${run.key}: ${run.outcome}${run.detail ? ` — ${run.detail}` : ''}`);
  return { runs, lines };
}
