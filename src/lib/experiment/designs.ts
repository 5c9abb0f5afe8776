/**
 * Laying out experiments: configurations under a profile, choosing the best setting of a grid
 * without the test set, and one summary row per configuration.
 */
import { DataOptionsInput } from '../data/index';
import { ActivationInput, InitializerName, OptimizerName } from '../spec';
import { summarize } from '../stats';
import { Profile } from './profiles';
import { Experiment, ExperimentConfiguration, ExperimentRun } from './runner';

/** Options of autoencoderConfiguration. */
export interface AutoencoderConfigurationOptions {
  label: string;
  /** The arm (decides the colour in plots); default the label. */
  group?: string;
  /** Sets epochs and the data (source and sizes). */
  profile: Profile;
  hidden: ActivationInput;
  bottleneck: ActivationInput;
  output: ActivationInput;
  /** Default 'adam'. */
  optimizer?: OptimizerName;
  /** Default 1e-3 (the thread's Adam rate). */
  learningRate?: number;
  /** Default 0. */
  l1ActivationPenalty?: number;
  /** Default the thread's 784-128-64-2-64-128-784. */
  layerSizes?: number[];
  /** Default the profile's. */
  epochs?: number;
  /** Default 'glorotUniform'. */
  initializer?: InitializerName;
  /** Data options beyond the profile's sizes (a source, a validation split). */
  data?: DataOptionsInput;
}

/**
 * A plain autoencoder configuration under a profile. Its `parameters` name every setting that an
 * experiment may vary (optimizer, learningRate, l1ActivationPenalty, initializer, epochs, data), so
 * tables and plots read them instead of parsing labels.
 */
export function autoencoderConfiguration(options: AutoencoderConfigurationOptions): ExperimentConfiguration {
  const optimizer = options.optimizer ?? 'adam';
  const learningRate = options.learningRate ?? 1e-3;
  const l1ActivationPenalty = options.l1ActivationPenalty ?? 0;
  const epochs = options.epochs ?? options.profile.epochs;
  const initializer = options.initializer ?? 'glorotUniform';
  const data = { ...options.profile.data, ...options.data };
  return {
    label: options.label,
    group: options.group ?? options.label,
    parameters: { optimizer, learningRate, l1ActivationPenalty, initializer, epochs, data: data.source ?? 'embedded', trainSize: data.trainSize ?? options.profile.data.trainSize },
    run: {
      autoencoder: {
        hiddenActivation: options.hidden,
        bottleneckActivation: options.bottleneck,
        outputActivation: options.output,
        initializer,
        ...(options.layerSizes ? { layerSizes: options.layerSizes } : {}),
      },
      training: { epochs, optimizer: { name: optimizer, learningRate }, l1ActivationPenalty },
      data,
    },
  };
}

/** Declares an experiment with the profile's seeds. */
export function experiment(name: string, profile: Profile, configurations: ExperimentConfiguration[]): Experiment {
  return { name, seeds: profile.seeds, configurations };
}

/** The mean final reconstruction loss on the training set. */
export function finalTrainLoss(run: ExperimentRun): number | null {
  const history = run.result.history;
  return history.length ? history[history.length - 1].trainReconstructionLoss : null;
}

/** The final MSE on the validation examples (null without a validation split). */
export function finalValidationMse(run: ExperimentRun): number | null {
  const history = run.result.history;
  return history.length ? history[history.length - 1].validationMse : null;
}

/** Mean of a metric per label; a label with a diverged or missing value counts as Infinity (worst). */
export function meanByLabel(runs: ExperimentRun[], metric: (run: ExperimentRun) => number | null): Map<string, number> {
  const sums = new Map<string, { sum: number; count: number; failed: boolean }>();
  for (const run of runs) {
    const entry = sums.get(run.label) ?? { sum: 0, count: 0, failed: false };
    const value = run.result.diverged ? null : metric(run);
    if (value === null || !Number.isFinite(value)) entry.failed = true;
    else {
      entry.sum += value;
      entry.count++;
    }
    sums.set(run.label, entry);
  }
  return new Map([...sums].map(([label, entry]) => [label, entry.failed || entry.count === 0 ? Infinity : entry.sum / entry.count]));
}

/** A grid's choice: the best label and whether it lies on the grid's edge (a better one may lie outside). */
export interface GridChoice {
  best: string;
  atEdge: boolean;
}

/**
 * Among the labels of a grid (in grid order), the one with the lowest mean of `metric` — never the
 * test MSE: choosing on the numbers a verdict is computed from would bias it.
 */
export function bestOnGrid(runs: ExperimentRun[], labels: string[], metric: (run: ExperimentRun) => number | null): GridChoice {
  const means = meanByLabel(runs.filter((run) => labels.includes(run.label)), metric);
  const best = labels.reduce((chosen, label) => ((means.get(label) ?? Infinity) < (means.get(chosen) ?? Infinity) ? label : chosen), labels[0]);
  return { best, atEdge: labels.length > 1 && (best === labels[0] || best === labels[labels.length - 1]) };
}

/** One row per configuration: mean, sd and range of the final test MSE, and diagnostics. */
export function configurationSummaryRows(runs: ExperimentRun[]): Record<string, unknown>[] {
  return [...new Set(runs.map((run) => run.label))].map((label) => {
    const own = runs.filter((run) => run.label === label);
    const values = own.filter((run) => run.result.testMse !== null && !run.result.diverged).map((run) => run.result.testMse as number);
    const summary = summarize(values);
    const outputDead = own.map((run) => run.result.final?.deadFraction[run.result.final.deadFraction.length - 1]).filter((value): value is number => typeof value === 'number');
    const zeroCodes = own.map((run) => run.result.final?.code?.zeroCodeFraction).filter((value): value is number => typeof value === 'number');
    return {
      configuration: label,
      seeds: own.length,
      meanTestMse: values.length ? summary.mean : null,
      sdTestMse: values.length > 1 ? summary.standardDeviation : null,
      minTestMse: values.length ? summary.minimum : null,
      maxTestMse: values.length ? summary.maximum : null,
      diverged: own.length - values.length,
      deadOutputPixels: outputDead.length ? summarize(outputDead).mean : null,
      zeroCodeFraction: zeroCodes.length ? summarize(zeroCodes).mean : null,
    };
  });
}

/** The columns that go with configurationSummaryRows. */
export const SUMMARY_COLUMNS = [
  { key: 'configuration' },
  { key: 'seeds' },
  { key: 'meanTestMse', label: 'mean test MSE', digits: 5 },
  { key: 'sdTestMse', label: 'sd', digits: 5 },
  { key: 'minTestMse', label: 'min', digits: 5 },
  { key: 'maxTestMse', label: 'max', digits: 5 },
  { key: 'diverged' },
  { key: 'deadOutputPixels', label: 'dead output pixels (ReLU output)', digits: 3 },
  { key: 'zeroCodeFraction', label: 'all-zero codes', digits: 3 },
];
