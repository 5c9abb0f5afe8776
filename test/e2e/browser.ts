/**
 * Opens an exported report page in headless Chromium, as a reader would from disk, and reports
 * what rendered and what the page tried to load. Reusable for the real reports:
 *
 *   const check = await checkReportInBrowser('reports/01-output-activation.html');
 *   assert.equal(check.plotlyPlots, check.plotlyDivs); assert.deepEqual(check.blockedRequests, []);
 *
 * Every request other than the page itself, its report folder's shared assets (assets/…) and
 * data:/blob: URLs (which never leave the page) is blocked and recorded, so a report that would
 * need the network, or a file outside its folder, fails here even on a machine that has one.
 */
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** Debian's Chromium; playwright's own browser downloads cannot be fetched here. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Headless, and no background traffic: this machine's closed network refuses it, many requests at a time. */
export const CHROMIUM_ARGUMENTS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

// Browser-side code as source text: the project compiles without the DOM library, and these
// run in the page, not in Node.
const ALL_PLOTLY_PLOTS_DRAWN = `Array.from(document.querySelectorAll('.plotly-plot'))
  .every((div) => div.querySelector('svg.main-svg') !== null)`;
const SCROLL_THROUGH = `(async () => {
  for (let top = 0; top < document.body.scrollHeight; top += Math.max(200, innerHeight / 2)) {
    scrollTo(0, top);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  scrollTo(0, 0);
})()`;
const ALL_CHART_IMAGES_LOADED = `Array.from(document.querySelectorAll('.vega-lite-plot > img')).every((image) => image.complete)`;
const COUNT_PLOTS = `({
  plotlyDivs: document.querySelectorAll('.plotly-plot').length,
  plotlyPlots: Array.from(document.querySelectorAll('.plotly-plot'))
    .filter((div) => div.querySelector('svg.main-svg') !== null).length,
  vegaPlots: Array.from(document.querySelectorAll('.vega-lite-plot > img'))
    .filter((image) => image.complete && image.naturalWidth > 0).length,
  staticImagesShown: Array.from(document.querySelectorAll('img.chart-static'))
    .filter((image) => getComputedStyle(image).display !== 'none').length,
})`;

export interface ReportCheck {
  /** Plot divs written by plotlyHtml. */
  plotlyDivs: number;
  /** Of those, how many plotly drew into (they hold an SVG with class main-svg). */
  plotlyPlots: number;
  /** vega-lite charts (static SVG images inside div.vega-lite-plot) that loaded. */
  vegaPlots: number;
  /** Static stand-ins of plotly charts still shown (0 once plotly has drawn every chart). */
  staticImagesShown: number;
  /** console.error messages and uncaught page errors. */
  consoleErrors: string[];
  /** Every URL the page requested, the page itself first. */
  requests: string[];
  /** Requests that were blocked because they were not the page itself or its assets. */
  blockedRequests: string[];
  /** From navigation to the load event, as the browser measured it (Navigation Timing). */
  loadMilliseconds: number;
  /** From navigation until every plotly chart had drawn (or the wait gave up). */
  interactiveMilliseconds: number;
}

export interface BrowserOptions {
  /** How long to wait for plotly to draw every plot, in milliseconds. Default 20000. */
  timeoutMilliseconds?: number;
  /** Viewport width in CSS pixels. Default 1100. */
  viewportWidth?: number;
}

/** Runs `work` on the page opened from `htmlPath`, in a fresh Chromium profile that is removed after. */
async function withReportPage<T>(
  htmlPath: string,
  options: BrowserOptions,
  work: (page: Page, log: Omit<ReportCheck, 'plotlyDivs' | 'plotlyPlots' | 'vegaPlots' | 'staticImagesShown'>) => Promise<T>,
): Promise<T> {
  const pageUrl = pathToFileURL(resolve(htmlPath)).href;
  const assetsUrl = pathToFileURL(join(dirname(resolve(htmlPath)), 'assets')).href + '/';
  const userDataFolder = mkdtempSync(join(tmpdir(), 'relu-ae-chromium-'));
  let context: BrowserContext | undefined;
  try {
    context = await chromium.launchPersistentContext(userDataFolder, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_ARGUMENTS,
      viewport: { width: options.viewportWidth ?? 1100, height: 900 },
    });
    const log = { consoleErrors: [] as string[], requests: [] as string[], blockedRequests: [] as string[] };
    await context.route('**/*', async (route) => {
      const url = route.request().url();
      if (url === pageUrl || url.startsWith(assetsUrl) || url.startsWith('data:') || url.startsWith('blob:')) {
        await route.continue();
      } else {
        log.blockedRequests.push(url);
        await route.abort('blockedbyclient');
      }
    });
    const page = context.pages()[0] ?? (await context.newPage());
    page.on('request', (request) => log.requests.push(request.url()));
    page.on('console', (message) => {
      if (message.type() === 'error') log.consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => log.consoleErrors.push(`${error.name}: ${error.message}`));
    await page.goto(pageUrl, { waitUntil: 'load' });
    const loadMilliseconds = Number(await page.evaluate(`(() => { const entry = performance.getEntriesByType('navigation')[0]; return entry.loadEventEnd - entry.startTime; })()`));
    await page
      .waitForFunction(ALL_PLOTLY_PLOTS_DRAWN, undefined, { timeout: options.timeoutMilliseconds ?? 30_000 })
      .catch(() => undefined);
    const interactiveMilliseconds = Number(await page.evaluate('performance.now()'));
    return await work(page, { ...log, loadMilliseconds, interactiveMilliseconds });
  } finally {
    await context?.close();
    rmSync(userDataFolder, { recursive: true, force: true });
  }
}

/** Opens the page from a file:// URL and counts rendered plots, console errors and requests. */
export async function checkReportInBrowser(htmlPath: string, options: BrowserOptions = {}): Promise<ReportCheck> {
  return withReportPage(htmlPath, options, async (page, log) => {
    // Chart images load lazily: scroll through the page as a reader would, then wait for them.
    await page.evaluate(SCROLL_THROUGH);
    await page.waitForFunction(ALL_CHART_IMAGES_LOADED, undefined, { timeout: 15_000 }).catch(() => undefined);
    const counts = (await page.evaluate(COUNT_PLOTS)) as Pick<ReportCheck, 'plotlyDivs' | 'plotlyPlots' | 'vegaPlots' | 'staticImagesShown'>;
    return { ...counts, ...log };
  });
}

/** Writes a full-page PNG of the report (for a person to look at; not compared to anything). */
export async function screenshotReport(htmlPath: string, pngPath: string, options: BrowserOptions = {}): Promise<string> {
  mkdirSync(dirname(pngPath), { recursive: true });
  await withReportPage(htmlPath, options, (page) => page.screenshot({ path: pngPath, fullPage: true }));
  return pngPath;
}
