/**
 * Drives the JupyterLab test page in headless Chromium:
 *
 *   const browser = await launchLabBrowser(server);
 *   const notebook = await browser.open('notebooks/01-output-activation.ipynb', 'run');
 *   await notebook.runAll(); await notebook.settle(); const cells = await notebook.collect();
 *   await notebook.save(); await notebook.close(); await browser.close();
 *
 * Requests to anything but the server are blocked and recorded; console errors and requests for
 * files under /files/ (where a reopened notebook's charts load plotly from) are recorded per page.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM_ARGUMENTS, CHROMIUM_PATH } from '../browser';
import type { CellState } from './pageState';
import type { LabServer } from './server';

export interface PageLog {
  consoleErrors: string[];
  /** Requests to anything but the Jupyter server; all were blocked. */
  externalRequests: string[];
  /** Paths requested under the server's /files/ (without the query). */
  fileRequests: string[];
}

export interface LabNotebook {
  page: Page;
  log: PageLog;
  /** Runs all cells as JupyterLab's "Run All" does; true when every cell ran without error. */
  runAll(timeoutMilliseconds: number): Promise<boolean>;
  /** Runs the given cells one after another, each as soon as the previous one replied. */
  runCells(indices: number[], timeoutMilliseconds: number): Promise<boolean[]>;
  /**
   * Waits until every cell is rendered, scrolls through the notebook (as a reader would), then waits
   * until every image has decoded and every chart is drawn or (unless `drawn`) shows its image.
   */
  settle(timeoutMilliseconds: number, charts?: 'drawn' | 'drawn-or-static'): Promise<void>;
  collect(): Promise<CellState[]>;
  trusted(): Promise<boolean>;
  save(): Promise<void>;
  /** A PNG of the whole notebook (the page is made as tall as the notebook first). */
  screenshot(pngPath: string): Promise<void>;
  /** Shuts its kernel down (run mode) and closes the page. */
  close(): Promise<void>;
}

export interface LabBrowser {
  open(notebookPath: string, mode: 'run' | 'view'): Promise<LabNotebook>;
  close(): Promise<void>;
}

const VIEWPORT = { width: 1200, height: 900 };
const PAGE_READY = `window.reluAeLab !== undefined || document.body.hasAttribute('data-harness-error')`;
/** Every chart drawn (or, unless drawnOnly, shown as an image), every image decoded: nothing left half-done. */
const SETTLED = `((drawnOnly) => {
  const charts = Array.from(document.querySelectorAll('.relu-ae-chart'));
  const chartsDone = charts.every((chart) => {
    const svg = chart.querySelector('.plotly-plot svg.main-svg');
    const image = chart.querySelector('img.chart-static');
    return svg !== null || (!drawnOnly && image !== null && image.complete);
  });
  const images = Array.from(document.querySelectorAll('.jp-OutputArea-output img'));
  // A hidden lazy image (a drawn chart's stand-in) never loads, and need not.
  return chartsDone && images.every((image) => image.complete || image.offsetParent === null);
})`;

/**
 * Scrolls the notebook from top to bottom a screen at a time, as a reader would: images marked
 * loading="lazy" (trusted outputs keep the attribute) load only once near the viewport.
 */
async function scrollThroughNotebook(page: Page): Promise<void> {
  const scroller = `document.querySelector('.jp-WindowedPanel-outer')`;
  const [height, screen] = (await page.evaluate(`[${scroller}.scrollHeight, ${scroller}.clientHeight]`)) as [number, number];
  for (let top = 0; top < height + screen; top += Math.max(200, Math.floor(screen * 0.8))) {
    await page.evaluate(`${scroller}.scrollTo(0, ${top})`);
    await page.evaluate(`new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(() => done(true))))`);
  }
}

