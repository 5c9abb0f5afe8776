/**
 * The whole report on the `quick` profile, through the real tslab kernel, nbconvert and headless
 * Chromium: every claim notebook runs, every page draws its plots without console errors or
 * network requests, and results.json holds a verdict for every claim. Runs compute afresh into a
 * temporary cache, so this also proves the training path end to end (about a minute on 2 cores).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { findProjectRoot } from '../../scripts/kernel';
import { checkReportInBrowser, screenshotReport } from './browser';

const PROJECT_ROOT = findProjectRoot(__dirname);
const REPORTS = mkdtempSync(join(tmpdir(), 'relu-ae-quick-report-'));
const CACHE = mkdtempSync(join(tmpdir(), 'relu-ae-quick-cache-'));

const built = promisify(execFile)(process.execPath, [join(PROJECT_ROOT, 'build', 'scripts', 'report.js'), '--profile', 'quick', '--reports', REPORTS], {
  cwd: PROJECT_ROOT,
  maxBuffer: 50_000_000,
  env: { ...process.env, RELU_AE_CACHE_DIR: CACHE },
}).then(
  ({ stdout, stderr }) => ({ exitCode: 0, stdout, stderr }),
  (error: { code?: number; stdout?: string; stderr?: string }) => ({ exitCode: error.code ?? 1, stdout: error.stdout ?? '', stderr: error.stderr ?? '' }),
);

const CLAIM_PAGES = ['01-output-activation', '02-bottleneck', '03-all-sigmoid', '04-elu-leaky-relu', '05-optimizers', '06-denoising-recipe', '07-sparsity'];

test('npm run report --profile quick builds every page and the index', { timeout: 600_000 }, async () => {
  const run = await built;
  assert.equal(run.exitCode, 0, `${run.stdout}\n${run.stderr}`);
  const pages = readdirSync(REPORTS).filter((name) => name.endsWith('.html')).sort();
  assert.deepEqual(pages, [...CLAIM_PAGES.map((name) => `${name}.html`), 'index.html'].sort());
  assert.match(run.stdout, /Report built in [\d.]+ s \(profile quick\)/);
});

test('results.json has a verdict and comparisons for every claim, and runs with their config', { timeout: 600_000 }, async () => {
  await built;
  const results = JSON.parse(readFileSync(join(REPORTS, 'results.json'), 'utf8'));
  assert.deepEqual(results.claims.map((claim: { id: string }) => claim.id), ['C1', 'C2', 'C3', 'C4', 'C5', 'R1', 'R2']);
  for (const claim of results.claims) {
    assert.ok(['supported', 'contradicted', 'inconclusive'].includes(claim.verdict), `${claim.id} verdict ${claim.verdict}`);
    assert.ok(claim.comparisons.length > 0);
    for (const comparison of claim.comparisons) assert.equal(comparison.result.pairedSeeds.length + comparison.result.divergedSeeds.baseline.length + comparison.result.divergedSeeds.candidate.length >= 2, true);
  }
  assert.ok(results.runs.length >= 40, `${results.runs.length} runs`);
  for (const run of results.runs) {
    assert.ok(run.config && typeof run.seed === 'number' && 'testMse' in run && Array.isArray(run.history) && 'diverged' in run && run.backend);
    if (run.diverged === null) assert.ok(Number.isFinite(run.testMse), `${run.label} seed ${run.seed}`);
  }
  assert.equal(results.build.profile, 'quick');
});

test('every page draws its plots in Chromium with no console errors and no requests but itself', { timeout: 600_000 }, async () => {
  await built;
  for (const name of [...CLAIM_PAGES, 'index']) {
    const check = await checkReportInBrowser(join(REPORTS, `${name}.html`));
    assert.deepEqual(check.consoleErrors, [], name);
    assert.deepEqual(check.blockedRequests, [], name);
    assert.equal(check.plotlyPlots, check.plotlyDivs, `${name}: every plotly div drawn`);
    if (name !== 'index') assert.ok(check.plotlyPlots + check.vegaPlots >= 2, `${name}: ${check.plotlyPlots} plotly, ${check.vegaPlots} vega`);
  }
  const html = readFileSync(join(REPORTS, 'index.html'), 'utf8');
  for (const claim of CLAIM_PAGES) assert.ok(html.includes(`href="${claim}.html"`), `index links ${claim}`);
  await screenshotReport(join(REPORTS, 'index.html'), join(PROJECT_ROOT, 'test-output', 'quick-index.png'));
});
