/**
 * A claim's study as data, written in its notebook's own cells: the configurations (its arms, built
 * with the library's calls), the grids a best setting is chosen from, and the paired comparisons that
 * decide its verdict. A study is a function of the profile, so that the same definition runs at the
 * profile's scale and at its second scale; a reader edits an arm, a seed list or a rate in the
 * notebook and runs it again, without touching src/.
 *
 *   study(profile) ─▶ { configurations, grids, comparisons } ─▶ experiment ─▶ runs
 *   analyzeStudy(definition, profile, runs) ─▶ comparisons (a side is a label, or the best of a grid), choices
 */
import { compareLabels, Comparison } from '../lib/compare';
import { bestOnGrid, finalTrainLoss } from '../lib/experiment/designs';
import { dataScaleTitle, Profile } from '../lib/experiment/profiles';
import { Experiment, ExperimentConfiguration, ExperimentRun } from '../lib/experiment/runner';
import { ClaimId } from './claims';
import { conditionsText } from './records';

/** A side of a comparison: a configuration's label, or the best label of a named grid (lowest mean final training loss). */
export type StudySide = string | { bestOf: string };

/** The metrics a comparison can pair (lower is better). */
export const STUDY_METRICS = {
  testMse: { name: 'test MSE', read: (run: ExperimentRun): number | null => run.result.testMse },
  /** 1 − the fraction of exactly-zero hidden activations on the test set: lower is sparser. */
  hiddenDensity: { name: 'fraction of non-zero hidden activations', read: (run: ExperimentRun): number | null => (run.result.final ? 1 - run.result.final.hiddenSparsity : null) },
} as const;

export interface StudyComparison {
  name: string;
  baseline: StudySide;
  /** The claim's favoured side: is its metric lower than the baseline's? */
  candidate: StudySide;
  /** Primary comparisons decide the verdict (default true); the others are context. */
  primary?: boolean;
  /** Default 'testMse'. */
  metric?: keyof typeof STUDY_METRICS;
}

export interface StudyDefinition {
  id: ClaimId;
  name: string;
  configurations: ExperimentConfiguration[];
  /** Default: the profile's seeds. */
  seeds?: number[];
  /** Named grids of labels, in grid order, that a side may choose the best of. */
  grids?: Record<string, string[]>;
  comparisons: StudyComparison[];
  /** The training conditions in words; the page adds the profile's. */
  training: string;
}

/** A study: its definition under a profile. */
export type Study = (profile: Profile) => StudyDefinition;

/** A grid's choice, as the page's table shows it (a type, not an interface, so that tables take it as a record). */
export type GridChoiceRow = {
  grid: string;
  best: string;
  atGridEdge: string;
};

/** What a study's analysis returns. */
export interface StudyAnalysis {
  comparisons: Comparison[];
  /** Each grid's chosen label (by final training loss), and whether it lies on the grid's edge. */
  choices: GridChoiceRow[];
  conditions: string;
}

/** The experiment a study runs under a profile, named with the scale of its data. */
export function studyExperiment(definition: StudyDefinition, profile: Profile): Experiment {
  return { name: `${definition.name} · ${dataScaleTitle(profile.data)}`, seeds: definition.seeds ?? profile.seeds, configurations: definition.configurations };
}

/** Every grid's choice on these runs; never the test MSE (choosing on what the verdict is computed from would bias it). */
function gridChoices(definition: StudyDefinition, runs: ExperimentRun[]): Map<string, { best: string; atEdge: boolean }> {
  return new Map(Object.entries(definition.grids ?? {}).map(([grid, labels]) => [grid, bestOnGrid(runs, labels, finalTrainLoss)]));
}

/** Runs a study's comparisons on its runs; see the module comment. */
export function analyzeStudy(definition: StudyDefinition, profile: Profile, runs: ExperimentRun[]): StudyAnalysis {
  const choices = gridChoices(definition, runs);
  const labelOf = (side: StudySide, comparison: string): string => {
    if (typeof side === 'string') return side;
    const choice = choices.get(side.bestOf);
    if (!choice) throw new Error(`comparison "${comparison}": no grid "${side.bestOf}"; the grids are ${[...choices.keys()].join(', ') || 'none'}`);
    return choice.best;
  };
  return {
    comparisons: definition.comparisons.map((comparison) => {
      const metric = STUDY_METRICS[comparison.metric ?? 'testMse'];
      return compareLabels(runs, comparison.name, labelOf(comparison.baseline, comparison.name), labelOf(comparison.candidate, comparison.name), {
        primary: comparison.primary ?? true, metric: metric.read, metricName: metric.name,
      });
    }),
    choices: [...choices].map(([grid, choice]) => ({ grid, best: choice.best, atGridEdge: choice.atEdge ? 'yes: a better setting may lie outside the grid' : 'no' })),
    conditions: conditionsText(profile, definition.training),
  };
}

/** A side in words, for the design table. */
export function sideText(side: StudySide): string {
  return typeof side === 'string' ? side : `the best of grid "${side.bestOf}" by final training loss`;
}
