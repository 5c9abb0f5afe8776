/**
 * The committed report: built with the full profile, and its pages show exactly the numbers of
 * reports/results.json (the same formatting the notebooks use), so no page was edited by hand or
 * left over from another build.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findProjectRoot } from '../../src/lib/paths';

const REPORTS = join(findProjectRoot(__dirname), 'reports');
const results = JSON.parse(readFileSync(join(REPORTS, 'results.json'), 'utf8'));

interface Comparison {
  primary: boolean;
  result: { meanDifference: number; interval: [number, number]; verdict: string; candidate: { mean: number }; baseline: { mean: number } };
}

test('the committed report was built with the full profile and records every claim and run', () => {
  assert.equal(results.build.profile, 'full');
  assert.deepEqual(results.claims.map((claim: { id: string }) => claim.id), ['C1', 'C2', 'C3', 'C4', 'C5', 'R1', 'R2']);
  for (const claim of results.claims) assert.equal(claim.seeds.length, 5, claim.id);
  const keys = new Set(results.runs.map((run: { key: string }) => run.key));
  for (const claim of results.claims) for (const key of claim.runKeys) assert.ok(keys.has(key), `${claim.id} run ${key}`);
  for (const run of results.runs) assert.equal(run.history.length === 20 || run.diverged !== null || run.config.kind === 'stackedDenoising' || run.config.training.epochs !== 20, true);
});

test('the index shows each claim with the verdict and effect of results.json', () => {
  const index = readFileSync(join(REPORTS, 'index.html'), 'utf8');
  for (const claim of results.claims) {
    const row = index.slice(index.indexOf(`href="${claim.notebook}.html"`));
    assert.ok(row.length > 0, `${claim.id} linked`);
    const rowEnd = row.indexOf('</tr>');
    const rowHtml = row.slice(0, rowEnd);
    assert.ok(rowHtml.includes(`<b>${claim.verdict}</b>`), `${claim.id} verdict ${claim.verdict}`);
    for (const comparison of claim.comparisons.filter((entry: Comparison) => entry.primary) as Comparison[]) {
      assert.ok(rowHtml.includes(comparison.result.meanDifference.toPrecision(3)), `${claim.id} effect ${comparison.result.meanDifference.toPrecision(3)}`);
    }
  }
});

test('each claim page shows the verdict and the means of results.json', () => {
  for (const claim of results.claims) {
    const page = readFileSync(join(REPORTS, `${claim.notebook}.html`), 'utf8');
    assert.ok(page.includes(`Verdict: ${claim.verdict}`), `${claim.id} page verdict`);
    for (const comparison of claim.comparisons as Comparison[]) {
      assert.ok(page.includes(comparison.result.candidate.mean.toPrecision(3)), `${claim.id} candidate mean`);
      assert.ok(page.includes(comparison.result.baseline.mean.toPrecision(3)), `${claim.id} baseline mean`);
    }
  }
});
