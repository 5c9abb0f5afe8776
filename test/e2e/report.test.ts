/**
 * The report pipeline with its real parts: the tslab kernel, nbconvert, the report template, the
 * build's staging folder and headless Chromium, on the notebooks in test/fixtures/.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { findProjectRoot } from '../../scripts/kernel';
import { checkReportInBrowser, screenshotReport } from './browser';

const PROJECT_ROOT = findProjectRoot(__dirname);
const REPORT_SCRIPT = join(PROJECT_ROOT, 'build', 'scripts', 'report.js');
const FIXTURES = join(PROJECT_ROOT, 'test', 'fixtures');
const OUTPUT = join(mkdtempSync(join(tmpdir(), 'relu-ae-fixture-report-')), 'report');

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
const exported = runReport('--only', 'display-fixture', '--profile', 'quick');
const pagePath = join(OUTPUT, 'display-fixture.html');

test('the fixture notebook runs on tslab with its parameters injected, and its page holds both charts', async () => {
  const run = await exported;
  assert.equal(run.exitCode, 0, run.stderr);
  assert.match(run.stdout, /display-fixture\.ipynb -> .*display-fixture\.html in \d+\.\d s/);
  const html = readFileSync(pagePath, 'utf8');
  // The page draws the chart with plotly; its static image is for the notebook only.
  assert.match(html, /<div id="fixture-chart-1" class="relu-ae-chart"><div class="plotly-plot" style="width:100%;height:\d+px;"><\/div>/);
  assert.ok(!html.includes('<img class="chart-static"'), 'no static stand-in in the page');
  assert.match(html, /Plotly\.newPlot/);
  assert.ok(!html.includes('window.Plotly = Plotly'), 'the library is not in the page');
  assert.equal(html.match(/script\.src = 'assets\/plotly-cartesian\.min\.js'/g)?.length, 1, 'the shared library, loaded once');
  assert.ok(existsSync(join(OUTPUT, 'assets', 'plotly-cartesian.min.js')));
  assert.match(html, /<div class="vega-lite-plot"><img class="vega-lite-image" alt="Validation loss by epoch \(vega-lite\)"/);
  assert.ok(html.includes('run 3/3'), 'the progress line shows its last update');
  assert.ok(!html.includes('run 0/3'), 'earlier progress updates were replaced, not appended');
  assert.ok(html.includes('profile=quick'), 'the injected parameter reaches the notebook');
  assert.ok(!html.includes('let profile'), 'the parameters cells are left out of the page');
  assert.ok(!html.includes('book.plotly('), 'the input of a cell tagged report-hide-input is left out');
  assert.match(html, /In&nbsp;\[\d+\]:/, 'executed cells show their execution counts');
  assert.ok(html.includes('href="index.html"'), 'links to notebooks point at pages');
  assert.ok(!/file:\/\/\/usr\/share/.test(html.replace(/<script\b[^>]*>[\s\S]*?<\/script>/gi, '')));
  const index = readFileSync(join(OUTPUT, 'index.html'), 'utf8');
  assert.ok(index.includes('<a href="display-fixture.html">Display fixture</a>'));
  assert.deepEqual(readdirSync(join(OUTPUT, '..')).filter((name) => name.includes('staging') || name.endsWith('.lock')), [], 'no staging folder or lock left');
});

test('the exported page renders offline in Chromium: plotly from the shared asset, the static image hidden once drawn', async () => {
  assert.equal((await exported).exitCode, 0);
  const check = await checkReportInBrowser(pagePath);
  assert.equal(check.plotlyDivs, 1);
  assert.equal(check.plotlyPlots, 1, 'plotly drew an SVG into its div');
  assert.equal(check.staticImagesShown, 0, 'no static stand-in is shown where plotly draws');
  assert.equal(check.vegaPlots, 1);
  assert.deepEqual(check.consoleErrors, []);
  assert.deepEqual(check.blockedRequests, []);
  assert.equal(check.requests.length, 2, `the page and the shared library: ${check.requests.join(', ')}`);
  await screenshotReport(pagePath, join(PROJECT_ROOT, 'test-output', 'e2e', 'display-fixture.png'));
});

test('a failing cell fails the build, prints the cell and its real error text, and leaves the output as it was', async () => {
  await exported;
  const before = statSync(pagePath).mtimeMs;
  const run = await runReport('--only', 'failing-fixture', '--profile', 'quick');
  assert.equal(run.exitCode, 1);
  assert.match(run.stderr, /failing-fixture\.ipynb: cell 3 failed\./);
  assert.ok(run.stderr.includes('throw new Error("boom-xyz");'), 'the cell source is printed');
  assert.match(run.stderr, /Error: boom-xyz/, 'the error text from the kernel is printed');
  assert.match(run.stderr, /failing-fixture\.ipynb FAILED after \d+\.\d s/);
  assert.match(run.stderr, /is left as it was/);
  assert.ok(!existsSync(join(OUTPUT, 'failing-fixture.html')));
  assert.equal(statSync(pagePath).mtimeMs, before, 'the earlier page is untouched');
  assert.deepEqual(readdirSync(join(OUTPUT, '..')).filter((name) => name.includes('staging')), []);
});

test('unknown arguments are refused with a usage message', async () => {
  const run = await runReport('--profile', 'huge');
  assert.equal(run.exitCode, 2);
  assert.match(run.stderr, /--profile must be one of quick, default, full/);
});
