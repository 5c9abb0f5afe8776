/**
 * A plotly axis as vega-lite should draw it in a chart's static image (display/fallback.ts), so the
 * image shows what the live chart shows:
 *
 *   range    — the layout's range, else plotly's autorange: the traces' extent, padded by 5% of the
 *              axis length plus the marker radius where plotly pads (y always; x when a trace has
 *              markers), in log10 units on a log axis; never vega's "nice" round-up (which made a
 *              loss between 0.07 and 0.19 span 0.01 to 1);
 *   ticks    — on linear axes the ticks plotly draws: the layout's dtick (one per epoch), else
 *              plotly's own step (its nticks, one per 80 px on x and 40 px on y, 5 to 10 in all,
 *              divide the range, rounded up to 1, 2 or 5 times a power of ten), as explicit
 *              values; on log axes about as many ticks as plotly aims at.
 */

/** The part of a plotly axis read here; see https://plotly.com/javascript/reference/layout/xaxis/. */
export interface PlotlyAxis {
  title?: { text?: string };
  type?: string;
  range?: [number, number];
  dtick?: number | string;
  tick0?: number;
}

/** What one panel's traces put on one of its axes. */
export interface AxisData {
  /** Every finite value the panel's traces plot on this axis. */
  values: number[];
  /** Whether plotly pads the range (y: always; x: when a trace draws markers). */
  padded: boolean;
  /** The largest marker radius in pixels (0 without markers). */
  markerRadius: number;
  /** The axis length in the image, in pixels. */
  lengthPixels: number;
  /** 'x' or 'y': plotly spaces ticks 80 px apart on x, 40 px on y. */
  letter: 'x' | 'y';
}

const PADDING_SHARE = 0.05;

/** The range plotly's autorange picks for these values (in data units; log axes padded in log10). */
export function autorange(data: AxisData, log: boolean): [number, number] | null {
  const values = data.values.filter((value) => Number.isFinite(value) && (!log || value > 0)).map((value) => (log ? Math.log10(value) : value));
  if (values.length === 0) return null;
  let low = Math.min(...values);
  let high = Math.max(...values);
  if (high === low) {
    const half = low === 0 ? 1 : Math.abs(low) * 0.1;
    low -= half;
    high += half;
  } else {
    const share = Math.min(0.4, (data.padded ? PADDING_SHARE : 0) + data.markerRadius / Math.max(1, data.lengthPixels));
    const extra = ((high - low) * share) / (1 - 2 * share);
    low -= extra;
    high += extra;
  }
  return log ? [10 ** low, 10 ** high] : [low, high];
}

/** The number of ticks plotly aims at on an axis of this length. */
export function plotlyTickCount(data: Pick<AxisData, 'lengthPixels' | 'letter'>): number {
  return Math.min(9, Math.max(4, data.lengthPixels / (data.letter === 'y' ? 40 : 80))) + 1;
}

/** plotly's automatic tick step for a linear range (its autoTicks: rough step rounded up to 1, 2, 5 × 10^k). */
export function plotlyAutoStep(span: number, tickCount: number): number {
  const rough = Math.abs(span) / tickCount;
  if (!(rough > 0) || !Number.isFinite(rough)) return 1;
  const base = 10 ** Math.floor(Math.log10(rough));
  const ratio = rough / base;
  return base * ([2, 5, 10].find((candidate) => candidate >= ratio) ?? 10);
}

/** The vega-lite scale of a plotly axis: its type, and the range plotly shows, never rounded up. */
export function vegaScale(axis: PlotlyAxis | undefined, data: AxisData): Record<string, unknown> {
  const log = axis?.type === 'log';
  const domain = axis?.range ? (log ? axis.range.map((value) => 10 ** value) : axis.range) : autorange(data, log);
  // zero only for linear scales: vega-lite warns that it does not apply to log scales.
  return { type: log ? 'log' : 'linear', nice: false, ...(log ? {} : { zero: false }), ...(domain ? { domain } : {}) };
}

/** The vega-lite axis of a plotly axis: its title, plotly's number notation, and plotly's ticks. */
export function vegaAxis(axis: PlotlyAxis | undefined, data: AxisData, domain: unknown): Record<string, unknown> {
  // Decimal notation on linear axes, as plotly writes them: with '~g', vega would cut the precision
  // to the tick step and write 200 as "2e+2".
  const format = axis?.type === 'log' ? '~g' : '~r';
  const result: Record<string, unknown> = { title: axis?.title?.text ?? null, format, tickCount: plotlyTickCount(data) };
  if (axis?.type !== 'log' && Array.isArray(domain)) {
    const [low, high] = domain as [number, number];
    const step = typeof axis?.dtick === 'number' && axis.dtick > 0 ? axis.dtick : plotlyAutoStep(high - low, plotlyTickCount(data));
    const start = axis?.tick0 ?? 0;
    const first = Math.ceil((low - start) / step - 1e-9);
    const last = Math.floor((high - start) / step + 1e-9);
    // Too many would crowd the axis; plotly itself draws every one, so only a sane count is copied.
    if (last - first <= 200) result.values = Array.from({ length: last - first + 1 }, (_, index) => Number((start + (first + index) * step).toPrecision(12)));
  }
  return result;
}
