/**
 * Every notebook of notebooks/ as a JupyterLab user meets it: opened in JupyterLab's own notebook
 * panel (test/e2e/jupyterlab/: @jupyterlab/* components on Debian's jupyter_server) with the
 * project's tslab kernel, run with "Run All" under the quick profile, then saved and reopened
 * twice by another reader: untrusted (every chart is its static image, no script runs) and
 * trusted, signed with nbformat's notary (the charts are interactive again, plotly fetched from the
 * server). Runs compute into a temporary cache and write their records into a temporary folder.
 * Screenshots of a claim notebook and of the robustness notebook, run and reopened untrusted, go to
 * test-output/jupyterlab/.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ensureKernel, findProjectRoot } from '../../scripts/kernel';
import { ensureBundle } from './jupyterlab/bundle';
import { assertChartsShownAs, assertRanCleanly, notebookConsoleErrors } from './jupyterlab/checks';
import { launchLabBrowser, type LabBrowser } from './jupyterlab/lab';
import { LAB_PYTHON, startLabServer, type LabServer } from './jupyterlab/server';
import { createLabWorkspace } from './jupyterlab/workspace';

const PROJECT_ROOT = findProjectRoot(__dirname);
const SCREENSHOTS = join(PROJECT_ROOT, 'test-output', 'jupyterlab');
/** Notebooks photographed: a claim notebook and the robustness map. */
const PHOTOGRAPHED = ['01-output-activation', '08-robustness'];
/** Where the plotly bundle lies under the server's root, as a reopened chart fetches it. */
const PLOTLY_FILE = 'node_modules/plotly.js-cartesian-dist-min/plotly-cartesian.min.js';
/** Per notebook: the quick profile's runs take seconds to a minute; the machine may be loaded. */
const RUN_TIMEOUT = 15 * 60_000;

// RELU_AE_LAB_NOTEBOOKS=01-output-activation runs only the notebooks named (comma-separated).
const workspace = createLabWorkspace(PROJECT_ROOT, 'quick', (process.env.RELU_AE_LAB_NOTEBOOKS ?? '').split(',').filter(Boolean));
const timings: Record<string, number> = {};
let server: LabServer | undefined;
let browser: LabBrowser | undefined;
let bundleFolder = '';
const ran: string[] = [];

