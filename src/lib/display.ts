/**
 * The one thin layer between chart specs and notebook output.
 *
 *   plotly figure ──plotlyHtml──▶ <div> + <script> (needs plotlyLibraryHtml() once per notebook)
 *   vega-lite spec ──compile──▶ vega spec ──View.toSVG (in Node)──▶ <div><svg>…</svg></div>
 *   ProgressView ──progressHtml──▶ a small bar, meant for tslab.newDisplay() updates
 *   rows + columns ──tableHtml──▶ <table>
 *
 * Every function returns an HTML string and touches no kernel API, so the notebook decides where
 * the string goes (`tslab.display.html(...)`) and the tests can check it as plain data. The HTML
 * must survive `jupyter nbconvert --to html`, which empties image/svg+xml outputs but keeps SVG
 * and <script> inside text/html; and it must load nothing over the network, so the plotly library
 * is embedded once and vega-lite charts arrive as static SVG.
 */
import { readFileSync } from 'node:fs';

/** A plotly figure as plotly.js takes it; see https://plotly.com/javascript/reference/. */
export interface PlotlyFigure {
  data: ReadonlyArray<Record<string, unknown>>;
  layout?: Record<string, unknown>;
  config?: Record<string, unknown>;
}

export interface PlotlyHtmlOptions {
  /** The id of the plot's <div>. Default: `plotly-` and a hash of the figure. */
  divId?: string;
  /** CSS height of the plot's <div>. Default: the layout's height in px, else 420px. */
  height?: string;
}

/** A vega-lite spec (https://vega.github.io/vega-lite/docs/spec.html), kept loose on purpose. */
export type VegaLiteSpec = Record<string, unknown>;

export interface VegaLiteHtmlOptions {
  /** Prefix for the ids inside the SVG (clip paths, gradients). Default: `vega-` and a spec hash. */
  idPrefix?: string;
}

/** One line of live training progress. */
export interface ProgressView {
  /** Runs finished so far (0 at the start). */
  runsDone: number;
  /** Runs in the whole experiment. */
  runsTotal: number;
  /** Label of the run in progress, e.g. "relu/latent 32/seed 1"; empty when none runs. */
  currentLabel: string;
  /** Epoch of the current run, counted from 1; 0 before the first epoch ends. */
  epoch: number;
  /** Epochs per run, when known. */
  epochsTotal?: number;
  /** Latest training loss of the current run, when one exists. */
  loss?: number;
  /** Estimated seconds until all runs are done, when an estimate exists. */
  etaSeconds?: number;
}

export interface TableColumn {
  /** Property of each row to show. */
  key: string;
  /** Header text. Default: the key. */
  label?: string;
  /** Fixed decimals for numbers. Default: four significant digits (integers stay whole). */
  digits?: number;
}

/** Hands out plot ids that are unique within one notebook and the same on every run. */
export interface NotebookDisplay {
  plotlyLibraryHtml(): string;
  plotlyHtml(figure: PlotlyFigure, options?: Omit<PlotlyHtmlOptions, 'divId'>): string;
  vegaLiteHtml(spec: VegaLiteSpec): Promise<string>;
}

export interface NotebookDisplayOptions {
  /** Goes into every id; give each notebook its own so two notebooks open in one JupyterLab page
   * don't share ids. Default: "notebook". */
  idPrefix?: string;
}

const DEFAULT_PLOT_HEIGHT_PIXELS = 420;

/**
 * vega and vega-lite ship only as ES modules, and tsc compiles `import()` in this CommonJS library
 * into `require()`, which cannot load them on every Node 20. A Function body is not rewritten by
 * tsc, so this keeps a real dynamic import; Node resolves it like any import from this package.
 */
const importEsModule = new Function('specifier', 'return import(specifier)') as (
  specifier: string,
) => Promise<unknown>;

type VegaModule = typeof import('vega');
type VegaLiteModule = typeof import('vega-lite/build/index');

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
function scriptJson(value: unknown): string {
  return JSON.stringify(value ?? null)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** FNV-1a over the text, as 8 hex digits: a short id that depends only on the content. */
export function contentHash(text: string): string {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, '0');
}

