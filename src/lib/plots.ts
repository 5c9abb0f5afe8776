/**
 * Pure functions from experiment results to chart specs: plotly figures (interactive curves and
 * scatters) and vega-lite specs (summaries, rendered to static SVG by display.ts). No rendering
 * happens here, so every spec can be tested as data.
 */
import { ExperimentRun } from './experiment/runner';
import { escapeHtml } from './display';
import { digitGridPng } from './image';
import { meanInterval, summarize } from './stats';

/** A plotly figure (kept structurally equal to display.ts's PlotlyFigure). */
export interface Figure {
  data: Record<string, unknown>[];
  layout: Record<string, unknown>;
}

/** A categorical palette (Tableau 10) so each configuration keeps its colour across plots. */
export const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];

function labelsInOrder(runs: ExperimentRun[]): string[] {
  return [...new Set(runs.map((run) => run.label))];
}

/** Per epoch, the mean over seeds of a history field (diverged runs contribute what they have). */
function meanCurve(runs: ExperimentRun[], field: 'trainLoss' | 'testMse'): { epochs: number[]; means: number[] } {
  const byEpoch = new Map<number, number[]>();
  for (const run of runs) for (const record of run.result.history) {
    const list = byEpoch.get(record.epoch) ?? [];
    list.push(record[field]);
    byEpoch.set(record.epoch, list);
  }
  const epochs = [...byEpoch.keys()].sort((a, b) => a - b);
  return { epochs, means: epochs.map((epoch) => summarize(byEpoch.get(epoch) as number[]).mean) };
}

/** Options of lossCurvesFigure. */
export interface LossCurvesOptions {
  title?: string;
  /** Logarithmic y axis. Default true (losses span decades early on). */
  logarithmic?: boolean;
  height?: number;
}

/**
 * Train loss (dashed) and test MSE (solid) per epoch, mean over seeds, one colour per
 * configuration; each seed's test curve is drawn thin behind the mean so the spread shows.
 */
export function lossCurvesFigure(runs: ExperimentRun[], options: LossCurvesOptions = {}): Figure {
  const data: Record<string, unknown>[] = [];
  labelsInOrder(runs).forEach((label, index) => {
    const color = PALETTE[index % PALETTE.length];
    const own = runs.filter((run) => run.label === label);
    for (const run of own) {
      data.push({
        type: 'scatter', mode: 'lines', x: run.result.history.map((record) => record.epoch), y: run.result.history.map((record) => record.testMse),
        line: { color, width: 0.7 }, opacity: 0.35, legendgroup: label, showlegend: false, hoverinfo: 'skip', name: `${label} seed ${run.seed}`,
      });
    }
    const test = meanCurve(own, 'testMse');
    const train = meanCurve(own, 'trainLoss');
    data.push({ type: 'scatter', mode: 'lines+markers', x: test.epochs, y: test.means, name: `${label} · test MSE`, legendgroup: label, line: { color, width: 2.5 } });
    data.push({ type: 'scatter', mode: 'lines', x: train.epochs, y: train.means, name: `${label} · train loss`, legendgroup: label, line: { color, width: 1.5, dash: 'dash' } });
  });
  return {
    data,
    layout: {
      title: { text: options.title ?? 'Loss per epoch (mean over seeds; thin lines: each seed’s test MSE)' },
      xaxis: { title: { text: 'epoch' }, dtick: 1 },
      yaxis: { title: { text: 'loss (MSE)' }, type: options.logarithmic === false ? 'linear' : 'log' },
      height: options.height ?? 460,
      margin: { l: 70, r: 20, t: 50, b: 50 },
      legend: { font: { size: 11 } },
    },
  };
}

/**
 * Final test MSE per configuration: one dot per seed, the mean as a tick, and its 95% t-interval as
 * a rule. Diverged runs are listed in the configuration's name, since they have no value to plot.
 */
export function finalMetricSpec(runs: ExperimentRun[], options: { title?: string; metricTitle?: string } = {}): Record<string, unknown> {
  const labels = labelsInOrder(runs);
  const points: Record<string, unknown>[] = [];
  const summaries: Record<string, unknown>[] = [];
  for (const label of labels) {
    const own = runs.filter((run) => run.label === label);
    const finished = own.filter((run) => run.result.testMse !== null && !run.result.diverged);
    const divergedCount = own.length - finished.length;
    const shown = divergedCount > 0 ? `${label} (${divergedCount} diverged)` : label;
    for (const run of finished) points.push({ configuration: shown, seed: run.seed, testMse: run.result.testMse });
    const values = finished.map((run) => run.result.testMse as number);
    if (values.length > 0) {
      const [low, high] = values.length > 1 ? meanInterval(values) : [values[0], values[0]];
      summaries.push({ configuration: shown, mean: summarize(values).mean, low, high });
    }
  }
  const order = labels.map((label) => {
    const divergedCount = runs.filter((run) => run.label === label && (run.result.testMse === null || run.result.diverged)).length;
    return divergedCount > 0 ? `${label} (${divergedCount} diverged)` : label;
  });
  const y = { field: 'configuration', type: 'nominal', sort: order, title: null, axis: { labelLimit: 320 } };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: options.title ?? 'Final test MSE per configuration (dots: seeds; tick and bar: mean and 95% interval)',
    width: 460,
    height: { step: 34 },
    layer: [
      { data: { values: summaries }, mark: { type: 'rule', strokeWidth: 2, color: '#888' }, encoding: { y, x: { field: 'low', type: 'quantitative', scale: { zero: false }, title: options.metricTitle ?? 'test MSE' }, x2: { field: 'high' } } },
      { data: { values: summaries }, mark: { type: 'tick', thickness: 3, size: 22, color: '#222' }, encoding: { y, x: { field: 'mean', type: 'quantitative' } } },
      { data: { values: points }, mark: { type: 'point', filled: true, size: 60, opacity: 0.8 }, encoding: { y, x: { field: 'testMse', type: 'quantitative' }, color: { field: 'configuration', type: 'nominal', sort: order, legend: null, scale: { range: PALETTE } } } },
    ],
  };
}

