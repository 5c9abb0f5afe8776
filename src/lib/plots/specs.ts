/**
 * Pure functions from run results to vega-lite specs: the summary charts, which display/vega.ts
 * renders to static images. Every function is `name(runs, options)` and takes one run or many.
 */
import { meanInterval, summarize } from '../stats';
import { groupColours } from './palette';
import { asRuns, labelsInOrder, PlotRun, RunsInput } from './runs';

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v5.json';

function finished(run: PlotRun): boolean {
  return run.result.testMse !== null && run.result.diverged === null;
}

/** The label as shown: with the number of diverged runs, which have no value to plot. */
function shownLabel(runs: PlotRun[], label: string): string {
  const diverged = runs.filter((run) => run.label === label && !finished(run)).length;
  return diverged > 0 ? `${label} (${diverged} diverged)` : label;
}

/**
 * Final test MSE per configuration: one dot per seed, the mean as a tick, and its 95% t-interval as
 * a rule; dots coloured by arm. The axis fits the values, not zero.
 */
export function finalMetricSpec(input: RunsInput, options: { title?: string; metricTitle?: string } = {}): Record<string, unknown> {
  const runs = asRuns(input);
  const labels = labelsInOrder(runs);
  const colours = groupColours(runs.map((run) => run.group));
  const points: Record<string, unknown>[] = [];
  const summaries: Record<string, unknown>[] = [];
  for (const label of labels) {
    const shown = shownLabel(runs, label);
    const own = runs.filter((run) => run.label === label && finished(run));
    for (const run of own) points.push({ configuration: shown, group: run.group, seed: run.seed, testMse: run.result.testMse });
    const values = own.map((run) => run.result.testMse as number);
    if (values.length > 0) {
      const [low, high] = values.length > 1 ? meanInterval(values) : [values[0], values[0]];
      summaries.push({ configuration: shown, mean: summarize(values).mean, low, high });
    }
  }
  const order = labels.map((label) => shownLabel(runs, label));
  const y = { field: 'configuration', type: 'nominal', sort: order, title: null, axis: { labelLimit: 320 } };
  const groups = [...colours.keys()];
  return {
    $schema: SCHEMA,
    title: options.title ?? 'Final test MSE per configuration (dots: seeds; tick and bar: mean and 95% interval)',
    width: 460,
    height: { step: 34 },
    layer: [
      { data: { values: summaries }, mark: { type: 'rule', strokeWidth: 2, color: '#888' }, encoding: { y, x: { field: 'low', type: 'quantitative', scale: { zero: false }, title: options.metricTitle ?? 'test MSE' }, x2: { field: 'high' } } },
      { data: { values: summaries }, mark: { type: 'tick', thickness: 3, size: 22, color: '#222' }, encoding: { y, x: { field: 'mean', type: 'quantitative' } } },
      {
        data: { values: points }, mark: { type: 'point', filled: true, size: 60, opacity: 0.85 },
        encoding: { y, x: { field: 'testMse', type: 'quantitative' }, color: { field: 'group', type: 'nominal', title: null, scale: { domain: groups, range: groups.map((group) => colours.get(group)) } } },
      },
    ],
  };
}

/** Options of sweepSpec. */
export interface SweepOptions {
  /** The configuration parameter on the x axis (log scale), e.g. 'learningRate'. */
  parameter: string;
  parameterTitle?: string;
  title: string;
  logarithmicY?: boolean;
}

/**
 * A sweep: mean final test MSE against a numeric parameter of the configurations (log x), one line
 * per arm, the seeds' range as bars; diverged runs are drawn as crosses at the top of the chart.
 */
export function sweepSpec(input: RunsInput, options: SweepOptions): Record<string, unknown> {
  const runs = asRuns(input);
  const rows = runs.map((run) => {
    const value = run.parameters[options.parameter];
    if (typeof value !== 'number') throw new Error(`sweepSpec: run "${run.label}" has no numeric parameter ${options.parameter}`);
    return { group: run.group, parameter: value, seed: run.seed, testMse: finished(run) ? (run.result.testMse as number) : null };
  });
  const colours = groupColours(rows.map((row) => row.group));
  const groups = [...colours.keys()];
  const finishedRows = rows.filter((row) => row.testMse !== null);
  const keys = [...new Map(rows.map((row) => [`${row.group}|${row.parameter}`, row])).values()];
  const summaries = keys.flatMap(({ group, parameter }) => {
    const values = finishedRows.filter((row) => row.group === group && row.parameter === parameter).map((row) => row.testMse as number);
    if (values.length === 0) return [];
    // The seeds' range, not a t-interval: with few seeds a t-interval can reach below zero, which a log axis cannot show.
    const summary = summarize(values);
    return [{ group, parameter, mean: summary.mean, low: summary.minimum, high: summary.maximum }];
  });
  const top = Math.max(...finishedRows.map((row) => row.testMse as number), 0.1);
  const diverged = rows.filter((row) => row.testMse === null).map((row) => ({ ...row, shownAt: top }));
  const x = { field: 'parameter', type: 'quantitative', scale: { type: 'log' }, title: options.parameterTitle ?? options.parameter, axis: { format: '~g' } };
  const yScale = options.logarithmicY === false ? { zero: false } : { type: 'log' };
  const color = { field: 'group', type: 'nominal', title: null, scale: { domain: groups, range: groups.map((group) => colours.get(group)) } };
  return {
    $schema: SCHEMA,
    title: options.title,
    width: 460,
    height: 300,
    layer: [
      { data: { values: summaries }, mark: { type: 'line', point: true }, encoding: { x, y: { field: 'mean', type: 'quantitative', scale: yScale, title: 'final test MSE (mean over seeds)' }, color } },
      { data: { values: summaries }, mark: { type: 'rule' }, encoding: { x, y: { field: 'low', type: 'quantitative', scale: yScale }, y2: { field: 'high' }, color } },
      { data: { values: diverged }, mark: { type: 'point', shape: 'cross', size: 120, filled: true }, encoding: { x, y: { field: 'shownAt', type: 'quantitative', scale: yScale }, color } },
    ],
  };
}

/**
 * Sparsity against reconstruction error, one point per run, coloured by the value of a parameter
 * of the configurations (e.g. the L1 penalty).
 */
export function tradeoffSpec(input: RunsInput, options: { parameter: string; parameterTitle: string; title: string }): Record<string, unknown> {
  const runs = asRuns(input).filter((run) => finished(run) && run.result.final !== null);
  const rows = runs.map((run) => ({
    penaltyLabel: `${options.parameterTitle} = ${run.parameters[options.parameter]}`,
    seed: run.seed,
    sparsity: run.result.final?.hiddenSparsity,
    testMse: run.result.testMse,
  }));
  return {
    $schema: SCHEMA,
    title: options.title,
    width: 460,
    height: 300,
    data: { values: rows },
    mark: { type: 'point', filled: true, size: 70 },
    encoding: {
      x: { field: 'sparsity', type: 'quantitative', title: 'hidden activations exactly zero (fraction)', scale: { zero: false } },
      y: { field: 'testMse', type: 'quantitative', title: 'final test MSE', scale: { zero: false } },
      color: { field: 'penaltyLabel', type: 'nominal', title: options.parameterTitle, sort: [...new Set(rows.map((row) => row.penaltyLabel))] },
    },
  };
}
