/**
 * Guards on the committed notebooks: no outputs (the report holds them), the tslab kernel, a title,
 * no training loops or loss functions written in cells (they belong in the library), and no object
 * shorthand in code cells (tslab does not rewrite `{ profile }` to its exports, so it fails at run time).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findProjectRoot } from '../../scripts/kernel';

const NOTEBOOKS = join(findProjectRoot(__dirname), 'notebooks');

interface Cell {
  cell_type: string;
  source: string[] | string;
  metadata?: { tags?: string[] };
  outputs?: unknown[];
  execution_count?: number | null;
}

const notebooks = readdirSync(NOTEBOOKS).filter((name) => name.endsWith('.ipynb')).sort();
const source = (cell: Cell): string => (Array.isArray(cell.source) ? cell.source.join('') : cell.source);

test('there is an index notebook and one per claim', () => {
  assert.ok(notebooks.includes('00-index.ipynb'));
  assert.ok(notebooks.length >= 8, notebooks.join(', '));
});

for (const name of notebooks) {
  test(`${name} is committed without outputs, on the tslab kernel, with a title`, () => {
    const notebook = JSON.parse(readFileSync(join(NOTEBOOKS, name), 'utf8'));
    assert.equal(notebook.metadata.kernelspec.name, 'tslab');
    const cells = notebook.cells as Cell[];
    for (const [index, cell] of cells.entries()) {
      if (cell.cell_type !== 'code') continue;
      assert.deepEqual(cell.outputs, [], `${name} cell ${index} has outputs`);
      assert.equal(cell.execution_count, null, `${name} cell ${index} has an execution count`);
    }
    assert.match(source(cells[0]), /^# /, `${name} starts with a title`);
  });

  test(`${name} has a parameters cell (papermill's convention) that holds the profile`, () => {
    const cells = JSON.parse(readFileSync(join(NOTEBOOKS, name), 'utf8')).cells as Cell[];
    const parameters = cells.filter((cell) => cell.metadata?.tags?.includes('parameters'));
    assert.equal(parameters.length, 1, `${name}: one cell tagged parameters`);
    assert.match(source(parameters[0]), /^let profile: string \| undefined = undefined;$/m);
    const firstCode = cells.findIndex((cell) => cell.cell_type === 'code');
    assert.equal(cells[firstCode], parameters[0], 'the parameters come before any other code');
    if (name !== '00-index.ipynb') {
      // Right after the parameters, a hidden cell opens the notebook and prints what runs.
      const setup = cells[firstCode + 1];
      assert.match(source(setup), /const book = (report\.createReportNotebook|lab\.createNotebook)\(tslab, \{[^}]*profile: profile \}\);\nbook\.showSetup\(\);/, `${name}: the setup comes right after the parameters`);
      assert.ok(setup.metadata?.tags?.includes('report-hide-input'), `${name}: the setup's code is hidden in the report`);
      assert.match(source(cells[0]), /\]\(00-index\.ipynb\)/, 'a link back to the index');
      // A claim page's verdict comes before its method: its study (visible, editable) runs right after the setup.
      const method = cells.findIndex((cell) => cell.cell_type === 'markdown' && /^## /.test(source(cell)));
      const verdict = cells.findIndex((cell) => cell.cell_type === 'code' && /book\.(runClaim\(study\)|runRobustness\(\)|runConditionMap\()/.test(source(cell)));
      assert.ok(verdict > firstCode, `${name}: a cell computes the verdict`);
      if (name !== '09-your-question.ipynb') assert.ok(verdict < method, `${name}: the verdict (cell ${verdict}) comes before the method (cell ${method})`);
    }
  });

  test(`${name} holds calls, not training loops or shorthand properties`, () => {
    const cells = (JSON.parse(readFileSync(join(NOTEBOOKS, name), 'utf8')).cells as Cell[]).filter((cell) => cell.cell_type === 'code');
    for (const cell of cells) {
      const text = source(cell);
      assert.doesNotMatch(text, /\b(for|while)\s*\([^)]*epoch/i, `${name}: a training loop in a cell`);
      assert.doesNotMatch(text, /optimizer\.minimize|tf\.losses|\.fit\(/, `${name}: training code in a cell`);
      // A shorthand property is an identifier followed by , or } inside an object literal "{ a, b }".
      assert.doesNotMatch(text, /\{\s*[A-Za-z_]\w*\s*(,\s*[A-Za-z_]\w*\s*)*\}(?!\s*from)/, `${name}: object shorthand in: ${text.slice(0, 80)}`);
    }
  });
}
