/**
 * The committed report: built with the full profile at the thread's scale, light (the pages and
 * results.json within 12 MB, the published runs within 40 MB, one shared copy of plotly, loaded
 * only by pages that draw with it), every run of results.json published and verifiable, and its
 * pages show exactly the numbers of reports/results.json (formatted as the notebooks format them),
 * so no page was edited by hand or left over from another build. RELU_AE_COMMITTED_REPORTS points
 * the checks at another folder (a build about to be published).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { cacheEntryProblem } from '../../src/lib/experiment/cache';
import { join } from 'node:path';
import { findProjectRoot } from '../../src/lib/paths';

const REPORTS = process.env.RELU_AE_COMMITTED_REPORTS ?? join(findProjectRoot(__dirname), 'reports');
const results = JSON.parse(readFileSync(join(REPORTS, 'results.json'), 'utf8'));
/** The budget of the pages and results.json, and of the published runs beside them. */
const MAX_REPORT_BYTES = 12_000_000;
const MAX_RUNS_BYTES = 40_000_000;

interface Comparison {
  name: string;
  primary: boolean;
  result: { meanDifference: number; interval: [number, number]; relativeDifference: number; verdict: string; candidate: { mean: number }; baseline: { mean: number } };
}

const format = (value: number): string => (Number.isFinite(value) ? value.toPrecision(3) : String(value));
const escape = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

function folderBytes(folder: string): number {
  return readdirSync(folder, { withFileTypes: true }).reduce((total, entry) => {
    const path = join(folder, entry.name);
    return total + (entry.isDirectory() ? folderBytes(path) : statSync(path).size);
  }, 0);
}

test('the committed report was built with the full profile at the thread\'s scale and records every claim and run', () => {
  assert.equal(results.build.profile, 'full');
  assert.deepEqual(results.claims.map((claim: { id: string }) => claim.id), ['C1', 'C2', 'C3', 'C4', 'C5', 'R1', 'R2']);
  for (const claim of results.claims) {
    assert.equal(claim.seeds.length, 10, claim.id);
    assert.deepEqual(claim.data, { source: 'mnist', trainSize: 60000, testSize: 10000 }, `${claim.id} measured on the whole MNIST`);
    assert.deepEqual(claim.atOtherScale.data, { source: 'embedded', trainSize: 8000, testSize: 2000 }, `${claim.id} also at the 8,000 embedded digits`);
  }
  const keys = new Set(results.runs.map((run: { key: string }) => run.key));
  for (const claim of results.claims) for (const key of [...claim.runKeys, ...claim.atOtherScale.runKeys]) assert.ok(keys.has(key), `${claim.id} run ${key}`);
  const robustnessKeys = new Set(results.robustnessRunKeys);
  for (const run of results.runs) {
    const epochs = run.history.testMse.length;
    // A claim's run carries its whole config; a robustness run's compact record carries its settings.
    const robustness = !run.config;
    if (robustness) assert.ok(robustnessKeys.has(run.key), `robustness run ${run.key}`);
    const plannedEpochs = robustness ? run.parameters.epochs : run.config.training.epochs;
    assert.ok(epochs === plannedEpochs || run.diverged !== null || run.config?.kind === 'stackedDenoising', `${run.label ?? run.parameters.arm} seed ${run.seed}: ${epochs} epochs`);
    if (run.diverged === null && (robustness || run.config.kind === 'autoencoder')) assert.equal(Number(run.testMse.toPrecision(6)), run.history.testMse[epochs - 1]);
  }
  assert.equal(results.margin, 0.02);
  assert.deepEqual(results.answer.map((row: { layer: string }) => row.layer), ['hidden layers', 'bottleneck', 'output']);
});

test('every run of results.json is published in runs/ and verifies as a cache entry; nothing else is there', () => {
  const stored = readdirSync(join(REPORTS, 'runs')).sort();
  assert.deepEqual(stored, results.runs.map((run: { key: string }) => `${run.key}.json.gz`).sort());
  for (const name of stored) {
    const key = name.replace('.json.gz', '');
    const entry = JSON.parse(gunzipSync(readFileSync(join(REPORTS, 'runs', name))).toString('utf8'));
    assert.equal(cacheEntryProblem(entry, key), null, name);
  }
});

test('the report is light: pages within 12 MB, runs within 40 MB, one shared plotly, loaded only where a chart needs it', () => {
  const runsBytes = folderBytes(join(REPORTS, 'runs'));
  const bytes = folderBytes(REPORTS) - runsBytes;
  assert.ok(bytes <= MAX_REPORT_BYTES, `${(bytes / 1e6).toFixed(2)} MB`);
  assert.ok(runsBytes <= MAX_RUNS_BYTES, `runs: ${(runsBytes / 1e6).toFixed(2)} MB`);
  assert.deepEqual(readdirSync(join(REPORTS, 'assets')), ['plotly-cartesian.min.js']);
  for (const page of readdirSync(REPORTS).filter((name) => name.endsWith('.html'))) {
    const html = readFileSync(join(REPORTS, page), 'utf8');
    assert.ok(!html.includes('relu-ae-plotly-library'), `${page} embeds no plotly library`);
    const charts = html.includes('class="plotly-plot"');
    const loaders = html.match(/script\.src = 'assets\/plotly-cartesian\.min\.js'/g)?.length ?? 0;
    assert.equal(loaders, charts ? 1 : 0, `${page}: ${loaders} loaders for ${charts ? 'a page with' : 'a page without'} charts`);
    assert.ok(!/href="[\w.-]+\.ipynb"/.test(html), `${page} links to notebooks, not pages`);
  }
});

