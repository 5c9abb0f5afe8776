/**
 * The static stand-in of an interactive plotly chart: the same figure translated into a vega-lite
 * spec, which display/vega.ts renders to an SVG image in Node. The image is what an untrusted
 * notebook, GitHub's viewer or nbviewer shows, where plotly's script never runs.
 *
 * It covers what this library's figures use: scatter traces (lines, markers, both; colour, width,
 * dash, opacity; a band filled 'tonexty' to the previous trace), heatmaps with a colour scale and
 * cell text, linear and log axes with titles and ranges, side-by-side subplots (xaxis2, …) with
 * paper annotations as panel titles, and the legend entries of traces that show one, never cut
 * short. Each axis shows the range and ticks plotly would show (display/axes.ts).
 */
import { AxisData, PlotlyAxis, vegaAxis, vegaScale } from './axes';
import { VegaLiteSpec } from './vega';

/** A plotly figure as plotly.js takes it; see https://plotly.com/javascript/reference/. */
export interface PlotlyFigure {
  data: ReadonlyArray<Record<string, unknown>>;
  layout?: Record<string, unknown>;
  config?: Record<string, unknown>;
}

type Trace = Record<string, unknown>;
type Axis = PlotlyAxis & { domain?: [number, number] };

const DASHES: Record<string, number[]> = { dot: [2, 3], dash: [6, 4], dashdot: [6, 3, 2, 3], longdash: [10, 4], longdashdot: [10, 3, 2, 3] };
const DEFAULT_COLOURS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];
/** Marker points per panel of a static image: enough to show a cloud's shape, few enough to keep the image small. */
const MAX_STATIC_POINTS = 250;

function numbers(values: unknown): (number | null)[] {
  return Array.isArray(values) ? values.map((value) => (typeof value === 'number' && Number.isFinite(value) ? value : null)) : [];
}

/** Every `step`-th index, so a static image of a dense cloud stays small. */
function thinned(count: number, step: number): number[] {
  return Array.from({ length: Math.ceil(count / step) }, (_, index) => index * step);
}

/** Linear interpolation in a plotly colour scale [[0, '#rrggbb'], …, [1, '#rrggbb']]. */
export function colourAt(scale: [number, string][], fraction: number): string {
  const clamped = Math.min(1, Math.max(0, fraction));
  for (let index = 1; index < scale.length; index++) {
    const [end, endColour] = scale[index];
    const [start, startColour] = scale[index - 1];
    if (clamped <= end) {
      const share = end > start ? (clamped - start) / (end - start) : 0;
      const channel = (colour: string, offset: number) => parseInt(colour.slice(1 + offset, 3 + offset), 16);
      const mixed = [0, 2, 4].map((offset) => Math.round(channel(startColour, offset) + share * (channel(endColour, offset) - channel(startColour, offset))));
      return `#${mixed.map((value) => value.toString(16).padStart(2, '0')).join('')}`;
    }
  }
  return scale[scale.length - 1][1];
}

function heatmapLayers(trace: Trace): Record<string, unknown>[] {
  const xs = (trace.x as unknown[]) ?? [];
  const ys = (trace.y as unknown[]) ?? [];
  const z = (trace.z as (number | null)[][]) ?? [];
  const text = (trace.text as string[][] | undefined) ?? [];
  const scale = (trace.colorscale as [number, string][] | undefined) ?? [[0, '#f7fbff'], [1, '#08306b']];
  const flat = z.flat().filter((value): value is number => typeof value === 'number');
  const low = typeof trace.zmin === 'number' ? trace.zmin : Math.min(...flat);
  const high = typeof trace.zmax === 'number' ? trace.zmax : Math.max(...flat);
  const rows = ys.flatMap((y, row) => xs.map((x, column) => {
    const value = z[row]?.[column];
    return {
      x: String(x), y: String(y), text: text[row]?.[column] ?? '',
      colour: typeof value === 'number' ? colourAt(scale, high > low ? (value - low) / (high - low) : 0.5) : '#eeeeee',
    };
  }));
  const x = { field: 'x', type: 'nominal', sort: xs.map(String), title: null, axis: { labelAngle: -30, labelLimit: 0 } };
  const y = { field: 'y', type: 'nominal', sort: ys.map(String), title: null, axis: { labelLimit: 0 } };
  return [
    { data: { values: rows }, mark: { type: 'rect', stroke: '#ffffff' }, encoding: { x, y, color: { field: 'colour', type: 'nominal', scale: null, legend: null } } },
    { data: { values: rows }, mark: { type: 'text', fontSize: 10, color: '#111111' }, encoding: { x, y, text: { field: 'text' } } },
  ];
}

