/**
 * What every plot and diagnostic accepts: one run result, one experiment run, or many of either.
 * A bare result gets a label from its config, so `lossCurvesFigure(await trainAutoencoder(…))`
 * works without building an experiment.
 */
import { ExperimentRun } from '../experiment/runner';
import { Activation } from '../spec';
import { RunResult } from '../runs/index';

/** A run as plots see it. */
export interface PlotRun {
  label: string;
  /** The arm, which decides the colour (see palette.ts). */
  group: string;
  /** The configuration's named settings (e.g. learningRate), empty for a bare result. */
  parameters: Record<string, number | string | boolean>;
  seed: number;
  result: RunResult;
}

export type RunsInput = RunResult | ExperimentRun | PlotRun | ReadonlyArray<RunResult | ExperimentRun | PlotRun>;

function activationName(activation: Activation): string {
  if (activation.name === 'leakyRelu') return `leaky ReLU ${activation.slope}`;
  if (activation.name === 'elu') return activation.alpha === 1 ? 'ELU' : `ELU α=${activation.alpha}`;
  return activation.name === 'relu' ? 'ReLU' : activation.name;
}

/** A short description of a run's config: "ReLU · linear code · sigmoid out · adam 0.001". */
export function describeRunConfig(result: RunResult): string {
  const config = result.config;
  const optimizer = `${config.training.optimizer.name} ${config.training.optimizer.learningRate}`;
  if (config.kind === 'stackedDenoising') return `stacked DAE ${config.recipe.hiddenSizes.join('-')} · ${optimizer}`;
  const spec = config.autoencoder;
  return `${activationName(spec.hiddenActivation)} · ${activationName(spec.bottleneckActivation)} code · ${activationName(spec.outputActivation)} out · ${optimizer}`;
}

function isRunResult(value: RunResult | ExperimentRun | PlotRun): value is RunResult {
  return 'config' in value && 'history' in value && !('result' in value);
}

/** Normalizes any RunsInput to a list of PlotRuns. */
export function asRuns(input: RunsInput): PlotRun[] {
  const list = (Array.isArray(input) ? input : [input]) as (RunResult | ExperimentRun | PlotRun)[];
  return list.map((entry) => {
    if (isRunResult(entry)) {
      const label = describeRunConfig(entry);
      return { label, group: label, parameters: {}, seed: entry.seed, result: entry };
    }
    return { label: entry.label, group: entry.group ?? entry.label, parameters: entry.parameters ?? {}, seed: entry.seed, result: entry.result };
  });
}

/** Labels in order of first appearance. */
export function labelsInOrder(runs: PlotRun[]): string[] {
  return [...new Set(runs.map((run) => run.label))];
}