/** The 2-D code of the test digits of one run, coloured by digit. */
export function codeScatterFigure(run: ExperimentRun, options: { title?: string } = {}): Figure {
  const codes = run.result.samples?.codes ?? [];
  const data = Array.from({ length: 10 }, (_, digit) => {
    const own = codes.filter((point) => point.label === digit);
    return { type: 'scatter', mode: 'markers', name: String(digit), x: own.map((point) => point.x), y: own.map((point) => point.y), marker: { size: 5, color: PALETTE[digit], opacity: 0.75 } };
  });
  return {
    data,
    layout: {
      title: { text: options.title ?? `2-D code of ${codes.length} test digits · ${run.label}, seed ${run.seed}` },
      xaxis: { title: { text: 'code 1' }, zeroline: true },
      yaxis: { title: { text: 'code 2' }, zeroline: true },
      height: 420,
      legend: { title: { text: 'digit' } },
      margin: { l: 60, r: 20, t: 50, b: 50 },
    },
  };
}

/** Several code scatters side by side as one figure (one subplot per run). */
export function codeScattersFigure(runs: ExperimentRun[], title = '2-D codes of test digits, coloured by digit'): Figure {
  const data: Record<string, unknown>[] = [];
  const annotations: Record<string, unknown>[] = [];
  const layout: Record<string, unknown> = {};
  const width = 1 / runs.length;
  runs.forEach((run, index) => {
    const axis = index === 0 ? '' : String(index + 1);
    for (const trace of codeScatterFigure(run).data) {
      data.push({ ...trace, xaxis: `x${axis}`, yaxis: `y${axis}`, showlegend: index === 0, legendgroup: trace.name });
    }
    layout[`xaxis${axis}`] = { domain: [index * width + 0.03, (index + 1) * width - 0.03], title: { text: 'code 1' } };
    layout[`yaxis${axis}`] = { anchor: `x${axis}`, title: index === 0 ? { text: 'code 2' } : undefined };
    annotations.push({ text: run.label, xref: 'paper', yref: 'paper', x: index * width + width / 2, y: 1.02, showarrow: false, xanchor: 'center', yanchor: 'bottom' });
  });
  return { data, layout: { ...layout, annotations, title: { text: title, y: 0.98 }, height: 440, margin: { l: 60, r: 20, t: 80, b: 50 }, legend: { title: { text: 'digit' } } } };
}

/**
 * A grid of reconstructions as an <img> data URL: the first row holds the originals (one test digit
 * per class), each further row one configuration's reconstructions of the same digits.
 */
export function reconstructionGridHtml(runs: ExperimentRun[]): string {
  const withSamples = runs.filter((run) => run.result.samples && run.result.samples.reconstructions.length > 0);
  if (withSamples.length === 0) return '<p>No reconstructions (every run diverged).</p>';
  const originals = (withSamples[0].result.samples as NonNullable<ExperimentRun['result']['samples']>).reconstructions.map((sample) => sample.original);
  const rows = [originals, ...withSamples.map((run) => (run.result.samples as NonNullable<ExperimentRun['result']['samples']>).reconstructions.map((sample) => sample.reconstruction))];
  const png = digitGridPng({ rows, scale: 2, gap: 4 });
  const rowHeight = 28 * 2 + 4;
  const names = ['original', ...withSamples.map((run) => `${run.label} (seed ${run.seed})`)];
  const labels = names.map((name) => `<div style="height:${rowHeight}px;line-height:${rowHeight}px;white-space:nowrap;font:12px sans-serif">${escapeHtml(name)}</div>`).join('');
  return `<figure class="reconstruction-grid" style="margin:0"><div style="display:flex;align-items:flex-start"><div style="padding-top:4px;margin-right:8px;text-align:right">${labels}</div>` +
    `<img alt="reconstructions" src="data:image/png;base64,${png.toString('base64')}"></div>` +
    '<figcaption style="font:12px sans-serif;color:#555">Top row: test digits; other rows: their reconstructions by each configuration.</figcaption></figure>';
}

