/**
 * Pure functions from run results to plotly figures: the interactive charts (curves over epochs,
 * code scatters). Every function is `name(runs, options)`, takes one run or many (plots/runs.ts),
 * and colours each arm as palette.ts says. Nothing is rendered here, so figures are tested as data.
 */
import { summarize } from '../stats';
import { StackedDenoisingResult } from '../runs/index';
import { DASH_STYLES, groupColours } from './palette';
import { asRuns, labelsInOrder, PlotRun, RunsInput } from './runs';

/** A plotly figure; see https://plotly.com/javascript/reference/. */
export interface Figure {
  data: Record<string, unknown>[];
  layout: Record<string, unknown>;
}

/** Per label: its colour (by group) and a dash that tells it from other labels of the same group. */
function styles(runs: PlotRun[]): Map<string, { colour: string; dash: string }> {
  const colours = groupColours(runs.map((run) => run.group));
  const seenPerGroup = new Map<string, number>();
  const result = new Map<string, { colour: string; dash: string }>();
  for (const label of labelsInOrder(runs)) {
    const group = (runs.find((run) => run.label === label) as PlotRun).group;
    const index = seenPerGroup.get(group) ?? 0;
    seenPerGroup.set(group, index + 1);
    result.set(label, { colour: colours.get(group) as string, dash: DASH_STYLES[index % DASH_STYLES.length] });
  }
  return result;
}

/** Per epoch, the mean over seeds of a history field (diverged runs contribute what they have). */
function meanCurve(runs: PlotRun[], field: 'trainLoss' | 'testMse'): { epochs: number[]; means: number[] } {
  const byEpoch = new Map<number, number[]>();
  for (const run of runs) for (const record of run.result.history) {
    const list = byEpoch.get(record.epoch) ?? [];
    list.push(record[field]);
    byEpoch.set(record.epoch, list);
  }
  const epochs = [...byEpoch.keys()].sort((a, b) => a - b);
  return { epochs, means: epochs.map((epoch) => summarize(byEpoch.get(epoch) as number[]).mean) };
}

/** The x-axis of an epoch count: one tick per epoch when few, automatic when many. */
function epochAxis(runs: PlotRun[]): Record<string, unknown> {
  const most = Math.max(1, ...runs.map((run) => run.result.history.length));
  return { title: { text: 'epoch' }, ...(most <= 20 ? { dtick: 1 } : {}) };
}

/** Options of lossCurvesFigure. */
export interface LossCurvesOptions {
  title?: string;
  /** Logarithmic y axis. Default true (losses span decades early on). */
  logarithmic?: boolean;
  height?: number;
}

/**
 * Train loss (dashed) and test MSE (solid) per epoch, mean over seeds, one colour per arm; each
 * seed's test curve is drawn thin behind the mean so the spread shows.
 */
export function lossCurvesFigure(input: RunsInput, options: LossCurvesOptions = {}): Figure {
  const runs = asRuns(input).filter((run) => run.result.history.length > 0);
  const style = styles(runs);
  const data: Record<string, unknown>[] = [];
  for (const label of labelsInOrder(runs)) {
    const { colour, dash } = style.get(label) as { colour: string; dash: string };
    const own = runs.filter((run) => run.label === label);
    for (const run of own) {
      data.push({
        type: 'scatter', mode: 'lines', x: run.result.history.map((record) => record.epoch), y: run.result.history.map((record) => record.testMse),
        line: { color: colour, width: 0.7, dash }, opacity: 0.35, legendgroup: label, showlegend: false, hoverinfo: 'skip', name: `${label} seed ${run.seed}`,
      });
    }
    const test = meanCurve(own, 'testMse');
    const train = meanCurve(own, 'trainLoss');
    data.push({ type: 'scatter', mode: 'lines+markers', x: test.epochs, y: test.means, name: `${label} · test MSE`, legendgroup: label, line: { color: colour, width: 2.5, dash }, marker: { size: 4 } });
    data.push({ type: 'scatter', mode: 'lines', x: train.epochs, y: train.means, name: `${label} · train loss`, legendgroup: label, line: { color: colour, width: 1.2, dash: 'dot' }, opacity: 0.8 });
  }
  return {
    data,
    layout: {
      title: { text: options.title ?? 'Loss per epoch (mean over seeds; thin lines: each seed’s test MSE; dotted: train loss)' },
      xaxis: epochAxis(runs),
      yaxis: { title: { text: 'loss (MSE)' }, type: options.logarithmic === false ? 'linear' : 'log' },
      height: options.height ?? 460,
      margin: { l: 70, r: 20, t: 50, b: 50 },
      legend: { font: { size: 11 } },
    },
  };
}

/** Points per run in a code scatter: enough for the classes' shapes, few enough to keep a page light. */
const MAX_CODE_POINTS = 500;

/** Ten colours for the ten classes of the code scatter (by class, not by arm). */
const CLASS_COLOURS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

