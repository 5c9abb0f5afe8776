/**
 * The published runs, end to end through the real report build (tslab, nbconvert): a small build
 * (the C2 notebook and the index, quick profile) exports its runs; a build in an empty cache that
 * reuses them re-renders the same numbers without training; --recompute computes every run afresh
 * and flags a published run whose numbers were altered, and one whose entry no longer verifies.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { resultChecksum } from '../../src/lib/experiment/cache';
import { buildReport, copyNotebooks, PROJECT_ROOT } from './scratchReport';

const WORK = join(PROJECT_ROOT, 'test-output', `run-store-${process.pid}`);
after(() => rmSync(WORK, { recursive: true, force: true }));

const build = (output: string, cache: string, ...args: string[]) => buildReport(WORK, join(WORK, output), join(WORK, cache), ...args);

/** results.json without what differs between builds of the same runs (times, cache flags). */
function numbers(output: string): string {
  const results = JSON.parse(readFileSync(join(WORK, output, 'results.json'), 'utf8'));
  return JSON.stringify({
    claims: results.claims.map((claim: Record<string, unknown>) => ({ ...claim, recordedAt: null })),
    runs: results.runs.map((run: Record<string, unknown>) => ({ ...run, cached: null })),
  });
}

/** Rewrites one stored run: `edit` changes its entry; with `reseal` its checksum is made to match again. */
function tamper(store: string, key: string, edit: (result: { testMse: number }) => void, reseal: boolean): void {
  const file = join(store, `${key}.json.gz`);
  const entry = JSON.parse(gunzipSync(readFileSync(file)).toString('utf8'));
  edit(entry.result);
  if (reseal) entry.checksum = resultChecksum(entry.result);
  writeFileSync(file, gzipSync(JSON.stringify(entry)));
}

const published = (async () => {
  copyNotebooks(WORK, ['00-index.ipynb', '02-bottleneck.ipynb']);
  return build('published', 'cache-published');
})();

test('a build exports every run of its results.json into runs/', { timeout: 600_000 }, async () => {
  const first = await published;
  assert.equal(first.exitCode, 0, `${first.stdout}\n${first.stderr}`);
  const results = JSON.parse(readFileSync(join(WORK, 'published', 'results.json'), 'utf8'));
  const stored = readdirSync(join(WORK, 'published', 'runs')).sort();
  assert.deepEqual(stored, results.runs.map((run: { key: string }) => `${run.key}.json.gz`).sort());
  assert.ok(stored.length >= 4, `${stored.length} runs`);
  assert.match(first.stdout, /Exported \d+ runs into runs\//);
});

test('in an empty cache, a build that reuses the published runs trains nothing and re-renders identical numbers', { timeout: 600_000 }, async () => {
  assert.equal((await published).exitCode, 0);
  const rerender = await build('rerender', 'cache-rerender', '--reuse', join(WORK, 'published', 'runs'));
  assert.equal(rerender.exitCode, 0, `${rerender.stdout}\n${rerender.stderr}`);
  assert.match(rerender.stdout, /Published runs in .*: (\d+) verified \(\1 imported/);
  const page = readFileSync(join(WORK, 'rerender', '02-bottleneck.html'), 'utf8');
  assert.match(page, /\(0 computed, \d+ from the cache\)/, 'no run was trained');
  assert.equal(numbers('rerender'), numbers('published'));
  const box = (output: string) => (/<div class="verdict"[\s\S]*?<\/div>/.exec(readFileSync(join(WORK, output, '02-bottleneck.html'), 'utf8')) as RegExpExecArray)[0];
  assert.equal(box('rerender'), box('published'), 'the verdict box, numbers and all');
});

test('--recompute computes every run afresh and flags a published run whose numbers were altered', { timeout: 600_000 }, async () => {
  assert.equal((await published).exitCode, 0);
  const store = join(WORK, 'tampered-runs');
  cpSync(join(WORK, 'published', 'runs'), store, { recursive: true });
  const [altered, broken] = readdirSync(store).sort().map((name) => name.replace('.json.gz', ''));
  tamper(store, altered, (result) => void (result.testMse *= 1.001), true);
  tamper(store, broken, (result) => void (result.testMse *= 1.001), false);
  const recompute = await build('recomputed', 'cache-unused', '--recompute', '--reuse', store);
  assert.equal(recompute.exitCode, 1, 'a reproduction check with differences fails');
  assert.match(recompute.stdout, /Recomputing every run from scratch/);
  assert.match(recompute.stdout, new RegExp(`${altered}: differs — result\\.testMse: [\\d.e-]+ vs [\\d.e-]+`));
  assert.match(recompute.stdout, new RegExp(`${broken}: published entry rejected — its result does not match its checksum`));
  const report = JSON.parse(readFileSync(join(WORK, 'recomputed', 'recompute.json'), 'utf8'));
  assert.equal(report.counts.differs, 1);
  assert.equal(report.counts.rejected, 1);
  assert.equal(report.counts.identical, report.runs.length - 2, 'every other run is identical, bit for bit');
  assert.match(recompute.stdout, /Recomputed \d+ runs from scratch in \d+ s/);
});
