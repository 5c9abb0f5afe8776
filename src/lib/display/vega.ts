/**
 * vega-lite charts as static images, made in Node:
 *
 *   vega-lite spec ──compile──▶ vega spec ──View.toSVG──▶ SVG ──base64──▶ <img src="data:image/svg+xml;…">
 *
 * An image rather than inline SVG because an image survives everywhere a notebook is read: an
 * untrusted notebook's sanitizer strips inline SVG to run-on text, and nbconvert 6.5 empties
 * image/svg+xml outputs, but both keep an <img> with a data URL. No vega code reaches the browser.
 */
import { contentHash, escapeHtml } from './html';

/** A vega-lite spec (https://vega.github.io/vega-lite/docs/spec.html), kept loose on purpose. */
export type VegaLiteSpec = Record<string, unknown>;

/**
 * vega and vega-lite ship only as ES modules, and tsc compiles `import()` in this CommonJS library
 * into `require()`, which cannot load them on every Node 20. A Function body is not rewritten by
 * tsc, so this keeps a real dynamic import; Node resolves it like any import from this package.
 */
const importEsModule = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<unknown>;

type VegaModule = typeof import('vega');
type VegaLiteModule = typeof import('vega-lite/build/index');

/**
 * Gives every id in the SVG the prefix and a number by order of appearance. vega numbers clip
 * paths from a process-wide counter, so without this the same chart would come out different
 * depending on what ran before it.
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
 * Compiles a vega-lite spec and renders it to SVG text in Node. Text widths are estimated (there is
 * no canvas in Node), so labels may sit a pixel or two off compared with vega in a browser.
 */
export async function vegaLiteSvg(spec: VegaLiteSpec): Promise<string> {
  const vegaLite = (await importEsModule('vega-lite')) as VegaLiteModule;
  const vega = (await importEsModule('vega')) as VegaModule;
  const vegaSpec = vegaLite.compile(spec as unknown as Parameters<VegaLiteModule['compile']>[0]).spec;
  const view = new vega.View(vega.parse(vegaSpec), { renderer: 'none' });
  try {
    const svg = await view.toSVG();
    // Within an <img> the SVG is its own document, so its ids cannot meet another chart's; they are
    // still renumbered so that the same chart always gives the same bytes.
    const withNamespace = svg.includes('xmlns=') ? svg : svg.replace('<svg', '<svg xmlns="http://www.w3.org/2000/svg"');
    return prefixSvgIds(withNamespace, `chart-${contentHash(JSON.stringify(spec))}`);
  } finally {
    view.finalize();
  }
}

/** The SVG's size in CSS pixels, from its width and height attributes. */
export function svgSize(svg: string): { width: number; height: number } {
  const width = Number(/<svg[^>]*\swidth="([\d.]+)"/.exec(svg)?.[1] ?? 0);
  const height = Number(/<svg[^>]*\sheight="([\d.]+)"/.exec(svg)?.[1] ?? 0);
  return { width, height };
}

/** An SVG as an <img> with a data URL, at its own size (scaled down to fit narrow pages). */
export function svgImageHtml(svg: string, options: { alt: string; className?: string }): string {
  const { width, height } = svgSize(svg);
  const size = width > 0 && height > 0 ? ` width="${Math.round(width)}" height="${Math.round(height)}"` : '';
  // Lazy, asynchronous decoding: an image below the fold does not hold up the page's load.
  return `<img class="${escapeHtml(options.className ?? 'chart-image')}" alt="${escapeHtml(options.alt)}"${size} loading="lazy" decoding="async" ` +
    `style="max-width:100%;height:auto" src="data:image/svg+xml;base64,${Buffer.from(svg, 'utf8').toString('base64')}">`;
}

/** The spec's title as text, for an image's alt text. */
export function specTitle(spec: VegaLiteSpec): string {
  const title = spec.title;
  if (typeof title === 'string') return title;
  if (title && typeof title === 'object' && typeof (title as { text?: unknown }).text === 'string') return (title as { text: string }).text;
  return 'chart';
}

/** A vega-lite chart as HTML: a static image of it, readable with or without scripts. */
export async function vegaLiteHtml(spec: VegaLiteSpec): Promise<string> {
  const svg = await vegaLiteSvg(spec);
  return `<div class="vega-lite-plot">${svgImageHtml(svg, { alt: specTitle(spec), className: 'vega-lite-image' })}</div>`;
}
