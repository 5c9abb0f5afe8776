/**
 * What a JupyterLab user must see in a notebook, as assertions over the page's report of its
 * cells (pageState.d.ts). Generic on purpose: they hold for whatever notebooks exist, so they keep
 * passing when the notebooks' content changes.
 */
import assert from 'node:assert/strict';
import type { CellState } from './pageState';
import type { PageLog } from './lab';

/**
 * Console errors of the server, not of the notebook: JupyterLab 4's services ask for the event
 * stream and the identity API, which Debian's jupyter_server 1.23 does not have (404).
 */
const SERVER_OWN_CONSOLE_ERRORS = [
  /\/api\/events\/subscribe/,
  /^Failed to load resource: the server responded with a status of 404 \(Not Found\)$/,
];

export function notebookConsoleErrors(log: PageLog): string[] {
  return log.consoleErrors.filter((message) => !SERVER_OWN_CONSOLE_ERRORS.some((pattern) => pattern.test(message)));
}

function where(name: string, cell: CellState): string {
  return `${name} cell ${cell.cellIndex} (${cell.firstLine.slice(0, 60)})`;
}

/** A notebook after "Run All": every cell ran and shows its count, nothing failed, every chart and table is drawn. */
export function assertRanCleanly(name: string, cells: CellState[], log: PageLog): void {
  assert.ok(cells.length > 0, `${name} has code cells`);
  for (const cell of cells) {
    const label = where(name, cell);
    if (cell.firstLine === '' && cell.outputs.length === 0) continue;
    assert.equal(typeof cell.executionCount, 'number', `${label} ran`);
    assert.equal(cell.prompt, `[${cell.executionCount}]:`, `${label} shows its execution count`);
    const errors = cell.outputs.filter((output) => output.outputType === 'error');
    assert.deepEqual(errors.map((output) => `${output.ename}: ${output.evalue}`), [], `${label} has no error output`);
    const stderr = cell.outputs.filter((output) => output.outputType === 'stream' && output.streamName === 'stderr');
    assert.deepEqual(stderr.map((output) => output.text), [], `${label} wrote nothing to stderr`);
    assert.equal(cell.stderrAreas, 0, `${label} shows no pink stderr area`);
    for (const [index, chart] of cell.plotlyCharts.entries()) {
      assert.ok(chart.drawn, `${label}: plotly chart ${index + 1} is drawn`);
      assert.ok(!chart.staticShown, `${label}: plotly chart ${index + 1} hides its static image once drawn`);
    }
    for (const [index, image] of cell.vegaImages.entries()) {
      assert.ok(image.loaded && image.visible, `${label}: vega-lite chart ${index + 1} is visible (${JSON.stringify(image)})`);
    }
    assert.ok(cell.tables >= cell.outputs.filter((output) => output.hasTable).length, `${label}: every table output is rendered as a table`);
    assert.equal(cell.verdicts, cell.outputs.filter((output) => output.hasVerdict).length, `${label}: every verdict box is rendered`);
    // A live progress line is one display updated in place: one output per experiment, not one per update.
    assert.ok(cell.counters.progressAdded <= 3, `${label}: ${cell.counters.progressAdded} progress outputs appended`);
    assert.ok(cell.outputs.length <= 25, `${label}: ${cell.outputs.length} outputs`);
  }
  assert.deepEqual(notebookConsoleErrors(log), [], `${name}: console errors`);
  assert.deepEqual(log.externalRequests, [], `${name}: requests beyond the server`);
}

/** A reopened notebook: every chart shows as its static image, or (trusted) as a drawn plotly chart. */
export function assertChartsShownAs(name: string, cells: CellState[], shownAs: 'static' | 'interactive'): number {
  let charts = 0;
  for (const cell of cells) {
    const label = where(name, cell);
    for (const [index, chart] of cell.plotlyCharts.entries()) {
      charts += 1;
      if (shownAs === 'static') {
        assert.ok(chart.staticShown && !chart.drawn, `${label}: chart ${index + 1} shows its static image (${JSON.stringify(chart)})`);
      } else {
        assert.ok(chart.drawn && !chart.staticShown, `${label}: chart ${index + 1} is interactive again (${JSON.stringify(chart)})`);
      }
    }
    for (const [index, image] of cell.vegaImages.entries()) {
      assert.ok(image.loaded && image.visible, `${label}: vega-lite chart ${index + 1} is visible`);
    }
    assert.equal(cell.outputs.filter((output) => output.outputType === 'error').length, 0, `${label}: no error output`);
  }
  return charts;
}