export async function launchLabBrowser(server: LabServer): Promise<LabBrowser> {
  const profileFolder = mkdtempSync(join(tmpdir(), 'relu-ae-lab-chromium-'));
  const home = join(profileFolder, 'home');
  const context: BrowserContext = await chromium.launchPersistentContext(join(profileFolder, 'profile'), {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGUMENTS,
    viewport: VIEWPORT,
    // Chromium writes crash-report settings and a dconf cache under ~ whatever its profile folder.
    env: { ...process.env, HOME: home, XDG_CONFIG_HOME: join(home, '.config'), XDG_CACHE_HOME: join(home, '.cache') },
  });
  const logs = new WeakMap<Page, PageLog>();
  await context.route('**/*', async (route) => {
    const url = route.request().url();
    const log = logs.get(route.request().frame().page());
    if (url.startsWith(`${server.origin}/`) || url.startsWith('data:') || url.startsWith('blob:')) {
      const path = new URL(url).pathname;
      if (path.startsWith('/files/')) log?.fileRequests.push(decodeURIComponent(path.slice('/files/'.length)));
      await route.continue();
    } else {
      log?.externalRequests.push(url);
      await route.abort('blockedbyclient');
    }
  });

  async function open(notebookPath: string, mode: 'run' | 'view'): Promise<LabNotebook> {
    const page = await context.newPage();
    const log: PageLog = { consoleErrors: [], externalRequests: [], fileRequests: [] };
    logs.set(page, log);
    page.on('console', (message) => {
      if (message.type() === 'error') log.consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => log.consoleErrors.push(`${error.name}: ${error.message}`));
    const encodedPath = notebookPath.split('/').map(encodeURIComponent).join('/');
    await page.goto(`${server.origin}/relu-ae-lab/notebooks/${encodedPath}?mode=${mode}&token=${server.token}`, { waitUntil: 'load', timeout: 60_000 });
    await page.waitForFunction(PAGE_READY, undefined, { timeout: 60_000 });
    const failure = await page.evaluate(`document.body.getAttribute('data-harness-error')`);
    if (failure) throw new Error(`the JupyterLab page failed: ${String(failure)}`);
    // Starting the kernel includes tslab's TypeScript compiler warming up: allow for a loaded machine.
    await page.evaluate('window.reluAeLab.ready', undefined);

    const withTimeout = async <T>(work: Promise<T>, milliseconds: number, what: string): Promise<T> => {
      let timer: NodeJS.Timeout | undefined;
      const limit = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what} took longer than ${milliseconds} ms\nserver log:\n${server.log().slice(-3000)}`)), milliseconds);
      });
      try {
        return await Promise.race([work, limit]);
      } finally {
        clearTimeout(timer);
      }
    };
    const waitForIdle = () => page.waitForFunction(`window.reluAeLab.kernelStatus() === 'idle'`, undefined, { timeout: 60_000, polling: 200 });

    return {
      page,
      log,
      async runAll(timeoutMilliseconds) {
        const ran = await withTimeout(page.evaluate('window.reluAeLab.runAll()') as Promise<boolean>, timeoutMilliseconds, `running ${notebookPath}`);
        await waitForIdle();
        return ran;
      },
      async runCells(indices, timeoutMilliseconds) {
        const ran = await withTimeout(page.evaluate(`window.reluAeLab.runCells(${JSON.stringify(indices)})`) as Promise<boolean[]>, timeoutMilliseconds, `running cells of ${notebookPath}`);
        await waitForIdle();
        return ran;
      },
      async settle(timeoutMilliseconds, charts = 'drawn-or-static') {
        await page.waitForFunction('window.reluAeLab.rendered()', undefined, { timeout: timeoutMilliseconds, polling: 250 });
        await scrollThroughNotebook(page);
        // A chart that never draws is reported by the checks, with what it shows instead.
        await page.waitForFunction(`${SETTLED}(${charts === 'drawn'})`, undefined, { timeout: timeoutMilliseconds, polling: 250 }).catch(() => undefined);
      },
      collect: () => page.evaluate('window.reluAeLab.collect()') as Promise<CellState[]>,
      trusted: () => page.evaluate('window.reluAeLab.trusted()') as Promise<boolean>,
      save: () => page.evaluate('window.reluAeLab.save()') as Promise<void>,
      async screenshot(pngPath) {
        mkdirSync(dirname(resolve(pngPath)), { recursive: true });
        const height = Number(await page.evaluate(`document.querySelector('.jp-WindowedPanel-outer').scrollHeight`));
        await page.setViewportSize({ width: VIEWPORT.width, height: Math.min(Math.max(VIEWPORT.height, height + 60), 30_000) });
        await page.evaluate(`document.querySelector('.jp-WindowedPanel-outer').scrollTo(0, 0)`);
        await page.evaluate(`new Promise((done) => setTimeout(done, 1000))`);
        await page.screenshot({ path: pngPath, fullPage: true });
        await page.setViewportSize(VIEWPORT);
      },
      async close() {
        if (mode === 'run') await page.evaluate('window.reluAeLab.shutdown()').catch(() => undefined);
        await page.close();
      },
    };
  }

  return {
    open,
    async close() {
      await context.close();
      rmSync(profileFolder, { recursive: true, force: true });
    },
  };
}
