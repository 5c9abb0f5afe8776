/**
 * Paired comparisons of an experiment's configurations: per seed, the metric of a baseline against
 * a candidate (lower is better), with the t-interval and verdict of stats.ts.
 */
import { ExperimentRun } from './experiment/runner';
import { analyzeMargins, MarginAnalysis } from './margins';
import { comparePaired, PairedComparison, ValuesBySeed } from './stats';

/** The values of a metric per seed for one label (null where the run diverged). */
export function valuesBySeed(runs: ExperimentRun[], label: string, metric: (run: ExperimentRun) => number | null = (run) => run.result.testMse): ValuesBySeed {
  const values: ValuesBySeed = {};
  const matching = runs.filter((run) => run.label === label);
  if (matching.length === 0) throw new Error(`no runs labelled ${JSON.stringify(label)}; labels are ${[...new Set(runs.map((run) => run.label))].join(', ')}`);
  for (const run of matching) values[run.seed] = run.result.diverged ? null : metric(run);
  return values;
}

/** One comparison: is `candidate` lower (better) than `baseline`? */
export interface Comparison {
  name: string;
  baselineLabel: string;
  candidateLabel: string;
  /** Primary comparisons decide a claim's verdict; others are shown for context. */
  primary: boolean;
  /** What was compared (lower is better), e.g. "test MSE". */
  metricName: string;
  result: PairedComparison;
  /** Verdicts against a practical margin and the robust companions, when a margin was given. */
  margins?: MarginAnalysis;
}

export interface CompareOptions {
  /** Default true. */
  primary?: boolean;
  /** Lower-is-better metric of a run; default the final test MSE. */
  metric?: (run: ExperimentRun) => number | null;
  metricName?: string;
  /** A practical margin δ (a fraction of the baseline's mean, e.g. 0.02): adds margin verdicts (margins.ts). */
  margin?: number;
}

/** Pairs two labels' runs by seed and compares them; see stats.ts for the verdict rule. */
export function compareLabels(runs: ExperimentRun[], name: string, baselineLabel: string, candidateLabel: string, options: CompareOptions = {}): Comparison {
  const comparison: Comparison = {
    name,
    baselineLabel,
    candidateLabel,
    primary: options.primary ?? true,
    metricName: options.metricName ?? 'test MSE',
    result: comparePaired(valuesBySeed(runs, baselineLabel, options.metric), valuesBySeed(runs, candidateLabel, options.metric)),
  };
  return options.margin === undefined ? comparison : withMargins(comparison, options.margin);
}

/** A comparison with its margin analysis at δ = `margin`. */
export function withMargins(comparison: Comparison, margin: number): Comparison {
  return { ...comparison, margins: analyzeMargins(comparison.result, margin) };
}

/** One comparison as a sentence with its numbers. */
export function describeComparison(comparison: Comparison): string {
  const result = comparison.result;
  const format = (value: number): string => (Number.isFinite(value) ? value.toPrecision(3) : String(value));
  return (
    `${comparison.candidateLabel} vs ${comparison.baselineLabel}: ${comparison.metricName} ${format(result.candidate.mean)} ± ${format(result.candidate.standardDeviation)} ` +
    `vs ${format(result.baseline.mean)} ± ${format(result.baseline.standardDeviation)} (mean ± sd over ${result.pairedSeeds.length} seeds); ` +
    `paired difference (baseline − candidate) ${format(result.meanDifference)} ` +
    `(${Number.isFinite(result.relativeDifference) ? (100 * result.relativeDifference).toFixed(1) : '?'}% of the baseline), ${result.reason} → ${result.verdict}`
  );
}
