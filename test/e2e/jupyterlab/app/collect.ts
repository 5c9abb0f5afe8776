/**
 * What the harness reads from the page: per code cell, its outputs as the notebook model holds
 * them (output types, error fields, how often outputs were added or replaced in place) and as the
 * page shows them (prompt, charts drawn or standing in as images, tables, verdict boxes).
 */
import type { CodeCell } from '@jupyterlab/cells';
import type { NotebookPanel } from '@jupyterlab/notebook';
import type { CellState, OutputCounters } from '../pageState';

const PROGRESS_MARK = 'training-progress';

function htmlOf(output: { data?: Record<string, unknown> }): string {
  const html = output.data?.['text/html'];
  return Array.isArray(html) ? html.join('') : typeof html === 'string' ? html : '';
}

/** Counts appended and replaced outputs of every code cell from now on. */
export function trackOutputs(panel: NotebookPanel, counters: Map<string, OutputCounters>): void {
  for (const cell of panel.content.widgets) {
    if (cell.model.type !== 'code') continue;
    const own: OutputCounters = { added: 0, replaced: 0, progressAdded: 0, progressReplaced: 0 };
    counters.set(cell.model.id, own);
    (cell as CodeCell).model.outputs.changed.connect((_, change) => {
      const isProgress = change.newValues.some((value) => htmlOf(value.toJSON() as { data?: Record<string, unknown> }).includes(PROGRESS_MARK));
      if (change.type === 'add') {
        own.added += change.newValues.length;
        if (isProgress) own.progressAdded += 1;
      } else if (change.type === 'set') {
        own.replaced += change.newValues.length;
        if (isProgress) own.progressReplaced += 1;
      }
    });
  }
}

function visible(element: Element): boolean {
  const style = getComputedStyle(element);
  return style.display !== 'none' && style.visibility !== 'hidden';
}

function shownAlongItsAncestors(element: Element, stop: Element): boolean {
  for (let node: Element | null = element; node && node !== stop; node = node.parentElement) {
    if (!visible(node)) return false;
  }
  return true;
}

function text(value: unknown): string {
  return (Array.isArray(value) ? value.join('') : typeof value === 'string' ? value : '').slice(0, 400);
}

export function collectCells(panel: NotebookPanel, counters: Map<string, OutputCounters>): CellState[] {
  const cells: CellState[] = [];
  panel.content.widgets.forEach((widget, cellIndex) => {
    if (widget.model.type !== 'code') return;
    const cell = widget as CodeCell;
    const node = cell.node;
    const outputs = cell.model.outputs.toJSON().map((raw) => {
      const output = raw as unknown as Record<string, unknown>;
      const data = (output.data as Record<string, unknown> | undefined) ?? {};
      return {
        outputType: String(output.output_type),
        mimeTypes: Object.keys(data),
        text: text(data['text/plain'] ?? output.text ?? output.evalue),
        ename: output.ename as string | undefined,
        evalue: output.evalue as string | undefined,
        traceback: output.traceback as string[] | undefined,
        executionCount: output.execution_count as number | null | undefined,
        streamName: output.name as string | undefined,
        hasTable: htmlOf(output as { data?: Record<string, unknown> }).includes('<table'),
        hasVerdict: /class="verdict(-record)?"/.test(htmlOf(output as { data?: Record<string, unknown> })),
      };
    });
    const plotlyCharts = Array.from(node.querySelectorAll('.relu-ae-chart')).map((chart) => {
      const plot = chart.querySelector('.plotly-plot');
      const image = chart.querySelector('img.chart-static') as HTMLImageElement | null;
      return {
        drawn: plot !== null && plot.querySelector('svg.main-svg') !== null && shownAlongItsAncestors(plot, chart),
        staticShown: image !== null && image.complete && image.naturalWidth > 0 && shownAlongItsAncestors(image, chart),
      };
    });
    const vegaImages = Array.from(node.querySelectorAll('.vega-lite-plot img')).map((element) => {
      const image = element as HTMLImageElement;
      return { loaded: image.complete && image.naturalWidth > 0, visible: shownAlongItsAncestors(image, node) && image.getBoundingClientRect().width > 0 };
    });
    cells.push({
      cellIndex,
      firstLine: cell.model.sharedModel.getSource().split('\n')[0] ?? '',
      executionCount: cell.model.executionCount,
      prompt: (node.querySelector('.jp-InputPrompt')?.textContent ?? '').trim(),
      outputPrompts: Array.from(node.querySelectorAll('.jp-OutputPrompt')).map((prompt) => (prompt.textContent ?? '').trim()).filter((text) => text !== ''),
      shownText: ((node.querySelector('.jp-OutputArea') as HTMLElement | null)?.innerText ?? '').slice(0, 2000),
      outputs,
      counters: counters.get(cell.model.id) ?? { added: 0, replaced: 0, progressAdded: 0, progressReplaced: 0 },
      plotlyCharts,
      vegaImages,
      tables: node.querySelectorAll('.jp-OutputArea-output table').length,
      verdicts: node.querySelectorAll('.jp-OutputArea-output .verdict, .jp-OutputArea-output .verdict-record').length,
      stderrAreas: node.querySelectorAll('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]').length,
    });
  });
  return cells;
}
