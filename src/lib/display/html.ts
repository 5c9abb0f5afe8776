/**
 * HTML pieces for notebooks and report pages: escaping, tables, the live progress line. Every
 * function returns a string and touches no kernel API, so a notebook decides where the string goes
 * and tests check it as plain data.
 */
import { formatDuration } from '../experiment/progress';
import { hashString32 } from '../random';

export { formatDuration } from '../experiment/progress';

/** Escapes text for use in HTML element content and in double-quoted attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** JSON that is safe inside a <script>: `<` is escaped so no string can close the element. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value ?? null)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** A short id that depends only on the content (8 hex digits of its 32-bit FNV-1a hash). */
export function contentHash(text: string): string {
  return hashString32(text).toString(16).padStart(8, '0');
}

/** A number for a table or progress line: fixed decimals if asked, else 4 significant digits. */
export function formatNumber(value: number, digits?: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (digits !== undefined) return value.toFixed(digits);
  if (Number.isInteger(value)) return String(value);
  return String(Number(value.toPrecision(4)));
}

/** One line of live training progress. */
export interface ProgressView {
  /** Runs finished so far (0 at the start). */
  runsDone: number;
  /** Runs in the whole experiment. */
  runsTotal: number;
  /** What is running now, e.g. "relu/latent 32 seed 1 · epoch 3/20"; empty when nothing runs. */
  currentLabel: string;
  /** Estimated seconds until all runs are done, when an estimate exists. */
  etaSeconds?: number;
}

/**
 * One progress line with a bar for the share of finished runs. Show it with
 * `const line = tslab.newDisplay()` and update it with `line.html(progressHtml(view))`, so the cell
 * shows one line that changes, not a log.
 */
export function progressHtml(progress: ProgressView): string {
  const fraction = progress.runsTotal > 0 ? Math.min(progress.runsDone / progress.runsTotal, 1) : 1;
  const percent = (fraction * 100).toFixed(1);
  const parts = [`run ${progress.runsDone}/${progress.runsTotal}`];
  if (progress.currentLabel) parts.push(escapeHtml(progress.currentLabel));
  if (progress.etaSeconds !== undefined) parts.push(`eta ${formatDuration(progress.etaSeconds)}`);
  return (
    `<div class="training-progress" style="font-family:monospace;font-size:12px;display:flex;align-items:center;gap:8px;">` +
    `<div style="width:200px;height:10px;background:#e6e6e6;border-radius:2px;overflow:hidden;">` +
    `<div style="width:${percent}%;height:100%;background:#4c78a8;"></div></div>` +
    `<span>${parts.join(' · ')}</span></div>`
  );
}

export interface TableColumn {
  /** Property of each row to show. */
  key: string;
  /** Header text. Default: the key. */
  label?: string;
  /** Fixed decimals for numbers. Default: four significant digits (integers stay whole). */
  digits?: number;
}

/** What a missing value (null: does not apply, or was not measured) looks like in a table. */
const NOT_APPLICABLE = '<span title="not applicable or not measured" style="color:#999">–</span>';

function cellText(value: unknown, column: TableColumn): string {
  if (value === undefined || value === null || (typeof value === 'number' && Number.isNaN(value))) return NOT_APPLICABLE;
  if (typeof value === 'number') return formatNumber(value, column.digits);
  return escapeHtml(String(value));
}

/**
 * A plain HTML table: numbers formatted and right-aligned, everything else escaped text, missing
 * values as a dash (never as a zero). Columns are keys, or objects with a label and fixed decimals.
 */
export function tableHtml(
  rows: ReadonlyArray<Readonly<Record<string, unknown>>>,
  columns: ReadonlyArray<string | TableColumn>,
): string {
  const resolved = columns.map((column) => (typeof column === 'string' ? { key: column } : column));
  const header = resolved
    .map((column) => `<th style="text-align:left;">${escapeHtml(column.label ?? column.key)}</th>`)
    .join('');
  const body = rows
    .map((row) => {
      const cells = resolved.map((column) => {
        const value = row[column.key];
        // Explicit both ways: JupyterLab's stylesheet right-aligns every table cell.
        const align = typeof value === 'number' ? ' style="text-align:right;"' : ' style="text-align:left;"';
        return `<td${align}>${cellText(value, column)}</td>`;
      });
      return `<tr>${cells.join('')}</tr>`;
    })
    .join('\n');
  return `<table class="result-table">\n<thead><tr>${header}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table>`;
}
