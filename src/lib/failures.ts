/**
 * When a run counts as failed: the one definition every page, table and failure rate uses.
 * Divergence is a failure, and so is a collapse that the final test MSE alone can hide.
 */
import { binomialInterval } from './robustStats';
import { RunResult } from './runs/index';

/** The definition in words, as the pages print it. */
export const FAILURE_DEFINITION =
  'A run fails when it diverged; when a unit of its code (the bottleneck) is dead or collapsed on the test set — a ReLU code unit that is 0 for every test digit, or a code dimension whose spread over the test digits is below 1e-6; or when every unit of another hidden layer is dead (0 for every test digit), so that its output no longer depends on the input. Dead units short of a whole layer are a diagnostic, not a failure: the pages show them, and their cost is in the test MSE. Dead pixels of a ReLU output layer are not counted either: they are the output\'s own handicap, measured by its test MSE.';

/** Why a run failed, or null when it did not (see FAILURE_DEFINITION). */
export function runFailure(result: Pick<RunResult, 'diverged' | 'final' | 'config'>): string | null {
  if (result.diverged) return 'diverged';
  const final = result.final;
  if (!final) return null;
  const layerSizes = result.config.kind === 'autoencoder' ? result.config.autoencoder.layerSizes : null;
  const codeIndex = layerSizes ? (layerSizes.length - 1) / 2 - 1 : -1;
  const reasons: string[] = [];
  const deadCode = codeIndex >= 0 ? final.deadFraction[codeIndex] : null;
  if (typeof deadCode === 'number' && deadCode > 0) reasons.push(`${Math.round(deadCode * (layerSizes as number[])[codeIndex + 1])} dead code unit(s)`);
  else if (final.code && final.code.collapsedDimensionFraction > 0) reasons.push('a collapsed code dimension');
  // A whole layer, not a share of it: in the first version, "more than half of a layer dead" flagged
  // half of the reference arm's runs in a default build (most often the 64-unit layer after the 2-D code,
  // whose units see a 2-D input and die by the half-plane), runs whose test MSE was as good as the
  // others'. A layer with every unit dead passes a constant on, and the network reconstructs one image.
  final.deadFraction.forEach((fraction, index) => {
    if (index === codeIndex || index === final.deadFraction.length - 1 || fraction === null) return;
    if (fraction >= 1) reasons.push(`hidden layer ${index + 1} dead`);
  });
  return reasons.length > 0 ? reasons.join('; ') : null;
}

/** How often the runs of one group (a configuration, an arm) failed, with an exact 95% interval of the rate. */
export interface FailureCount {
  group: string;
  runs: number;
  failed: number;
  rate: number;
  interval: [number, number];
  /** How many failed runs had each kind of failure (the first reason of each). */
  reasons: Record<string, number>;
}

/** Failure counts by group, in order of first appearance; each item is one run with its failure (runFailure) or null. */
export function countFailures(items: ReadonlyArray<{ group: string; failure: string | null }>): FailureCount[] {
  const groups = new Map<string, { runs: number; reasons: string[] }>();
  for (const item of items) {
    const entry = groups.get(item.group) ?? { runs: 0, reasons: [] };
    entry.runs++;
    if (item.failure) entry.reasons.push(item.failure.split('; ')[0].replace(/^\d+ /, ''));
    groups.set(item.group, entry);
  }
  return [...groups].map(([group, { runs, reasons }]) => ({
    group,
    runs,
    failed: reasons.length,
    rate: reasons.length / runs,
    interval: binomialInterval(reasons.length, runs),
    reasons: reasons.reduce<Record<string, number>>((counts, reason) => ({ ...counts, [reason]: (counts[reason] ?? 0) + 1 }), {}),
  }));
}

/** "3 of 50 (6%, 95% interval 1.3–16.5%)": a failure count in words. */
export function failureText(count: Pick<FailureCount, 'failed' | 'runs' | 'interval'>): string {
  const percent = (value: number): string => `${(100 * value).toFixed(value < 0.1 ? 1 : 0)}%`;
  return `${count.failed} of ${count.runs} (${percent(count.failed / count.runs)}, 95% interval ${percent(count.interval[0])}–${percent(count.interval[1])})`;
}