/** Dead-unit fraction per ReLU layer over epochs (mean over seeds), one line per configuration × layer. */
export function deadUnitsFigure(runs: ExperimentRun[], options: { title?: string } = {}): Figure {
  const data: Record<string, unknown>[] = [];
  labelsInOrder(runs).forEach((label, labelIndex) => {
    const own = runs.filter((run) => run.label === label);
    const layerCount = own[0]?.result.history[0]?.deadFraction.length ?? 0;
    for (let layer = 0; layer < layerCount; layer++) {
      if (own[0].result.history[0].deadFraction[layer] === null) continue;
      const byEpoch = new Map<number, number[]>();
      for (const run of own) for (const record of run.result.history) {
        const value = record.deadFraction[layer];
        if (value !== null) byEpoch.set(record.epoch, [...(byEpoch.get(record.epoch) ?? []), value]);
      }
      const epochs = [...byEpoch.keys()].sort((a, b) => a - b);
      const isOutput = layer === layerCount - 1;
      data.push({
        type: 'scatter', mode: 'lines+markers', x: epochs, y: epochs.map((epoch) => summarize(byEpoch.get(epoch) as number[]).mean),
        name: `${label} · ${isOutput ? 'output pixels' : `layer ${layer + 1}`}`, line: { color: PALETTE[labelIndex % PALETTE.length], dash: ['solid', 'dot', 'dash', 'dashdot', 'longdash', 'longdashdot'][layer % 6] },
      });
    }
  });
  return {
    data,
    layout: {
      title: { text: options.title ?? 'Dead ReLU units per layer (never active on the test set; mean over seeds)' },
      xaxis: { title: { text: 'epoch' }, dtick: 1 },
      yaxis: { title: { text: 'fraction of units dead' }, range: [0, 1] },
      height: 420,
      margin: { l: 70, r: 20, t: 50, b: 50 },
    },
  };
}

/**
 * A sweep: mean final test MSE against a numeric parameter (log x), one line per group, with the
 * range over seeds as error bars; diverged runs are drawn as crosses at the top of the chart.
 */
export function sweepSpec(
  rows: { group: string; parameter: number; seed: number; testMse: number | null }[],
  options: { title: string; parameterTitle: string; logarithmicY?: boolean },
): Record<string, unknown> {
  const finished = rows.filter((row) => row.testMse !== null);
  const keys = [...new Set(rows.map((row) => `${row.group}|${row.parameter}`))];
  const summaries = keys.flatMap((key) => {
    const [group, parameter] = [key.split('|')[0], Number(key.split('|')[1])];
    const values = finished.filter((row) => row.group === group && row.parameter === parameter).map((row) => row.testMse as number);
    if (values.length === 0) return [];
    // The seeds' range, not a t-interval: with few seeds a t-interval can reach below zero, which a log axis cannot show.
    const summary = summarize(values);
    return [{ group, parameter, mean: summary.mean, low: summary.minimum, high: summary.maximum }];
  });
  const top = Math.max(...finished.map((row) => row.testMse as number), 0.1);
  const diverged = rows.filter((row) => row.testMse === null).map((row) => ({ ...row, shownAt: top }));
  const x = { field: 'parameter', type: 'quantitative', scale: { type: 'log' }, title: options.parameterTitle, axis: { format: '~g' } };
  const yScale = options.logarithmicY === false ? { zero: false } : { type: 'log' };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: options.title,
    width: 460,
    height: 300,
    layer: [
      { data: { values: summaries }, mark: { type: 'line', point: true }, encoding: { x, y: { field: 'mean', type: 'quantitative', scale: yScale, title: 'final test MSE (mean over seeds)' }, color: { field: 'group', type: 'nominal', title: null, scale: { range: PALETTE } } } },
      { data: { values: summaries }, mark: { type: 'rule' }, encoding: { x, y: { field: 'low', type: 'quantitative', scale: yScale }, y2: { field: 'high' }, color: { field: 'group', type: 'nominal' } } },
      { data: { values: diverged }, mark: { type: 'point', shape: 'cross', size: 120, filled: true }, encoding: { x, y: { field: 'shownAt', type: 'quantitative', scale: yScale }, color: { field: 'group', type: 'nominal' }, tooltip: [{ field: 'group' }, { field: 'seed' }] } },
    ],
  };
}

/** Sparsity against reconstruction error, one point per run, labelled with the penalty. */
export function tradeoffSpec(rows: { penalty: number; seed: number; sparsity: number; testMse: number }[], title: string): Record<string, unknown> {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title,
    width: 460,
    height: 300,
    data: { values: rows.map((row) => ({ ...row, penaltyLabel: `λ = ${row.penalty}` })) },
    mark: { type: 'point', filled: true, size: 70 },
    encoding: {
      x: { field: 'sparsity', type: 'quantitative', title: 'hidden activations exactly zero (fraction)', scale: { domain: [0, 1] } },
      y: { field: 'testMse', type: 'quantitative', title: 'final test MSE', scale: { zero: false } },
      color: { field: 'penaltyLabel', type: 'nominal', title: 'L1 penalty', scale: { range: PALETTE } },
    },
  };
}
