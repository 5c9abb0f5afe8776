/**
 * The committed report as a reader opens it from disk in headless Chromium: every page loads in
 * under a second (plotly arrives after the load, the charts' static images stand in meanwhile),
 * every chart then draws, nothing but the page and its shared asset is requested, and nothing logs
 * an error.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { findProjectRoot } from '../../src/lib/paths';
import { checkReportInBrowser, screenshotReport } from './browser';

const PROJECT_ROOT = findProjectRoot(__dirname);
const REPORTS = join(PROJECT_ROOT, 'reports');
const PAGES = readdirSync(REPORTS).filter((name) => name.endsWith('.html')).sort();
/** The limit for a page's load from disk. */
const MAX_LOAD_MILLISECONDS = 1000;

for (const page of PAGES) {
  test(`${page} loads from disk in under a second and draws every chart, offline, without errors`, { timeout: 120_000 }, async () => {
    // The best of two loads: the first may pay for a cold disk cache or a busy machine.
    const first = await checkReportInBrowser(join(REPORTS, page));
    const check = first.loadMilliseconds < MAX_LOAD_MILLISECONDS ? first : await checkReportInBrowser(join(REPORTS, page));
    assert.ok(check.loadMilliseconds < MAX_LOAD_MILLISECONDS, `load took ${check.loadMilliseconds.toFixed(0)} ms`);
    assert.deepEqual(check.consoleErrors, []);
    assert.deepEqual(check.blockedRequests, []);
    assert.equal(check.plotlyPlots, check.plotlyDivs, 'every plotly chart drew');
    assert.equal(check.staticImagesShown, 0, 'and replaced its static image');
    if (page !== 'index.html') assert.ok(check.plotlyPlots + check.vegaPlots >= 2, `${check.plotlyPlots} plotly, ${check.vegaPlots} vega`);
  });
}

test('screenshots of the index and the first claim page, for a person to look at', { timeout: 120_000 }, async () => {
  for (const page of ['index.html', PAGES.find((name) => name.startsWith('01-')) as string]) {
    await screenshotReport(join(REPORTS, page), join(PROJECT_ROOT, 'test-output', 'committed', page.replace('.html', '.png')));
  }
});
