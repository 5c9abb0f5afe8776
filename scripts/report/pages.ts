/**
 * What a page must be after nbconvert: offline (nothing loaded from the network or by an absolute
 * file:// path), its links pointing at pages rather than notebooks, and plotly loaded once from the
 * shared asset beside it, only where a chart needs it.
 */
import { PLOTLY_ASSET, PLOTLY_LIBRARY_CLASS } from '../../src/lib/display/plotly';
import { reportFileName } from './arguments';

interface NotebookJson {
  cells?: Array<{ cell_type?: string; source?: string | string[]; outputs?: unknown[] }>;
}

function cellSource(source: string | string[] | undefined): string {
  return Array.isArray(source) ? source.join('') : source ?? '';
}

/** The text of the notebook's first markdown heading, or undefined when it has none. */
export function notebookTitle(notebook: NotebookJson): string | undefined {
  for (const cell of notebook.cells ?? []) {
    if (cell.cell_type !== 'markdown') continue;
    const heading = /^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$/m.exec(cellSource(cell.source));
    if (heading) return heading[1];
  }
  return undefined;
}

/** How many code cells carry outputs; notebooks are meant to be committed without any. */
export function cellsWithOutputs(notebook: NotebookJson): number {
  return (notebook.cells ?? []).filter((cell) => cell.cell_type === 'code' && (cell.outputs?.length ?? 0) > 0).length;
}

/**
 * Every reference in the page that a browser would load from the network or by an absolute
 * path: src and href attributes (links in <a> may point to the web, which loads nothing, but not
 * to file://), and CSS url(...). Script bodies are skipped: plotly's code mentions URLs it never
 * fetches, and what scripts really load is checked in the browser test. The shared plotly asset is
 * a relative path, which stays inside the report folder.
 */
export function findExternalReferences(html: string): string[] {
  const withoutScriptBodies = html.replace(/(<script\b[^>]*>)[\s\S]*?(<\/script>)/gi, '$1$2');
  const external = /^\s*(https?:|file:|\/\/|\/)/i;
  const found: string[] = [];
  for (const tag of withoutScriptBodies.matchAll(/<([a-zA-Z][\w:-]*)\b([^>]*)>/g)) {
    const tagName = tag[1].toLowerCase();
    for (const attribute of tag[2].matchAll(/([\w:-]+)\s*=\s*("([^"]*)"|'([^']*)'|([^\s>]+))/g)) {
      const name = attribute[1].toLowerCase();
      const value = attribute[3] ?? attribute[4] ?? attribute[5] ?? '';
      if (!['src', 'href', 'xlink:href', 'srcset', 'poster', 'data'].includes(name)) continue;
      if (!external.test(value)) continue;
      const isNavigationLink = tagName === 'a' && (name === 'href' || name === 'xlink:href');
      if (isNavigationLink && !/^\s*file:/i.test(value)) continue;
      found.push(value);
    }
  }
  for (const url of withoutScriptBodies.matchAll(/url\(\s*['"]?((?:https?:|file:|\/\/)[^'")\s]*)/gi)) found.push(url[1]);
  for (const url of withoutScriptBodies.matchAll(/@import\s+['"]((?:https?:|file:|\/\/)[^'"]*)/gi)) found.push(url[1]);
  return found;
}

/** Links to notebooks (`01-x.ipynb`, `00-index.ipynb#part`) become links to their pages. */
export function rewriteNotebookLinks(html: string): string {
  return html.replace(/href="([\w.-]+\.ipynb)(#[^"]*)?"/g, (_all, file: string, anchor: string | undefined) => `href="${reportFileName(file)}${anchor ?? ''}"`);
}

/** True when the page has a plotly chart to draw. */
export function pageHasPlotlyCharts(html: string): boolean {
  return html.includes('class="plotly-plot"');
}

/**
 * Loads the shared plotly asset once the page has loaded: compiling plotly takes longer than
 * everything else on a page together, so the text and the charts' static images come first, and
 * each chart turns interactive as soon as the library is there.
 */
export const PLOTLY_LOADER = `<script class="relu-ae-plotly-loader">window.addEventListener('load', function () {
  var script = document.createElement('script');
  script.src = '${PLOTLY_ASSET}';
  document.head.appendChild(script);
});</script>`;

/**
 * Removes any embedded copy of the plotly library (a notebook loads it into the page and then
 * replaces it by a stub, but a build must not depend on that) and, when the page has charts,
 * adds the loader of the shared asset, once.
 */
export function usePlotlyAsset(html: string): string {
  const libraryPattern = new RegExp(`<script[^>]*class="${PLOTLY_LIBRARY_CLASS}"[^>]*>[\\s\\S]*?</script>`, 'g');
  const withoutLibrary = html.replace(libraryPattern, '');
  if (!pageHasPlotlyCharts(withoutLibrary)) return withoutLibrary;
  return withoutLibrary.replace('</head>', `${PLOTLY_LOADER}\n</head>`);
}

/**
 * A page leaves out the static image of each plotly chart. The images are for notebooks, which an
 * untrusted viewer, GitHub or nbviewer shows without scripts; a page draws every chart with plotly,
 * and the images cost its load more than anything else: a browser parses a page at a few MB/s here,
 * and the robustness page's 21 SVG images are 1.9 MB of its 2.3 MB (load 0.8–1.0 s with them, about
 * 0.3–0.45 s without). The plot box is shown from the start, at its height, so nothing jumps when a
 * chart draws; without scripts the page says that its charts need them (the numbers are in its
 * tables and in results.json).
 */
export function dropStaticImages(html: string): string {
  const dropped = html
    .replace(/<img class="chart-static"[^>]*>/g, '')
    .replace(/class="plotly-plot" style="display:none;/g, 'class="plotly-plot" style="');
  if (dropped === html) return html;
  return dropped.replace(
    /<body\b[^>]*>/,
    (body) => body + '\n<noscript><p class="noscript-note">The charts of this page are drawn by JavaScript, which is off: every number they show is in the tables below and in results.json.</p><style>.plotly-plot { display: none !important; }</style></noscript>',
  );
}

/** Everything a page needs after nbconvert, in order. */
export function finishPage(html: string): string {
  return usePlotlyAsset(dropStaticImages(rewriteNotebookLinks(html)));
}