/**
 * The whole plotly.js library in one <script>, to display once near the top of a notebook (as
 * plotly-python's `init_notebook_mode(connected=False)` does). About 5 MB, but the report then
 * works offline. `libraryPath` exists for tests; the default is the installed plotly.js-dist-min.
 */
export function plotlyLibraryHtml(libraryPath?: string): string {
  const path = libraryPath ?? require.resolve('plotly.js-dist-min/plotly.min.js');
  // The library holds no "</script" today; the replacement keeps a future version from closing
  // the element early (inside JavaScript strings and regexes "<\/" means the same as "</").
  const source = readFileSync(path, 'utf8').replace(/<\/(script)/gi, '<\\/$1');
  return `<script type="text/javascript">${source}</script>`;
}

/**
 * A <div> and a <script> that draws the figure into it with Plotly.newPlot. The script waits a
 * few seconds for window.Plotly, since in JupyterLab the library's output may still be loading; if
 * it never comes, the div says which call is missing instead of staying blank.
 */
export function plotlyHtml(figure: PlotlyFigure, options: PlotlyHtmlOptions = {}): string {
  const divId = options.divId ?? `plotly-${contentHash(JSON.stringify(figure))}`;
  const layoutHeight = figure.layout?.height;
  const height =
    options.height ??
    `${typeof layoutHeight === 'number' ? layoutHeight : DEFAULT_PLOT_HEIGHT_PIXELS}px`;
  const config = { responsive: true, displaylogo: false, ...figure.config };
  const script = `(function () {
  var divId = ${scriptJson(divId)};
  var data = ${scriptJson(figure.data)};
  var layout = ${scriptJson(figure.layout ?? {})};
  var config = ${scriptJson(config)};
  var attempts = 0;
  function draw() {
    var element = document.getElementById(divId);
    if (window.Plotly && element) { window.Plotly.newPlot(element, data, layout, config); return; }
    if (++attempts < 100) { setTimeout(draw, 50); return; }
    if (element) element.textContent = 'Plotly is not loaded: display plotlyLibraryHtml() once above this cell.';
  }
  draw();
})();`;
  return (
    `<div id="${escapeHtml(divId)}" class="plotly-plot" style="width:100%;height:${escapeHtml(height)};"></div>` +
    `<script type="text/javascript">${script}</script>`
  );
}

/**
 * Gives every id in the SVG the prefix and a number by order of appearance. vega numbers clip
 * paths from a process-wide counter, so without this two charts on one page can point at each
 * other's clip paths, and the same chart would come out different depending on what ran before.
 */
