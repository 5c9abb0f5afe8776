/**
 * The report pipeline with its real parts: the tslab kernel, nbconvert, the report template and
 * headless Chromium, on the two notebooks in test/fixtures/. About 15 seconds in all.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { findProjectRoot } from '../../scripts/kernel';
import { checkReportInBrowser, screenshotReport } from './browser';

const PROJECT_ROOT = findProjectRoot(__dirname);
const REPORT_SCRIPT = join(PROJECT_ROOT, 'build', 'scripts', 'report.js');
const FIXTURES = join(PROJECT_ROOT, 'test', 'fixtures');
const OUTPUT = join(PROJECT_ROOT, 'test-output', 'e2e');

interface ScriptRun {
  exitCode: number;
  stdout: string;
  stderr: string;
}

async function runReport(...args: string[]): Promise<ScriptRun> {
  try {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      [REPORT_SCRIPT, '--notebooks', FIXTURES, '--reports', OUTPUT, ...args],
      { cwd: PROJECT_ROOT, maxBuffer: 10_000_000 },
    );
    return { exitCode: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { exitCode: failed.code ?? 1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

// One export shared by the tests below; the kernel start dominates its few seconds.
const exported = (async () => {
  rmSync(join(OUTPUT, 'display-fixture.html'), { force: true });
  return runReport('--only', 'display-fixture', '--profile', 'quick');
})();
const pagePath = join(OUTPUT, 'display-fixture.html');

test('the fixture notebook runs on tslab and its page holds the plotly plot and the vega SVG', async () => {
  const run = await exported;
  assert.equal(run.exitCode, 0, run.stderr);
  assert.match(run.stdout, /display-fixture\.ipynb -> .*display-fixture\.html in \d+\.\d s/);
  const html = readFileSync(pagePath, 'utf8');
  assert.match(html, /<div id="fixture-plotly-1-[0-9a-f]{8}" class="plotly-plot"/);
  assert.match(html, /Plotly\.newPlot/);
  assert.ok(html.includes('window.Plotly = Plotly'), 'the plotly library is embedded');
  assert.match(html, /<div class="vega-lite-plot"><svg[^>]*class="marks"/);
  assert.ok(html.includes('Validation loss by epoch (vega-lite)'));
  assert.ok(html.includes('run 3/3'), 'the progress line shows its last update');
  assert.ok(!html.includes('run 0/3'), 'earlier progress updates were replaced, not appended');
  assert.ok(html.includes('profile=quick'), 'the profile reaches the kernel');
  assert.ok(!/file:\/\/\/usr\/share/.test(html.replace(/<script\b[^>]*>[\s\S]*?<\/script>/gi, '')));
  const index = readFileSync(join(OUTPUT, 'index.html'), 'utf8');
  assert.ok(index.includes('<a href="display-fixture.html">Display fixture</a>'));
});

test('the exported page renders offline in Chromium without errors or requests', async () => {
  assert.equal((await exported).exitCode, 0);
  const check = await checkReportInBrowser(pagePath);
  assert.equal(check.plotlyDivs, 1);
  assert.equal(check.plotlyPlots, 1, 'plotly drew an SVG into its div');
  assert.equal(check.vegaPlots, 1);
  assert.deepEqual(check.consoleErrors, []);
  assert.deepEqual(check.blockedRequests, []);
  assert.equal(check.requests.length, 1, `only the page itself: ${check.requests.join(', ')}`);
  const screenshot = await screenshotReport(pagePath, join(OUTPUT, 'display-fixture.png'));
  assert.ok(existsSync(screenshot));
});

test('a failing cell fails the report and prints the cell and its real error text', async () => {
  const run = await runReport('--only', 'failing-fixture');
  assert.equal(run.exitCode, 1);
  assert.match(run.stderr, /failing-fixture\.ipynb: cell 2 failed\./);
  assert.ok(run.stderr.includes('throw new Error("boom-xyz");'), 'the cell source is printed');
  assert.match(run.stderr, /Error: boom-xyz/, 'the error text from the kernel is printed');
  assert.match(run.stderr, /failing-fixture\.ipynb FAILED after \d+\.\d s/);
  assert.ok(!existsSync(join(OUTPUT, 'failing-fixture.html')));
});

test('unknown arguments are refused with a usage message', async () => {
  const run = await runReport('--profile', 'huge');
  assert.equal(run.exitCode, 2);
  assert.match(run.stderr, /--profile must be one of quick, default, full/);
});
