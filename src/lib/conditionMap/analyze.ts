/**
 * Reading a condition map's runs: one entry per comparison × condition × budget, read from the runs'
 * per-epoch history (with a constant rate and per-epoch shuffles drawn from the seed, epoch k of a
 * long run is exactly a k-epoch run, so every shorter budget is free), and Holm's adjustment over
 * the map at each condition's full budget.
 *
 *   runs ─▶ per condition, per budget: each arm's rate (its own, or the best on validation)
 *        ─▶ per comparison: paired test MSE over the seeds ─▶ verdict, interval, p-value
 */
import { ExperimentRun } from '../experiment/runner';
import { resolveAutoencoderRunConfig } from '../runs/autoencoder';
import { holmMarginVerdicts, MarginVerdict, MarginVerdicts, marginVerdicts } from '../margins';
import { comparePaired, holmAdjustedVerdicts, PairedComparison, ValuesBySeed, Verdict } from '../stats';
import { ConditionMapSpec, MapConfiguration, mergeRun } from './spec';

/** One comparison under one condition at one budget. */
export interface MapEntry {
  comparison: string;
  /** The comparison's group (the report's claim id), when it has one. */
  group?: string;
  /** The condition's id. */
  condition: string;
  /** The budget read, in epochs and in optimizer updates (steps). */
  epochs: number;
  updates: number;
  verdict: Verdict;
  meanDifference: number;
  interval: [number, number];
  /** The baseline's mean test MSE over the paired seeds. */
  baselineMean: number;
  /** Mean difference over the baseline's mean. */
  relativeDifference: number;
  pValue: number;
  /** Seeds paired (both finished). */
  seeds: number;
  divergedSeeds: { baseline: number[]; candidate: number[] };
  /** The rate each side ran at. */
  rates: { baseline: number; candidate: number };
  /** Margin verdicts at δ/2, δ and 2δ, when the spec declares a margin. */
  margins?: MarginVerdicts;
}

/**
 * The budgets read: every epoch up to 6, then steps of about a quarter (even on a log axis),
 * always ending at the full budget. Any other budget can be read from the runs' histories.
 */
export function budgetEpochs(maximum: number): number[] {
  const epochs: number[] = [];
  for (let epoch = 1; epoch <= maximum; epoch = epoch < 6 ? epoch + 1 : Math.max(epoch + 1, Math.round(epoch * 1.25))) epochs.push(epoch);
  if (epochs[epochs.length - 1] !== maximum) epochs.push(maximum);
  return epochs;
}

/** The test MSE after `epochs` epochs, or null when the run had diverged by then. */
function testMseAt(run: ExperimentRun, epochs: number): number | null {
  const record = run.result.history[epochs - 1];
  return record ? record.testMse : null;
}

function validationMseAt(run: ExperimentRun, epochs: number): number | null {
  const record = run.result.history[epochs - 1];
  return record && record.validationMse !== null ? record.validationMse : null;
}

/** The rate with the lowest mean validation MSE after `epochs` epochs; a rate with a diverged seed never wins. */
export function bestRateByValidation(byRate: Map<number, ExperimentRun[]>, epochs: number): number {
  let best: { rate: number; mean: number } | null = null;
  for (const [rate, own] of [...byRate].sort((a, b) => a[0] - b[0])) {
    const values = own.map((run) => validationMseAt(run, epochs));
    const mean = values.some((value) => value === null) ? Infinity : (values as number[]).reduce((total, value) => total + value, 0) / values.length;
    if (!best || mean < best.mean) best = { rate, mean };
  }
  if (!best) throw new Error('an arm without runs');
  return best.rate;
}

