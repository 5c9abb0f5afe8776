/**
 * Interactive plotly charts that degrade to a static image wherever scripts do not run:
 *
 *   figure ──figureToVegaLite──▶ vega-lite ──▶ SVG image (static, always shown until plotly draws)
 *     └───────────────────────────────────────▶ <div> + <script> (draws with window.Plotly, then hides the image)
 *
 * The plotly library itself (the cartesian bundle, 1.4 MB: scatter, heatmap and the other 2-D
 * traces) is not in any chart: a notebook loads it once into the page (plotlyLibraryHtml), and a
 * report page references one shared copy next to it (PLOTLY_ASSET).
 */
import { readFileSync } from 'node:fs';
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

export interface PlotlyChartOptions {
  /** The id of the chart's element. Default: `plotly-` and a hash of the figure. */
  id?: string;
  /** Leave out the static image (for tests of the interactive part alone). */
  withoutStaticImage?: boolean;
}

/** The figure's title as text, for the static image's alt text. */
function figureTitle(figure: PlotlyFigure): string {
  const title = figure.layout?.title;
  if (typeof title === 'string') return title;
  return (title as { text?: string } | undefined)?.text ?? 'chart';
}

/**
 * A chart: its static image, an empty plot element, and a script that draws the figure with
 * window.Plotly (waiting up to a minute for the library) and then hides the image. Where no
 * script runs, the image is all there is, and it is complete.
 */
export async function plotlyChartHtml(figure: PlotlyFigure, options: PlotlyChartOptions = {}): Promise<string> {
  const id = options.id ?? `plotly-${contentHash(JSON.stringify(figure))}`;
  const layoutHeight = figure.layout?.height;
  const height = typeof layoutHeight === 'number' ? layoutHeight : DEFAULT_PLOT_HEIGHT_PIXELS;
  const config = { responsive: true, displaylogo: false, ...figure.config };
  const image = options.withoutStaticImage
    ? ''
    : svgImageHtml(await vegaLiteSvg(figureToVegaLite(figure)), { alt: figureTitle(figure), className: 'chart-static' });
  // Charts are drawn after the page has loaded, one after the other, so that a long page shows its
  // text and static images at once instead of waiting for every chart (the images stand in
  // meanwhile); a chart waits up to a minute for the library to arrive.
  const script = `(function () {
  var holder = document.getElementById(${scriptJson(id)});
  var data = ${scriptJson(figure.data)};
  var layout = ${scriptJson(figure.layout ?? {})};
  var config = ${scriptJson(config)};
  var queue = window.reluAeChartQueue = window.reluAeChartQueue || [];
  var attempts = 0;
  function draw() {
    if (!holder) return;
    if (!window.Plotly) { if (++attempts < 600) setTimeout(draw, 100); return; }
    var plot = holder.querySelector('.plotly-plot');
    plot.style.display = 'block';
    Promise.resolve(window.Plotly.newPlot(plot, data, layout, config)).then(function () {
      var image = holder.querySelector('.chart-static');
      if (image) image.style.display = 'none';
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
    `<div class="plotly-plot" style="display:none;width:100%;height:${height}px;"></div>` +
    `<script type="text/javascript">${script}</script></div>`
  );
}