/** How a run's points were made, for axis titles. */
function projectionAxes(run: PlotRun): { x: string; y: string; note: string } {
  const projection = run.result.samples?.codeProjection;
  if (!projection || projection.kind === 'identity') return { x: 'code 1', y: 'code 2', note: '' };
  const [first, second] = projection.explainedVariance.map((share) => `${(100 * share).toFixed(0)}%`);
  return { x: `principal component 1 (${first} of variance)`, y: `principal component 2 (${second})`, note: ` (a ${projection.latentSize}-D code, projected on its first two principal components)` };
}

/**
 * The code of test examples in the plane, coloured by class, one panel per run. A code wider than
 * 2 is shown as its first two principal components, and the axis titles say so.
 */
export function codeScatterFigure(input: RunsInput, options: { title?: string } = {}): Figure {
  const runs = asRuns(input);
  const data: Record<string, unknown>[] = [];
  const annotations: Record<string, unknown>[] = [];
  const layout: Record<string, unknown> = {};
  const width = 1 / Math.max(1, runs.length);
  runs.forEach((run, index) => {
    const axis = index === 0 ? '' : String(index + 1);
    const allCodes = run.result.samples?.codes ?? [];
    const step = Math.max(1, Math.ceil(allCodes.length / MAX_CODE_POINTS));
    const codes = allCodes.filter((_, index) => index % step === 0);
    for (let label = 0; label < 10; label++) {
      const own = codes.filter((point) => point.label === label);
      data.push({
        type: 'scatter', mode: 'markers', name: String(label), x: own.map((point) => point.x), y: own.map((point) => point.y),
        marker: { size: 5, color: CLASS_COLOURS[label], opacity: 0.75 }, xaxis: `x${axis}`, yaxis: `y${axis}`, showlegend: index === 0, legendgroup: String(label),
      });
    }
    const names = projectionAxes(run);
    layout[`xaxis${axis}`] = { domain: [index * width + 0.03, (index + 1) * width - 0.03], title: { text: names.x }, zeroline: true };
    layout[`yaxis${axis}`] = { anchor: `x${axis}`, title: index === 0 ? { text: names.y } : undefined, zeroline: true };
    if (runs.length > 1) annotations.push({ text: `${run.label}, seed ${run.seed}`, xref: 'paper', yref: 'paper', x: index * width + width / 2, y: 1.02, showarrow: false, xanchor: 'center', yanchor: 'bottom' });
  });
  const single = runs.length === 1 ? ` · ${runs[0].label}, seed ${runs[0].seed}${projectionAxes(runs[0]).note}` : '';
  const kept = runs[0]?.result.samples?.codes.length ?? 0;
  const count = Math.ceil(kept / Math.max(1, Math.ceil(kept / MAX_CODE_POINTS)));
  return {
    data,
    layout: {
      ...layout,
      annotations,
      title: { text: options.title ?? `Code of ${count} test examples, coloured by class${single}`, y: 0.98 },
      height: 440,
      margin: { l: 60, r: 20, t: runs.length > 1 ? 80 : 50, b: 50 },
      legend: { title: { text: 'class' } },
    },
  };
}

/** Dead-unit fraction per ReLU layer over epochs (mean over seeds), one line per configuration × layer. */
export function deadUnitsFigure(input: RunsInput, options: { title?: string } = {}): Figure {
  const runs = asRuns(input);
  const style = styles(runs);
  const data: Record<string, unknown>[] = [];
  let highest = 0;
  for (const label of labelsInOrder(runs)) {
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
      const means = epochs.map((epoch) => summarize(byEpoch.get(epoch) as number[]).mean);
      highest = Math.max(highest, ...means);
      const isOutput = layer === layerCount - 1;
      data.push({
        type: 'scatter', mode: 'lines+markers', x: epochs, y: means, marker: { size: 4 },
        name: `${label} · ${isOutput ? 'output pixels' : `layer ${layer + 1}`}`,
        line: { color: (style.get(label) as { colour: string }).colour, dash: DASH_STYLES[layer % DASH_STYLES.length] },
      });
    }
  }
  return {
    data,
    layout: {
      title: { text: options.title ?? 'Dead ReLU units per layer (never active on the test set; mean over seeds)' },
      xaxis: epochAxis(runs),
      // The axis fits the data, with head room; it starts at 0, where "no dead units" is.
      yaxis: { title: { text: 'fraction of units dead' }, range: [0, Math.min(1, Math.max(0.05, highest * 1.15))] },
      height: 420,
      margin: { l: 70, r: 20, t: 50, b: 50 },
    },
  };
}

/** The test loss of each stage of a stacked denoising run (each in its own loss and space). */
export function stagesFigure(result: StackedDenoisingResult, options: { title?: string } = {}): Figure {
  const colours = groupColours(result.stages.map((stage) => stage.name));
  return {
    data: result.stages.map((stage) => ({
      type: 'scatter', mode: 'lines+markers', name: stage.name, x: stage.history.map((record) => record.epoch), y: stage.history.map((record) => record.testLoss),
      line: { color: colours.get(stage.name) },
    })),
    layout: {
      title: { text: options.title ?? `Test loss per stage, seed ${result.seed} (each stage in its own loss and space)` },
      xaxis: { title: { text: 'epoch' } },
      yaxis: { title: { text: 'test loss' }, type: 'log' },
      height: 380,
      margin: { l: 70, r: 20, t: 50, b: 50 },
    },
  };
}
