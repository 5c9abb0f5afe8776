/**
 * The condition map: a comparison re-run under every condition of a question and read at every
 * budget, with Holm's adjustment over the map, so that a verdict comes with where it holds. Your
 * arms, comparisons and conditions are data (spec.ts); the runs go through the same cache, worker
 * processes and job queue as every experiment.
 *
 *   planConditionMap(spec) ─▶ run count, cached runs and a time estimate, before anything trains
 *   runConditionMap(spec)  ─▶ runs ─▶ entries (comparison × condition × budget), the map at full
 *                             budget, and its Holm-adjusted verdicts
 */
import { Experiment, ExperimentResult, planExperiment, runExperiment, RunExperimentOptions } from '../experiment/runner';
import { resolveAutoencoderRunConfig } from '../runs/autoencoder';
import { Verdict } from '../stats';
import { MarginVerdict } from '../margins';
import { analyzeConditionMap, entriesAtFullBudget, holmMarginVerdictsOf, holmVerdicts, MapEntry } from './analyze';
import { ConditionMapSpec, MapConfiguration, mapConfigurations } from './spec';

export * from './analyze';
export * from './describe';
export * from './spec';

/** The experiment of a map: every distinct configuration once, with what it is in its parameters. */
export function conditionMapExperiment(spec: ConditionMapSpec): { experiment: Experiment; configurations: MapConfiguration[] } {
  const configurations = mapConfigurations(spec);
  const groups = new Map(spec.arms.map((arm) => [arm.id, arm.group ?? arm.id]));
  return {
    configurations,
    experiment: {
      name: spec.name,
      seeds: spec.seeds,
      configurations: configurations.map((configuration) => {
        const config = resolveAutoencoderRunConfig(configuration.run);
        return {
          label: configuration.label,
          group: groups.get(configuration.arm),
          parameters: {
            arm: configuration.arm,
            condition: configuration.conditions[0],
            optimizer: configuration.optimizer,
            learningRate: configuration.rate,
            initializer: config.autoencoder.initializer,
            data: config.data.source,
            trainSize: config.data.trainSize,
            epochs: config.training.epochs,
          },
          run: configuration.run,
        };
      }),
    },
  };
}

/** What a map will cost before it runs. */
export interface ConditionMapPlan {
  /** Distinct runs (configurations × seeds, shared runs counted once). */
  runs: number;
  /** Of those, already in the cache. */
  cachedRuns: number;
  estimatedSeconds: number;
  /** Local worker processes (0 in this process or through a job queue). */
  workers: number;
  executor: 'process' | 'workers' | 'queue';
}

/** Resolves every run of the map (a bad field fails here), reads the cache and estimates the time of the rest. */
export async function planConditionMap(spec: ConditionMapSpec, options: RunExperimentOptions = {}): Promise<ConditionMapPlan> {
  const { experiment } = conditionMapExperiment(spec);
  const plan = await planExperiment(experiment, options);
  const runs = new Set(plan.tasks.map((task) => task.key)).size;
  return { runs, cachedRuns: runs - plan.pending.length, estimatedSeconds: plan.estimatedSeconds, workers: plan.workers, executor: plan.executor };
}

export interface ConditionMapResult {
  spec: ConditionMapSpec;
  configurations: MapConfiguration[];
  experiment: ExperimentResult;
  /** Every comparison × condition × budget. */
  entries: MapEntry[];
  /** The entries at each condition's full budget, and their Holm-adjusted verdicts in the same order. */
  mapEntries: MapEntry[];
  holm: Verdict[];
  /** With a margin: the Holm-adjusted margin verdicts at δ of mapEntries, in the same order; else null. */
  holmMargins: MarginVerdict[] | null;
}

/** The map from runs already computed (a published record, a cache read): no training. */
export function conditionMapFromRuns(spec: ConditionMapSpec, experiment: ExperimentResult): ConditionMapResult {
  const configurations = mapConfigurations(spec);
  const entries = analyzeConditionMap(spec, configurations, experiment.runs);
  const mapEntries = entriesAtFullBudget(entries);
  return {
    spec, configurations, experiment, entries, mapEntries, holm: holmVerdicts(mapEntries),
    holmMargins: spec.margin !== undefined ? holmMarginVerdictsOf(mapEntries, spec.margin) : null,
  };
}

/** Runs every run of the map that is not cached, then reads it; see the module comment. */
export async function runConditionMap(spec: ConditionMapSpec, options: RunExperimentOptions = {}): Promise<ConditionMapResult> {
  const { experiment } = conditionMapExperiment(spec);
  return conditionMapFromRuns(spec, await runExperiment(experiment, options));
}
