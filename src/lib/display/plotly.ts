/**
 * Interactive plotly charts that degrade to a static image wherever scripts do not run:
 *
 *   figure ──figureToVegaLite──▶ vega-lite ──▶ SVG image (static, always shown until plotly draws)
 *     └───────────────────────────────────────▶ <div> + <script> (draws with window.Plotly, then hides the image)
 *
 * The plotly library itself (the cartesian bundle, 1.4 MB: scatter, heatmap and the other 2-D
 * traces) is not in any chart: a notebook loads it once into the page (plotlyLibraryHtml), and a
 * report page references one shared copy next to it (PLOTLY_ASSET). A saved notebook keeps only a
 * stub of the library, so a chart also says where the bundle lies relative to its notebook
 * (plotlyLibraryUrlFrom); reopened and trusted, the notebook's charts fetch it from the Jupyter
 * server, which serves every file under its root.
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { figureToVegaLite, PlotlyFigure } from './fallback';
import { contentHash, escapeHtml, scriptJson } from './html';
import { svgImageHtml, vegaLiteSvg } from './vega';

export type { PlotlyFigure } from './fallback';

/** The plotly bundle the charts need (only 2-D trace types). */
export const PLOTLY_BUNDLE = 'plotly.js-cartesian-dist-min/plotly-cartesian.min.js';
/** Where a report page finds the shared library, relative to the page. */
export const PLOTLY_ASSET = 'assets/plotly-cartesian.min.js';
/** Marks the <script> that carries the whole library, so a report build can find and replace it. */
export const PLOTLY_LIBRARY_CLASS = 'relu-ae-plotly-library';
/** Marks the hidden element whose `src` says where a page without the library can fetch it. */
export const PLOTLY_SOURCE_CLASS = 'relu-ae-plotly-source';
/** Marks a report page's own loader of its shared copy (scripts/report/pages.ts). */
const REPORT_LOADER_CLASS = 'relu-ae-plotly-loader';

const DEFAULT_PLOT_HEIGHT_PIXELS = 420;

/** The installed plotly bundle's path. */
export function plotlyLibraryPath(): string {
  return require.resolve(PLOTLY_BUNDLE);
}

/**
 * The whole plotly library in one <script>, to load into a notebook's page once (as plotly-python's
 * `init_notebook_mode(connected=False)` does). `libraryPath` exists for tests.
 */
export function plotlyLibraryHtml(libraryPath: string = plotlyLibraryPath()): string {
  // The library holds no "</script" today; the replacement keeps a future version from closing
  // the element early (inside JavaScript strings and regexes "<\/" means the same as "</").
  const source = readFileSync(libraryPath, 'utf8').replace(/<\/(script)/gi, '<\\/$1');
  return `<script type="text/javascript" class="${PLOTLY_LIBRARY_CLASS}">${source}</script>`;
}

/**
 * The plotly bundle's URL relative to a notebook's folder (where its kernel runs): the bundle that
 * folder's own imports would find (node_modules looked up from it, links kept as they are, so the
 * path stays under a Jupyter server's root), else this library's copy.
 */
export function plotlyLibraryUrlFrom(notebookFolder: string = process.cwd()): string {
  const start = path.resolve(notebookFolder);
  let bundle = plotlyLibraryPath();
  for (let folder = start; ; folder = path.dirname(folder)) {
    const candidate = path.join(folder, 'node_modules', ...PLOTLY_BUNDLE.split('/'));
    if (existsSync(candidate)) {
      bundle = candidate;
      break;
    }
    if (folder === path.dirname(folder)) break;
  }
  return path.relative(start, bundle).split(path.sep).map(encodeURIComponent).join('/');
}

export interface PlotlyChartOptions {
  /** The id of the chart's element. Default: `plotly-` and a hash of the figure. */
  id?: string;
  /** Leave out the static image (for tests of the interactive part alone). */
  withoutStaticImage?: boolean;
  /**
   * Where the page can fetch the plotly bundle when it has none, relative to the notebook
   * (plotlyLibraryUrlFrom()). Default: nowhere; the chart waits for the page's own copy.
   */
  librarySource?: string;
}

/** The figure's title as text, for the static image's alt text. */
function figureTitle(figure: PlotlyFigure): string {
  const title = figure.layout?.title;
  if (typeof title === 'string') return title;
  return (title as { text?: string } | undefined)?.text ?? 'chart';
}