/** The vega-lite layers of one panel's traces; legend entries share the field "series". */
function panelLayers(traces: Trace[], legend: { names: string[]; colours: string[] }): Record<string, unknown>[] {
  const layers: Record<string, unknown>[] = [];
  // One thinning step for the whole panel, so every marker trace keeps its share of the cloud.
  const markerPoints = traces.filter((trace) => typeof trace.mode === 'string' && trace.mode === 'markers').reduce((total, trace) => total + numbers(trace.x).length, 0);
  const step = Math.max(1, Math.ceil(markerPoints / MAX_STATIC_POINTS));
  traces.forEach((trace, traceIndex) => {
    if (trace.type === 'heatmap') {
      layers.push(...heatmapLayers(trace));
      return;
    }
    const xs = numbers(trace.x);
    const ys = numbers(trace.y);
    const line = (trace.line as { color?: string; width?: number; dash?: string } | undefined) ?? {};
    const marker = (trace.marker as { color?: unknown; size?: number; opacity?: number } | undefined) ?? {};
    const colour = line.color ?? (typeof marker.color === 'string' ? marker.color : DEFAULT_COLOURS[traceIndex % DEFAULT_COLOURS.length]);
    const opacity = typeof trace.opacity === 'number' ? trace.opacity : 1;
    const mode = typeof trace.mode === 'string' ? trace.mode : 'lines';
    const name = typeof trace.name === 'string' ? trace.name : `trace ${traceIndex + 1}`;
    const inLegend = trace.showlegend !== false && name !== '' && !legend.names.includes(name);
    if (inLegend) {
      legend.names.push(name);
      legend.colours.push(colour);
    }
    const indices = mode.includes('lines') ? xs.map((_, index) => index) : thinned(xs.length, step);
    const rows = indices.filter((index) => xs[index] !== null && ys[index] !== null).map((index) => ({ x: xs[index], y: ys[index], series: name }));
    const colourEncoding = inLegend ? { field: 'series', type: 'nominal', scale: { domain: legend.names, range: legend.colours }, title: null } : { value: colour };
    if (trace.fill === 'tonexty' && traceIndex > 0) {
      const previous = traces[traceIndex - 1];
      const previousYs = numbers(previous.y);
      const band = xs.map((x, index) => ({ x, low: previousYs[index], high: ys[index] })).filter((row) => row.x !== null && row.low !== null && row.high !== null);
      layers.push({
        data: { values: band },
        mark: { type: 'area', opacity: 0.2, color: typeof trace.fillcolor === 'string' ? trace.fillcolor : colour },
        encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'low', type: 'quantitative' }, y2: { field: 'high' } },
      });
    }
    if (mode.includes('lines') && line.width !== 0) {
      layers.push({
        data: { values: rows },
        mark: { type: 'line', strokeWidth: line.width ?? 2, opacity, ...(line.dash && DASHES[line.dash] ? { strokeDash: DASHES[line.dash] } : {}), clip: true },
        encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' }, color: colourEncoding },
      });
    }
    if (mode.includes('markers')) {
      const size = typeof marker.size === 'number' ? marker.size : 6;
      layers.push({
        data: { values: rows },
        mark: { type: 'circle', size: Math.round(0.8 * size * size), opacity: (marker.opacity ?? 1) * opacity, clip: true },
        encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' }, color: mode.includes('lines') ? { value: colour } : colourEncoding },
      });
    }
  });
  return layers;
}

/** What a panel's traces put on its x and y axes (see AxisData), for an image of this size. */
function axisData(traces: Trace[], width: number, height: number): { x: AxisData; y: AxisData } {
  const plotted = traces.filter((trace) => trace.type !== 'heatmap');
  const hasMarkers = (trace: Trace) => typeof trace.mode === 'string' && trace.mode.includes('markers');
  const markerRadius = Math.max(0, ...plotted.filter(hasMarkers).map((trace) => {
    const size = (trace.marker as { size?: unknown } | undefined)?.size;
    return (typeof size === 'number' ? size : 6) / 2;
  }));
  const values = (key: 'x' | 'y') => plotted.flatMap((trace) => numbers(trace[key]).filter((value): value is number => value !== null));
  // plotly pads x only for traces with markers that fill nothing (scatter's autorange rules).
  const xPadded = plotted.some((trace) => hasMarkers(trace) && trace.fill !== 'tonexty' && trace.fill !== 'tozeroy');
  return {
    x: { values: values('x'), padded: xPadded, markerRadius, lengthPixels: width, letter: 'x' },
    y: { values: values('y'), padded: true, markerRadius, lengthPixels: height, letter: 'y' },
  };
}