/** A condition's shape: its full budget and its updates per epoch (from the first arm's resolved run). */
function conditionShape(spec: ConditionMapSpec, conditionId: string): { epochs: number; updatesPerEpoch: number } {
  const condition = spec.conditions.find((entry) => entry.id === conditionId);
  if (!condition) throw new Error(`unknown condition ${JSON.stringify(conditionId)}`);
  const configs = spec.arms.map((arm) => resolveAutoencoderRunConfig(mergeRun(arm.run, condition.run)));
  const config = configs[0];
  return {
    epochs: Math.min(...configs.map((entry) => entry.training.epochs)),
    updatesPerEpoch: Math.ceil((config.data.trainSize - config.data.validationSize) / config.training.batchSize),
  };
}

/** Every comparison × condition × budget; see the module comment. */
export function analyzeConditionMap(spec: ConditionMapSpec, configurations: MapConfiguration[], runs: ExperimentRun[]): MapEntry[] {
  const runsByLabel = new Map<string, ExperimentRun[]>();
  for (const run of runs) runsByLabel.set(run.label, [...(runsByLabel.get(run.label) ?? []), run]);
  const entries: MapEntry[] = [];
  for (const condition of spec.conditions) {
    const shape = conditionShape(spec, condition.id);
    /** An arm's runs under this condition, by rate. */
    const armRuns = (armId: string): Map<number, ExperimentRun[]> => new Map(configurations
      .filter((configuration) => configuration.arm === armId && configuration.conditions.includes(condition.id))
      .map((configuration) => [configuration.rate, runsByLabel.get(configuration.label) ?? []]));
    const byArm = new Map(spec.arms.map((arm) => [arm.id, armRuns(arm.id)]));
    for (const epochs of budgetEpochs(shape.epochs)) {
      // Under the rate choice 'arm', an arm has one configuration in the condition: its own rate.
      const rateOf = (armId: string): number => condition.rate.kind === 'arm'
        ? [...(byArm.get(armId) as Map<number, ExperimentRun[]>).keys()][0]
        : bestRateByValidation(byArm.get(armId) as Map<number, ExperimentRun[]>, epochs);
      for (const comparison of spec.comparisons) {
        const rates = { baseline: rateOf(comparison.baseline), candidate: rateOf(comparison.candidate) };
        const values = (armId: string, rate: number): ValuesBySeed =>
          Object.fromEntries(((byArm.get(armId) as Map<number, ExperimentRun[]>).get(rate) ?? []).map((run) => [run.seed, testMseAt(run, epochs)]));
        const result: PairedComparison = comparePaired(values(comparison.baseline, rates.baseline), values(comparison.candidate, rates.candidate));
        entries.push({
          comparison: comparison.name,
          ...(comparison.group !== undefined ? { group: comparison.group } : {}),
          condition: condition.id,
          epochs,
          updates: epochs * shape.updatesPerEpoch,
          verdict: result.verdict,
          meanDifference: result.meanDifference,
          interval: result.interval,
          baselineMean: result.baseline.mean,
          relativeDifference: result.relativeDifference,
          pValue: result.pValue,
          seeds: result.pairedSeeds.length,
          divergedSeeds: result.divergedSeeds,
          rates,
          ...(spec.margin !== undefined ? { margins: marginVerdicts({ interval: result.interval, baselineMean: result.baseline.mean }, spec.margin) } : {}),
        });
      }
    }
  }
  return entries;
}

/** The entries at each condition's full budget: the verdict map. */
export function entriesAtFullBudget(entries: MapEntry[]): MapEntry[] {
  const full = new Map<string, number>();
  for (const entry of entries) full.set(entry.condition, Math.max(full.get(entry.condition) ?? 0, entry.epochs));
  return entries.filter((entry) => entry.epochs === full.get(entry.condition));
}

/** Holm-adjusted verdicts over a family of entries (the map at full budget), in their order. */
export function holmVerdicts(entries: MapEntry[]): Verdict[] {
  return holmAdjustedVerdicts(entries.map((entry) => ({ result: entry })));
}

/** Holm-adjusted margin verdicts at δ over a family of entries (margins.ts holmMarginVerdicts), in their order. */
export function holmMarginVerdictsOf(entries: MapEntry[], margin: number): MarginVerdict[] {
  return holmMarginVerdicts(entries, margin);
}