const baseName = (path: string) => path.replace(/^.*\//, '').replace(/\.ipynb$/, '');

before(async () => {
  ensureKernel(PROJECT_ROOT);
  const bundle = await ensureBundle(PROJECT_ROOT);
  bundleFolder = bundle.folder;
  timings[bundle.built ? 'bundle built' : 'bundle from cache'] = bundle.milliseconds;
});

after(async () => {
  await browser?.close();
  await server?.stop();
  workspace.remove();
  console.log(`JupyterLab harness timings (ms): ${JSON.stringify(timings)}`);
});

async function startReader(name: string): Promise<void> {
  await browser?.close();
  await server?.stop();
  server = await startLabServer({ rootFolder: workspace.root, bundleFolder, jupyterFolder: workspace.jupyterFolder(name), environment: workspace.environment });
  browser = await launchLabBrowser(server);
}

test('the page is JupyterLab 4.6\'s notebook panel on the project\'s tslab kernel', { timeout: 300_000 }, async () => {
  const started = Date.now();
  await startReader('author');
  timings['server and browser start'] = Date.now() - started;
  const notebook = await (browser as LabBrowser).open(workspace.notebooks[0], 'run');
  try {
    const kernel = await notebook.page.evaluate(`fetch('/api/sessions', { headers: { Authorization: 'token ${server?.token}' } }).then((response) => response.json())`) as { kernel: { name: string } }[];
    assert.deepEqual(kernel.map((session) => session.kernel.name), ['tslab']);
    assert.ok(await notebook.page.$('.jp-NotebookPanel .jp-Notebook'), 'JupyterLab\'s notebook widget is on the page');
  } finally {
    await notebook.close();
  }
});

for (const notebookPath of workspace.notebooks) {
  const name = baseName(notebookPath);
  test(`${name}: "Run All" in JupyterLab runs every cell and shows every chart, table and verdict`, { timeout: RUN_TIMEOUT + 120_000 }, async () => {
    assert.ok(browser, 'the JupyterLab page started');
    const started = Date.now();
    const notebook = await browser.open(notebookPath, 'run');
    try {
      assert.equal(await notebook.runAll(RUN_TIMEOUT), true, `${name}: every cell ran without error`);
      await notebook.settle(120_000, 'drawn');
      const cells = await notebook.collect();
      if (PHOTOGRAPHED.includes(name)) await notebook.screenshot(join(SCREENSHOTS, `${name}.png`));
      assertRanCleanly(name, cells, notebook.log);
      await notebook.save();
      ran.push(notebookPath);
      timings[name] = Date.now() - started;
      for (const cell of cells) if (cell.counters.progressReplaced > 0) timings.progressUpdatesInPlace = (timings.progressUpdatesInPlace ?? 0) + cell.counters.progressReplaced;
    } finally {
      await notebook.close();
    }
  });
}

test('reopened by its author, a saved notebook is trusted: JupyterLab\'s server signed it on saving', { timeout: 300_000 }, async () => {
  assert.ok(browser && ran.length > 0);
  const notebook = await browser.open(ran[0], 'view');
  try {
    assert.equal(await notebook.trusted(), true);
    await notebook.settle(120_000, 'drawn');
    assertChartsShownAs(baseName(ran[0]), await notebook.collect(), 'interactive');
  } finally {
    await notebook.close();
  }
});

test('the progress line was updated in place while runs computed', () => {
  assert.ok((timings.progressUpdatesInPlace ?? 0) > 0, 'at least one progress line was replaced in place (runs computed into an empty cache)');
});

test('reopened by another reader, untrusted: every chart shows its static image and no script runs', { timeout: 600_000 }, async () => {
  assert.ok(ran.length > 0, 'notebooks were run and saved');
  const started = Date.now();
  await startReader('reader');
  let charts = 0;
  for (const notebookPath of ran) {
    const notebook = await (browser as LabBrowser).open(notebookPath, 'view');
    try {
      await notebook.settle(60_000);
      assert.equal(await notebook.trusted(), false, `${notebookPath} opened untrusted`);
      const cells = await notebook.collect();
      if (PHOTOGRAPHED.includes(baseName(notebookPath))) await notebook.screenshot(join(SCREENSHOTS, `${baseName(notebookPath)}-untrusted.png`));
      charts += assertChartsShownAs(baseName(notebookPath), cells, 'static');
      assert.equal(await notebook.page.evaluate('typeof window.Plotly'), 'undefined', 'plotly never loaded');
      assert.equal(await notebook.page.evaluate('typeof window.reluAeChartQueue'), 'undefined', 'no chart script ran');
      assert.deepEqual(notebook.log.fileRequests, [], 'nothing fetched from the server\'s files');
      assert.deepEqual(notebookConsoleErrors(notebook.log), []);
    } finally {
      await notebook.close();
    }
  }
  assert.ok(charts > 0, 'the notebooks have plotly charts');
  timings['reopen untrusted'] = Date.now() - started;
});

test('reopened trusted (signed with nbformat\'s notary): the charts are interactive again', { timeout: 600_000 }, async () => {
  assert.ok(server && ran.length > 0);
  const started = Date.now();
  // `jupyter trust` (Debian's jupyter has no such entry point; this is its module) with the reader's notary.
  await promisify(execFile)(LAB_PYTHON, ['-m', 'nbformat.sign', ...ran.map((path) => join(workspace.root, path))], { env: server.environment });
  for (const notebookPath of ran) {
    const notebook = await (browser as LabBrowser).open(notebookPath, 'view');
    try {
      assert.equal(await notebook.trusted(), true, `${notebookPath} opened trusted`);
      await notebook.settle(120_000, 'drawn');
      const cells = await notebook.collect();
      const charts = assertChartsShownAs(baseName(notebookPath), cells, 'interactive');
      if (charts > 0) assert.deepEqual([...new Set(notebook.log.fileRequests)], [PLOTLY_FILE], 'plotly came from the server, once');
      assert.deepEqual(notebookConsoleErrors(notebook.log), []);
    } finally {
      await notebook.close();
    }
  }
  timings['reopen trusted'] = Date.now() - started;
});