/** Gives every layer that plots x and y quantitatively the panel's scales and axes. */
function withAxes(layers: Record<string, unknown>[], axes: { x: Axis | undefined; y: Axis | undefined }, data: { x: AxisData; y: AxisData }): Record<string, unknown>[] {
  const xScale = vegaScale(axes.x, data.x);
  const yScale = vegaScale(axes.y, data.y);
  const xAxis = vegaAxis(axes.x, data.x, xScale.domain);
  const yAxis = vegaAxis(axes.y, data.y, yScale.domain);
  return layers.map((layer) => {
    const encoding = layer.encoding as Record<string, Record<string, unknown>> | undefined;
    if (!encoding || encoding.x?.type !== 'quantitative') return layer;
    return {
      ...layer,
      encoding: {
        ...encoding,
        x: { ...encoding.x, title: xAxis.title, scale: xScale, axis: xAxis },
        y: { ...encoding.y, title: yAxis.title, scale: yScale, axis: yAxis },
      },
    };
  });
}

/** The static vega-lite version of a plotly figure; see the module comment for what it covers. */
export function figureToVegaLite(figure: PlotlyFigure, options: { width?: number } = {}): VegaLiteSpec {
  const layout = figure.layout ?? {};
  const traces = figure.data as Trace[];
  const panelIds = [...new Set(traces.map((trace) => (typeof trace.xaxis === 'string' ? trace.xaxis : 'x')))];
  const totalWidth = options.width ?? 620;
  const height = Math.max(160, (typeof layout.height === 'number' ? layout.height : 420) - 150);
  const legend = { names: [] as string[], colours: [] as string[] };
  const annotations = (layout.annotations as { text?: string; x?: number; xref?: string }[] | undefined) ?? [];
  const panels = panelIds.map((panelId) => {
    const suffix = panelId.slice(1);
    const xAxis = layout[`xaxis${suffix}`] as Axis | undefined;
    const own = traces.filter((trace) => (typeof trace.xaxis === 'string' ? trace.xaxis : 'x') === panelId);
    const yId = typeof own[0]?.yaxis === 'string' ? (own[0].yaxis as string).slice(1) : '';
    const yAxis = layout[`yaxis${yId}`] as Axis | undefined;
    const centre = xAxis?.domain ? (xAxis.domain[0] + xAxis.domain[1]) / 2 : 0.5;
    const heading = panelIds.length > 1
      ? annotations.filter((note) => note.xref === 'paper' && typeof note.x === 'number').sort((a, b) => Math.abs((a.x as number) - centre) - Math.abs((b.x as number) - centre))[0]?.text
      : undefined;
    const hasHeatmap = own.some((trace) => trace.type === 'heatmap');
    const width = Math.max(160, Math.floor(totalWidth / panelIds.length) - 40);
    return {
      ...(heading ? { title: { text: heading, fontSize: 12 } } : {}),
      width: hasHeatmap ? { step: 70 } : width,
      height: hasHeatmap ? { step: 26 } : height,
      layer: hasHeatmap ? panelLayers(own, legend) : withAxes(panelLayers(own, legend), { x: xAxis, y: yAxis }, axisData(own, width, height)),
    };
  });
  // Plotly titles break lines with <br> and style text with other tags (<sub>, a coloured <span>);
  // vega takes lines as an array, and plain text: the tags go, their text stays.
  const titleText = (layout.title as { text?: string } | undefined)?.text ?? '';
  const title = titleText.split(/<br\s*\/?>/).map((line) => line.replace(/<[^>]*>/g, ''));
  // labelLimit 0: no legend entry or category is cut short (plotly shows them whole).
  const common = { $schema: 'https://vega.github.io/schema/vega-lite/v5.json', title: { text: title.length === 1 ? title[0] : title, fontSize: 13 }, config: { legend: { orient: 'right', labelLimit: 0 }, view: { stroke: '#dddddd' } } };
  if (panels.length === 1) return { ...common, ...panels[0], title: common.title };
  return { ...common, hconcat: panels, resolve: { scale: { color: 'shared' } } };
}
