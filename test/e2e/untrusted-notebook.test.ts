/**
 * A claim notebook as a user saves it after a run (executed by nbclient, which applies display
 * updates as a Jupyter frontend does), then opened by someone else: untrusted, in the classic
 * Notebook UI (Debian's jupyter-notebook) in headless Chromium. Scripts do not run there and
 * inline SVG is sanitized away, so every chart must still show as an image; and the saved file
 * must stay small (the plotly library is loaded into the page, not kept in the notebook).
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ensureKernel, findProjectRoot, jupyterPython } from '../../scripts/kernel';
import { openInClassicNotebook } from './classicNotebook';

const PROJECT_ROOT = findProjectRoot(__dirname);
const WORK = mkdtempSync(join(tmpdir(), 'relu-ae-untrusted-'));
const SAVED = join(WORK, '01-output-activation.ipynb');
/** The limit for a notebook saved after a run. */
const MAX_SAVED_BYTES = 1_500_000;

after(() => rmSync(WORK, { recursive: true, force: true }));

const executed = promisify(execFile)(
  jupyterPython(),
  ['-m', 'nbconvert', '--to', 'notebook', '--execute', '--ExecutePreprocessor.timeout=-1', '--output-dir', WORK, join(PROJECT_ROOT, 'notebooks', '01-output-activation.ipynb')],
  {
    cwd: PROJECT_ROOT,
    maxBuffer: 10_000_000,
    env: {
      ...process.env,
      JUPYTER_PATH: ensureKernel(PROJECT_ROOT),
      RELU_AE_PROFILE: 'quick',
      RELU_AE_CACHE_DIR: join(WORK, 'cache'),
      RELU_AE_REPORTS_DIR: join(WORK, 'report'),
    },
  },
);

interface SavedOutput {
  output_type: string;
  data?: Record<string, string | string[]>;
}

/** Indices (code cell, output) of the outputs that are charts or image grids. */
function chartOutputs(): { codeCellIndex: number; outputIndex: number; kind: string }[] {
  const notebook = JSON.parse(readFileSync(SAVED, 'utf8')) as { cells: { cell_type: string; outputs?: SavedOutput[] }[] };
  const found: { codeCellIndex: number; outputIndex: number; kind: string }[] = [];
  notebook.cells.filter((cell) => cell.cell_type === 'code').forEach((cell, codeCellIndex) => {
    (cell.outputs ?? []).forEach((output, outputIndex) => {
      const html = output.data?.['text/html'];
      const text = Array.isArray(html) ? html.join('') : html ?? '';
      const kind = text.includes('class="relu-ae-chart"') ? 'plotly chart' : text.includes('class="vega-lite-plot"') ? 'vega-lite chart' : text.includes('reconstruction-grid') ? 'digit grid' : null;
      if (kind) found.push({ codeCellIndex, outputIndex, kind });
    });
  });
  return found;
}

test('a notebook saved after a run stays small: no copy of the plotly library in it', { timeout: 600_000 }, async () => {
  await executed;
  const bytes = statSync(SAVED).size;
  assert.ok(bytes <= MAX_SAVED_BYTES, `${bytes} bytes`);
  const text = readFileSync(SAVED, 'utf8');
  assert.ok(!text.includes('relu-ae-plotly-library'), 'the library was replaced by its stub');
  assert.ok(text.includes('relu-ae-plotly-loaded'));
});

test('opened untrusted in the classic Notebook UI, every chart shows as an image, none as run-on text', { timeout: 600_000 }, async () => {
  await executed;
  const charts = chartOutputs();
  assert.ok(charts.filter((chart) => chart.kind === 'plotly chart').length >= 3, JSON.stringify(charts));
  assert.ok(charts.some((chart) => chart.kind === 'vega-lite chart'));
  const check = await openInClassicNotebook(SAVED, { screenshotPath: join(PROJECT_ROOT, 'test-output', 'untrusted-notebook.png') });
  assert.equal(check.trusted, false, 'the notebook opened untrusted');
  assert.deepEqual(check.externalRequests, []);
  for (const chart of charts) {
    const cell = check.cells.find((entry) => entry.codeCellIndex === chart.codeCellIndex);
    const output = cell?.outputs.find((entry) => entry.outputIndex === chart.outputIndex);
    assert.ok(output, `${chart.kind} at code cell ${chart.codeCellIndex} output ${chart.outputIndex} is on the page`);
    const shown = output.images.filter((image) => image.naturalWidth > 100 && image.naturalHeight > 50);
    assert.ok(shown.length >= 1, `${chart.kind} at code cell ${chart.codeCellIndex}: ${JSON.stringify(output.images)} ${output.kind}`);
    assert.equal(output.svgElements, 0, 'no inline SVG left to fall apart');
  }
});