test('the index shows each claim with the verdict and every primary effect of results.json, labelled', () => {
  const index = readFileSync(join(REPORTS, 'index.html'), 'utf8');
  const table = index.indexOf('class="claims-table');
  for (const claim of results.claims) {
    const start = index.indexOf(`href="${claim.notebook}.html"`, table);
    assert.ok(start >= 0, `${claim.id} linked`);
    const rowHtml = index.slice(start, index.indexOf('</tr>', start));
    assert.ok(rowHtml.includes(`<b>${claim.verdict}</b>`), `${claim.id} verdict ${claim.verdict}`);
    for (const comparison of claim.comparisons.filter((entry: Comparison) => entry.primary) as Comparison[]) {
      const effect = `${format(comparison.result.meanDifference)} [${format(comparison.result.interval[0])}, ${format(comparison.result.interval[1])}]`;
      assert.ok(rowHtml.includes(`<i>${escape(comparison.name)}</i>: ${effect}`), `${claim.id} ${comparison.name}: ${effect}`);
    }
  }
  assert.ok(index.includes('Every primary comparison: mean paired difference and 95% interval'), 'the forest plot');
  // The title question's three rows come first, their sentences as results.json holds them.
  const answerAt = index.indexOf('class="answer-table');
  assert.ok(answerAt >= 0 && answerAt < index.indexOf('class="claims-table'), 'the answer before the claims table');
  for (const row of results.answer) assert.ok(index.includes(escape(row.sentence)), `${row.layer}: ${row.sentence.slice(0, 80)}`);
});

test('each claim page opens with its verdict box and shows the means and per-seed values of results.json', () => {
  for (const claim of results.claims) {
    const page = readFileSync(join(REPORTS, `${claim.notebook}.html`), 'utf8');
    const box = page.indexOf('class="verdict"');
    assert.ok(box >= 0 && box < page.indexOf('>Method<'), `${claim.id}: the verdict box comes before the method`);
    assert.ok(page.includes(`Verdict: ${claim.verdict}`), `${claim.id} page verdict`);
    for (const comparison of claim.comparisons as Comparison[]) {
      assert.ok(page.includes(format(comparison.result.candidate.mean)), `${claim.id} candidate mean`);
      assert.ok(page.includes(format(comparison.result.baseline.mean)), `${claim.id} baseline mean`);
    }
    assert.ok(page.includes('The numbers behind the verdict'), `${claim.id} per-seed table`);
  }
});

/** A number as the page's tables print it (display/html.ts formatNumber, four significant digits). */
const tableNumber = (value: number): string => (Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(4))));

test('the robustness page shows exactly the map of results.json, with its Holm-adjusted verdicts, at both scales', () => {
  const plan = results.robustnessPlan;
  assert.deepEqual(plan.initializers, ['glorotUniform', 'heNormal', 'pytorchDefault']);
  assert.deepEqual(plan.dataSets.map((data: { id: string; trainSize: number; epochs: number }) => [data.id, data.trainSize, data.epochs]),
    [['mnist8k', 8000, 50], ['fashion8k', 8000, 50], ['mnist60k', 60000, 20], ['fashion60k', 60000, 20]]);
  assert.equal(plan.seeds.length, 5);
  const page = readFileSync(join(REPORTS, '08-robustness.html'), 'utf8');
  const fullBudget = new Map<string, number>();
  for (const entry of results.robustness) fullBudget.set(entry.condition, Math.max(fullBudget.get(entry.condition) ?? 0, entry.epochs));
  const map = results.robustness.filter((entry: { condition: string; epochs: number }) => entry.epochs === fullBudget.get(entry.condition));
  assert.equal(results.robustnessConditions.length, 3 * 2 * 2 + 3 * 2);
  assert.equal(map.length, 11 * results.robustnessConditions.length);
  assert.equal(results.robustnessHolm.length, map.length);
  assert.equal(results.robustnessHolmMargins.length, map.length);
  const rows = page.slice(page.indexOf('<table class="result-table">', page.indexOf('>The verdict map<')));
  map.forEach((entry: { comparison: string; meanDifference: number; interval: [number, number]; verdict: string }, index: number) => {
    const row = `${tableNumber(entry.meanDifference)}</td><td style="text-align:right;">${tableNumber(entry.interval[0])}</td><td style="text-align:right;">${tableNumber(entry.interval[1])}</td>`;
    assert.ok(rows.includes(row), `${entry.comparison}: ${row}`);
    assert.ok(['supported', 'contradicted', 'inconclusive'].includes(results.robustnessHolm[index]));
  });
  assert.ok(page.includes('Holm-adjusted'));
  const index = readFileSync(join(REPORTS, 'index.html'), 'utf8');
  assert.equal(index.match(/<b>\d+ of 18<\/b>/g)?.length, 5, 'the index gives C1–C5 their count of conditions');
});
