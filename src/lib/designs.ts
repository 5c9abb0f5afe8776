/**
 * How the claims' experiments are laid out: configurations under a profile, learning-rate grids,
 * penalty sweeps, choosing the best rate of a grid without the test set, and summary rows.
 */
import { Profile } from './experiment/profiles';
import { Experiment, ExperimentConfiguration, ExperimentRun } from './experiment/runner';
import { ActivationInput, OptimizerName } from './spec';
import { summarize } from './stats';

/** The data and schedule a profile sets for every run. */
function base(profile: Profile): { training: { epochs: number }; data: { trainSize: number; testSize: number } } {
  return { training: { epochs: profile.epochs }, data: { trainSize: profile.trainSize, testSize: profile.testSize } };
}

/** A plain autoencoder configuration under a profile: activations as hidden/bottleneck/output. */
export function autoencoderConfiguration(
  label: string,
  profile: Profile,
  activations: { hidden: ActivationInput; bottleneck: ActivationInput; output: ActivationInput },
  extra: { learningRate?: number; optimizer?: OptimizerName; l1ActivationPenalty?: number; layerSizes?: number[]; epochs?: number } = {},
): ExperimentConfiguration {
  const settings = base(profile);
  return {
    label,
    run: {
      autoencoder: {
        hiddenActivation: activations.hidden,
        bottleneckActivation: activations.bottleneck,
        outputActivation: activations.output,
        ...(extra.layerSizes ? { layerSizes: extra.layerSizes } : {}),
      },
      training: {
        ...settings.training,
        ...(extra.epochs ? { epochs: extra.epochs } : {}),
        optimizer: { name: extra.optimizer ?? 'adam', learningRate: extra.learningRate ?? 1e-3 },
        l1ActivationPenalty: extra.l1ActivationPenalty ?? 0,
      },
      data: settings.data,
    },
  };
}

/** The mean final reconstruction loss on the training set, for choosing a learning rate without the test set. */
export function finalTrainLoss(run: ExperimentRun): number | null {
  const history = run.result.history;
  return history.length ? history[history.length - 1].trainReconstructionLoss : null;
}

/** Among labels, the one with the lowest mean of a metric (diverged counts as worst). */
export function bestLabel(runs: ExperimentRun[], labels: string[], metric: (run: ExperimentRun) => number | null = finalTrainLoss): string {
  const means = meanByLabel(runs.filter((run) => labels.includes(run.label)), metric);
  return labels.reduce((best, label) => ((means.get(label) ?? Infinity) < (means.get(best) ?? Infinity) ? label : best), labels[0]);
}

/** Mean of a metric per label, for choosing the best learning rate of a sweep. */
export function meanByLabel(runs: ExperimentRun[], metric: (run: ExperimentRun) => number | null): Map<string, number> {
  const sums = new Map<string, { sum: number; count: number; diverged: boolean }>();
  for (const run of runs) {
    const entry = sums.get(run.label) ?? { sum: 0, count: 0, diverged: false };
    const value = run.result.diverged ? null : metric(run);
    if (value === null || !Number.isFinite(value)) entry.diverged = true;
    else {
      entry.sum += value;
      entry.count++;
    }
    sums.set(run.label, entry);
  }
  return new Map([...sums].map(([label, entry]) => [label, entry.diverged || entry.count === 0 ? Infinity : entry.sum / entry.count]));
}

/** Declares an experiment (a convenience that keeps notebooks short). */
export function experiment(name: string, profile: Profile, configurations: ExperimentConfiguration[]): Experiment {
  return { name, seeds: profile.seeds, configurations };
}

/** One row per configuration: mean, sd and range of the final test MSE, and diverged runs. */
export function configurationSummaryRows(runs: ExperimentRun[]): Record<string, unknown>[] {
  return [...new Set(runs.map((run) => run.label))].map((label) => {
    const own = runs.filter((run) => run.label === label);
    const values = own.filter((run) => run.result.testMse !== null && !run.result.diverged).map((run) => run.result.testMse as number);
    const summary = summarize(values);
    const outputDead = own.map((run) => run.result.final?.deadFraction[run.result.final.deadFraction.length - 1]).filter((value): value is number => typeof value === 'number');
    return {
      configuration: label,
      seeds: own.length,
      meanTestMse: summary.mean,
      sdTestMse: summary.standardDeviation,
      minTestMse: summary.minimum,
      maxTestMse: summary.maximum,
      diverged: own.length - values.length,
      deadOutputPixels: outputDead.length ? summarize(outputDead).mean : null,
      zeroCodeFraction: summarize(own.map((run) => run.result.final?.code.zeroCodeFraction).filter((value): value is number => typeof value === 'number')).mean,
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

/**
 * Learning-rate grids per optimizer, centred on each one's usual range (SGD needs far larger rates
 * than Adam), so every optimizer is compared at its own best rate.
 */
export function optimizerLearningRates(profile: Profile): Record<OptimizerName, number[]> {
  // Rates a factor 10 apart; the top of every grid is meant to be too large, so that a best rate
  // at the top edge would show the grid, not the optimizer, was the limit.
  const full: Record<OptimizerName, number[]> = {
    adam: [1e-4, 1e-3, 1e-2, 1e-1],
    rmsprop: [1e-4, 1e-3, 1e-2, 1e-1],
    // A first full build found the best rate of these three at the top of four-rate grids; the
    // fifth rate checks whether their optimum lies beyond.
    adagrad: [1e-3, 1e-2, 1e-1, 1, 10],
    momentum: [1e-3, 1e-2, 1e-1, 1, 10],
    sgd: [1e-2, 1e-1, 1, 10, 100],
  };
  if (profile.name !== 'quick') return full;
  return Object.fromEntries(Object.entries(full).map(([name, rates]) => [name, rates.slice(1, 3)])) as Record<OptimizerName, number[]>;
}

/**
 * For a sweep over a grid: the label chosen as best (by final training loss) and whether it lies on
 * the grid's edge, where a better rate may lie outside the grid.
 */
export function bestOnGrid(runs: ExperimentRun[], labels: string[]): { best: string; atEdge: boolean } {
  const best = bestLabel(runs, labels);
  return { best, atEdge: labels.length > 1 && (best === labels[0] || best === labels[labels.length - 1]) };
}

/** L1 activation penalties of the sparsity sweep. */
export function sparsityPenalties(profile: Profile): number[] {
  return profile.name === 'quick' ? [0, 1e-3] : [0, 1e-5, 1e-4, 1e-3, 1e-2];
}
