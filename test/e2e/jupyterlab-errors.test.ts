/**
 * Errors as a JupyterLab user meets them, on the project's (patched) tslab kernel in JupyterLab's
 * notebook panel: a cell that throws shows an error output with the error's name, its message and
 * the cell's own line; a wrong spec shows the spec error naming the field; a value shows as Out[n];
 * the next cell, run right after an error, runs. "Run All" still stops at the first error, as with
 * IPython: the cells after it are aborted and keep an empty prompt.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureKernel, findProjectRoot } from '../../scripts/kernel';
import { ensureBundle } from './jupyterlab/bundle';
import { notebookConsoleErrors } from './jupyterlab/checks';
import { launchLabBrowser, type LabBrowser } from './jupyterlab/lab';
import type { CellState } from './jupyterlab/pageState';
import { startLabServer, type LabServer } from './jupyterlab/server';
import { createLabWorkspace } from './jupyterlab/workspace';

const PROJECT_ROOT = findProjectRoot(__dirname);
const NOTEBOOK = 'scratch/errors.ipynb';
const CELLS = [
  'const limit: number = 1;\nfunction check(value: number) {\n  if (value > 0) throw new RangeError("value must not be positive: " + value);\n  return value;\n}\ncheck(limit);',
  'import * as lab from "../dist/lib";\nlab.resolveAutoencoderSpec({ hiddenActivation: { name: "leakyRelu", alpha: 0.3 } } as any);',
  '[1, 2].map((value) => value * 21)',
];

// No notebook of notebooks/ is wanted here (none is named 'none'): only the scratch notebook below.
const workspace = createLabWorkspace(PROJECT_ROOT, 'quick', ['none']);
let server: LabServer | undefined;
let browser: LabBrowser | undefined;

before(async () => {
  ensureKernel(PROJECT_ROOT);
  mkdirSync(join(workspace.root, 'scratch'));
  writeFileSync(join(workspace.root, NOTEBOOK), JSON.stringify({
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: 'tslab', display_name: 'TypeScript', language: 'typescript' } },
    cells: CELLS.map((source, index) => ({ cell_type: 'code', id: `cell-${index}`, metadata: {}, source, outputs: [], execution_count: null })),
  }));
  const bundle = await ensureBundle(PROJECT_ROOT);
  server = await startLabServer({ rootFolder: workspace.root, bundleFolder: bundle.folder, jupyterFolder: workspace.jupyterFolder('errors'), environment: workspace.environment });
  browser = await launchLabBrowser(server);
});

after(async () => {
  await browser?.close();
  await server?.stop();
  workspace.remove();
});

// eslint-disable-next-line no-control-regex
const plain = (lines: string[] = []) => lines.map((line) => line.replace(/\u001b\[[0-9;]*m/g, ''));

function errorOutput(cell: CellState) {
  const errors = cell.outputs.filter((output) => output.outputType === 'error');
  assert.equal(errors.length, 1, `one error output in ${JSON.stringify(cell.outputs)}`);
  return errors[0];
}

test('cells run one after another: errors show name, message and the cell\'s line; the next cell runs; a value is Out[n]', { timeout: 300_000 }, async () => {
  const notebook = await (browser as LabBrowser).open(NOTEBOOK, 'run');
  try {
    assert.deepEqual(await notebook.runCells([0, 1, 2], 120_000), [false, false, true]);
    await notebook.settle(30_000);
    const [throwing, wrongSpec, value] = await notebook.collect();

    const thrown = errorOutput(throwing);
    assert.equal(thrown.ename, 'RangeError');
    assert.equal(thrown.evalue, 'value must not be positive: 1');
    assert.deepEqual(plain(thrown.traceback), [
      'RangeError: value must not be positive: 1',
      'Cell In[1], line 3: if (value > 0) throw new RangeError("value must not be positive: " + value);',
      'Cell In[1], line 6: check(limit);',
    ]);
    assert.equal(throwing.prompt, '[1]:');
    assert.equal(throwing.stderrAreas, 1, 'JupyterLab shows the error as an error output');
    assert.match(throwing.shownText, /RangeError: value must not be positive: 1\s+Cell In\[1\], line 3: /);

    const specError = errorOutput(wrongSpec);
    assert.equal(specError.ename, 'SpecError');
    assert.equal(specError.evalue, 'hiddenActivation.alpha: unknown field; did you mean slope?');
    assert.match(plain(specError.traceback).at(-1) ?? '', /^Cell In\[2\], line 2: lab\.resolveAutoencoderSpec/);
    assert.ok(!plain(specError.traceback).some((line) => /tslab[\\/]dist|node:internal/.test(line)), 'no tslab or Node internals');
    assert.equal(wrongSpec.prompt, '[2]:', 'the cell sent right after an error ran');

    assert.deepEqual(value.outputs.map((output) => [output.outputType, output.text]), [['execute_result', '[ 21, 42 ]']]);
    assert.equal(value.prompt, '[3]:');
    assert.deepEqual(value.outputPrompts, ['[3]:'], 'the value shows as Out[3]');
    assert.deepEqual(notebookConsoleErrors(notebook.log), []);
  } finally {
    await notebook.close();
  }
});

test('"Run All" stops at the first error: the cells after it are aborted, as with IPython', { timeout: 300_000 }, async () => {
  const notebook = await (browser as LabBrowser).open(NOTEBOOK, 'run');
  try {
    assert.equal(await notebook.runAll(120_000), false);
    const [throwing, ...rest] = await notebook.collect();
    assert.equal(errorOutput(throwing).ename, 'RangeError');
    for (const cell of rest) {
      assert.equal(cell.executionCount, null, `cell ${cell.cellIndex} was aborted`);
      assert.deepEqual(cell.outputs, []);
    }
  } finally {
    await notebook.close();
  }
});