export function prefixSvgIds(svg: string, prefix: string): string {
  const renamed = new Map<string, string>();
  for (const match of svg.matchAll(/\sid="([^"]+)"/g)) {
    if (!renamed.has(match[1])) renamed.set(match[1], `${prefix}-${renamed.size + 1}`);
  }
  const rename = (id: string): string => renamed.get(id) ?? id;
  return svg
    .replace(/(\sid=")([^"]+)(")/g, (_all, start: string, id: string, end: string) => start + rename(id) + end)
    .replace(/url\(#([^)]+)\)/g, (_all, id: string) => `url(#${rename(id)})`)
    .replace(/(href=")#([^"]+)(")/g, (_all, start: string, id: string, end: string) => `${start}#${rename(id)}${end}`);
}

/**
 * Compiles a vega-lite spec and renders it to a static SVG in Node. No vega code reaches the
 * browser, and the SVG inside text/html survives nbconvert. Text widths are estimated (there is no
 * canvas in Node), so labels may sit a pixel or two off compared with vega in a browser.
 */
export async function vegaLiteHtml(spec: VegaLiteSpec, options: VegaLiteHtmlOptions = {}): Promise<string> {
  const vegaLite = (await importEsModule('vega-lite')) as VegaLiteModule;
  const vega = (await importEsModule('vega')) as VegaModule;
  const vegaSpec = vegaLite.compile(spec as unknown as Parameters<VegaLiteModule['compile']>[0]).spec;
  const view = new vega.View(vega.parse(vegaSpec), { renderer: 'none' });
  try {
    const svg = await view.toSVG();
    const prefix = options.idPrefix ?? `vega-${contentHash(JSON.stringify(spec))}`;
    return `<div class="vega-lite-plot">${prefixSvgIds(svg, prefix)}</div>`;
  } finally {
    view.finalize();
  }
}

/** Seconds as "1h 02m", "3m 05s" or "42s". */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const whole = Math.round(seconds);
  const hours = Math.floor(whole / 3600);
  const minutes = Math.floor((whole % 3600) / 60);
  const rest = whole % 60;
  const twoDigits = (value: number): string => String(value).padStart(2, '0');
  if (hours > 0) return `${hours}h ${twoDigits(minutes)}m`;
  if (minutes > 0) return `${minutes}m ${twoDigits(rest)}s`;
  return `${rest}s`;
}

/** A number for a table or progress line: fixed decimals if asked, else 4 significant digits. */
export function formatNumber(value: number, digits?: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (digits !== undefined) return value.toFixed(digits);
  if (Number.isInteger(value)) return String(value);
  return String(Number(value.toPrecision(4)));
}

/**
 * One progress line with a bar for the share of finished runs (the running run counts by its
 * epochs, when epochsTotal is known). Show it with `const line = tslab.newDisplay()` and update it
 * with `line.html(progressHtml(view))`, so the cell shows one line that changes, not a log.
 */
export function progressHtml(progress: ProgressView): string {
  const runShare =
    progress.epochsTotal && progress.epochsTotal > 0 && progress.runsDone < progress.runsTotal
      ? Math.min(progress.epoch / progress.epochsTotal, 1)
      : 0;
  const fraction = progress.runsTotal > 0 ? Math.min((progress.runsDone + runShare) / progress.runsTotal, 1) : 1;
  const percent = (fraction * 100).toFixed(1);
  const parts = [`run ${progress.runsDone}/${progress.runsTotal}`];
  if (progress.currentLabel) parts.push(escapeHtml(progress.currentLabel));
  if (progress.epoch > 0) {
    parts.push(`epoch ${progress.epoch}${progress.epochsTotal ? `/${progress.epochsTotal}` : ''}`);
  }
  if (progress.loss !== undefined) parts.push(`loss ${formatNumber(progress.loss)}`);
  if (progress.etaSeconds !== undefined) parts.push(`eta ${formatDuration(progress.etaSeconds)}`);
  return (
    `<div class="training-progress" style="font-family:monospace;font-size:12px;display:flex;align-items:center;gap:8px;">` +
    `<div style="width:200px;height:10px;background:#e6e6e6;border-radius:2px;overflow:hidden;">` +
    `<div style="width:${percent}%;height:100%;background:#4c78a8;"></div></div>` +
    `<span>${parts.join(' · ')}</span></div>`
  );
}

function cellText(value: unknown, column: TableColumn): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'number') return formatNumber(value, column.digits);
  return escapeHtml(String(value));
}

/**
 * A plain HTML table: numbers formatted and right-aligned, everything else escaped text. Columns
 * are keys, or objects with a label and fixed decimals.
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

/**
 * Plot ids for one notebook: a counter held here (not in the module) plus a hash of the figure,
 * so ids are unique within the notebook, the same on every run, and unlikely to meet another
 * notebook's ids in the same JupyterLab page.
 */
export function createNotebookDisplay(options: NotebookDisplayOptions = {}): NotebookDisplay {
  const idPrefix = options.idPrefix ?? 'notebook';
  let plotCount = 0;
  const nextId = (kind: string, content: unknown): string => {
    plotCount += 1;
    return `${idPrefix}-${kind}-${plotCount}-${contentHash(JSON.stringify(content))}`;
  };
  return {
    plotlyLibraryHtml: () => plotlyLibraryHtml(),
    plotlyHtml: (figure, plotOptions = {}) => plotlyHtml(figure, { ...plotOptions, divId: nextId('plotly', figure) }),
    vegaLiteHtml: (spec) => vegaLiteHtml(spec, { idPrefix: nextId('vega', spec) }),
  };
}