/**
 * A chart: its static image, an empty plot element, and a script that draws the figure with
 * window.Plotly and then hides the image. Where no script runs, the image is all there is, and it
 * is complete. When the page has no plotly (a reopened notebook: its copy of the library was
 * replaced by a stub), the script loads the bundle from `librarySource`, once per page. JupyterLab
 * rewrites a relative `src` in an output into its server's URL of that file; the classic Notebook
 * leaves it relative to its page, whose server redirects it to the file. A report page loads its
 * own copy, so there the chart only waits for it (up to a minute).
 */
export async function plotlyChartHtml(figure: PlotlyFigure, options: PlotlyChartOptions = {}): Promise<string> {
  const id = options.id ?? `plotly-${contentHash(JSON.stringify(figure))}`;
  const layoutHeight = figure.layout?.height;
  const height = typeof layoutHeight === 'number' ? layoutHeight : DEFAULT_PLOT_HEIGHT_PIXELS;
  const config = { responsive: true, displaylogo: false, ...figure.config };
  const image = options.withoutStaticImage
    ? ''
    : svgImageHtml(await vegaLiteSvg(figureToVegaLite(figure)), { alt: figureTitle(figure), className: 'chart-static' });
  const source = options.librarySource === undefined
    ? ''
    : `<span class="${PLOTLY_SOURCE_CLASS}" hidden data-path="${escapeHtml(options.librarySource)}" src="${escapeHtml(options.librarySource)}"></span>`;
  // Charts are drawn after the page has loaded, one after the other, so that a long page shows its
  // text and static images at once instead of waiting for every chart (the images stand in
  // meanwhile).
  const script = `(function () {
  // The script's own parent: an id may repeat in a page that shows a notebook twice.
  var holder = (document.currentScript && document.currentScript.parentNode) || document.getElementById(${scriptJson(id)});
  var data = ${scriptJson(figure.data)};
  var layout = ${scriptJson(figure.layout ?? {})};
  var config = ${scriptJson(config)};
  var queue = window.reluAeChartQueue = window.reluAeChartQueue || [];
  function waitForPlotly(attempts) {
    return new Promise(function (done) {
      (function poll(left) {
        if (window.Plotly) done(true); else if (left > 0) setTimeout(function () { poll(left - 1); }, 100); else done(false);
      })(attempts);
    });
  }
  function library() {
    if (window.Plotly) return Promise.resolve(true);
    if (window.reluAePlotlyLibrary) return window.reluAePlotlyLibrary;
    var source = holder.querySelector(${scriptJson(`.${PLOTLY_SOURCE_CLASS}`)});
    if (!source || document.querySelector(${scriptJson(`script.${REPORT_LOADER_CLASS}`)})) return waitForPlotly(600);
    window.reluAePlotlyLibrary = new Promise(function (done) {
      (function locate(left) {
        if (window.Plotly) return done(true);
        var url = source.getAttribute('src');
        // JupyterLab resolves the path right after the scripts ran; give it two seconds.
        if (url === source.getAttribute('data-path') && left > 0) return setTimeout(function () { locate(left - 1); }, 100);
        var script = document.createElement('script');
        script.src = new URL(url, document.baseURI).href;
        script.onload = function () { done(Boolean(window.Plotly)); };
        script.onerror = function () { done(false); };
        document.head.appendChild(script);
      })(20);
    });
    return window.reluAePlotlyLibrary;
  }
  function draw() {
    if (!holder) return;
    library().then(function (ready) {
      if (!ready) return;
      var plot = holder.querySelector('.plotly-plot');
      plot.style.display = 'block';
      return Promise.resolve(window.Plotly.newPlot(plot, data, layout, config)).then(function () {
        var image = holder.querySelector('.chart-static');
        if (image) image.style.display = 'none';
      });
    });
  }
  function next() {
    var work = queue.shift();
    if (!work) { queue.running = false; return; }
    work();
    setTimeout(next, 0);
  }
  queue.push(draw);
  function start() { if (!queue.running) { queue.running = true; setTimeout(next, 0); } }
  if (document.readyState === 'complete') start(); else window.addEventListener('load', start);
})();`;
  return (
    `<div id="${escapeHtml(id)}" class="relu-ae-chart">${image}` +
    `<div class="plotly-plot" style="display:none;width:100%;height:${height}px;"></div>${source}` +
    `<script type="text/javascript">${script}</script></div>`
  );
}
