/**
 * Each claim's study, as data and one function: which configurations it runs (its arms, by group),
 * and which paired comparisons decide its verdict. Defined once here, so the claim pages, the index
 * and the robustness sweep all compare the same things.
 *
 *   claimStudy(id, profile) ─▶ { experiment, analyze(runs) ─▶ comparisons, selections, conditions }
 */
import { compareLabels, Comparison } from '../lib/compare';
import { autoencoderConfiguration, bestOnGrid, experiment as plainExperiment, finalTrainLoss } from '../lib/experiment/designs';
import { dataScaleTitle, Profile } from '../lib/experiment/profiles';
import { Experiment, ExperimentConfiguration, ExperimentRun } from '../lib/experiment/runner';
import { ActivationInput, OptimizerName } from '../lib/spec';
import { ClaimId } from './claims';
import { conditionsText } from './records';

/** What a study's analysis returns. */
export interface StudyAnalysis {
  comparisons: Comparison[];
  /** Named subsets of the runs for the page's plots (e.g. "atDefaultRate", "bestRates"). */
  selections: Record<string, ExperimentRun[]>;
  /** Rows of a table the page shows beside its plots (e.g. each grid's chosen rate). */
  choices: Record<string, unknown>[];
  conditions: string;
}

export interface ClaimStudy {
  id: ClaimId;
  experiment: Experiment;
  analyze(runs: ExperimentRun[]): StudyAnalysis;
}

/** A claim's experiment, named with the scale of its data (a full profile runs each study at two). */
function experiment(name: string, profile: Profile, configurations: ExperimentConfiguration[]): Experiment {
  return plainExperiment(`${name} · ${dataScaleTitle(profile.data)}`, profile, configurations);
}

/** The hidden activations of C4, by arm. */
export const HIDDEN_ACTIVATION_ARMS: { group: string; activation: ActivationInput }[] = [
  { group: 'ReLU', activation: 'relu' },
  { group: 'leaky ReLU', activation: { name: 'leakyRelu', slope: 0.01 } },
  { group: 'ELU', activation: 'elu' },
  { group: 'sigmoid', activation: 'sigmoid' },
];

/**
 * Learning-rate grids per optimizer, centred on each one's usual range (SGD needs far larger rates
 * than Adam), so every optimizer is compared at its own best rate. Rates are a factor 10 apart; the
 * top of every grid is meant to be too large, so that a best rate at the edge shows the grid was the limit.
 */
export function optimizerLearningRates(profile: Profile): Record<OptimizerName, number[]> {
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

/** L1 activation penalties of the sparsity sweep. */
export function sparsityPenalties(profile: Profile): number[] {
  return profile.name === 'quick' ? [0, 1e-3] : [0, 1e-5, 1e-4, 1e-3, 1e-2];
}

/** The rates a hidden-activation sweep tries: the profile's, always with the thread's 1e-3. */
function activationRates(profile: Profile): number[] {
  return profile.sweepLearningRates.includes(1e-3) ? profile.sweepLearningRates : [...profile.sweepLearningRates, 1e-3].sort((a, b) => a - b);
}

const byGroupAndRate = (runs: ExperimentRun[], group: string, rate: number): ExperimentRun[] =>
  runs.filter((run) => run.group === group && run.parameters.learningRate === rate);

/** The label of the configuration of `group` at `rate` (they are built as "group @ rate"). */
function labelAt(runs: ExperimentRun[], group: string, rate: number): string {
  const found = byGroupAndRate(runs, group, rate)[0];
  if (!found) throw new Error(`no runs of ${group} at learning rate ${rate}`);
  return found.label;
}

function outputActivationStudy(profile: Profile): ClaimStudy {
  const arm = (label: string, group: string, bottleneck: ActivationInput, output: ActivationInput) =>
    autoencoderConfiguration({ label, group, profile, hidden: 'relu', bottleneck, output });
  return {
    id: 'C1',
    experiment: experiment('C1 output activation', profile, [
      arm('linear code → sigmoid out', 'sigmoid', 'linear', 'sigmoid'),
      arm('linear code → ReLU out', 'ReLU', 'linear', 'relu'),
      arm('ReLU code → sigmoid out', 'sigmoid', 'relu', 'sigmoid'),
      arm('ReLU code → ReLU out', 'ReLU', 'relu', 'relu'),
    ]),
    analyze: (runs) => ({
      // Both pairs are primary: the claim is general, so it holds only if the sigmoid output wins with either code.
      comparisons: [
        compareLabels(runs, 'output, linear code', 'linear code → ReLU out', 'linear code → sigmoid out'),
        compareLabels(runs, 'output, ReLU code', 'ReLU code → ReLU out', 'ReLU code → sigmoid out'),
      ],
      selections: {},
      choices: [],
      conditions: conditionsText(profile, 'Adam 1e-3, MSE, batch 128, ReLU hidden layers'),
    }),
  };
}

function bottleneckStudy(profile: Profile): ClaimStudy {
  return {
    id: 'C2',
    experiment: experiment('C2 bottleneck', profile, [
      autoencoderConfiguration({ label: 'linear code → sigmoid out', group: 'linear', profile, hidden: 'relu', bottleneck: 'linear', output: 'sigmoid' }),
      autoencoderConfiguration({ label: 'ReLU code → sigmoid out', group: 'ReLU', profile, hidden: 'relu', bottleneck: 'relu', output: 'sigmoid' }),
    ]),
    analyze: (runs) => ({
      comparisons: [compareLabels(runs, 'bottleneck, sigmoid output', 'ReLU code → sigmoid out', 'linear code → sigmoid out')],
      selections: {},
      choices: [],
      conditions: conditionsText(profile, 'Adam 1e-3, MSE, batch 128, ReLU hidden layers, sigmoid output'),
    }),
  };
}

function allSigmoidStudy(profile: Profile): ClaimStudy {
  return {
    id: 'C3',
    experiment: experiment('C3 all sigmoid', profile, [
      autoencoderConfiguration({ label: 'ReLU hidden · linear code', group: 'ReLU', profile, hidden: 'relu', bottleneck: 'linear', output: 'sigmoid' }),
      autoencoderConfiguration({ label: 'sigmoid everywhere', group: 'sigmoid', profile, hidden: 'sigmoid', bottleneck: 'sigmoid', output: 'sigmoid' }),
      autoencoderConfiguration({ label: 'sigmoid everywhere, rate 1e-2', group: 'sigmoid', profile, hidden: 'sigmoid', bottleneck: 'sigmoid', output: 'sigmoid', learningRate: 1e-2 }),
    ]),
    analyze: (runs) => ({
      comparisons: [
        compareLabels(runs, 'all sigmoid vs ReLU, rate 1e-3', 'sigmoid everywhere', 'ReLU hidden · linear code'),
        compareLabels(runs, 'all sigmoid at 1e-2 vs ReLU at 1e-3', 'sigmoid everywhere, rate 1e-2', 'ReLU hidden · linear code', { primary: false }),
      ],
      selections: {},
      choices: [],
      conditions: conditionsText(profile, 'Adam 1e-3 (context: all-sigmoid also at 1e-2), MSE, batch 128'),
    }),
  };
}

function hiddenActivationStudy(profile: Profile): ClaimStudy {
  const rates = activationRates(profile);
  const configurations: ExperimentConfiguration[] = HIDDEN_ACTIVATION_ARMS.flatMap((arm) => rates.map((rate) =>
    autoencoderConfiguration({ label: `${arm.group} @ ${rate}`, group: arm.group, profile, hidden: arm.activation, bottleneck: 'linear', output: 'sigmoid', learningRate: rate })));
  return {
    id: 'C4',
    experiment: experiment('C4 hidden activations × learning rate', profile, configurations),
    analyze: (runs) => {
      const choices = HIDDEN_ACTIVATION_ARMS.map((arm) => {
        const choice = bestOnGrid(runs, rates.map((rate) => labelAt(runs, arm.group, rate)), finalTrainLoss);
        return { activation: arm.group, bestByTrainLoss: choice.best, atGridEdge: choice.atEdge ? 'yes: a better rate may lie outside the grid' : 'no' };
      });
      const best = (group: string): string => (choices.find((entry) => entry.activation === group) as { bestByTrainLoss: string }).bestByTrainLoss;
      return {
        comparisons: [
          compareLabels(runs, 'ELU vs ReLU at 1e-3', labelAt(runs, 'ReLU', 1e-3), labelAt(runs, 'ELU', 1e-3)),
          compareLabels(runs, 'leaky ReLU vs ReLU at 1e-3', labelAt(runs, 'ReLU', 1e-3), labelAt(runs, 'leaky ReLU', 1e-3)),
          compareLabels(runs, 'ELU vs ReLU, each at its best rate', best('ReLU'), best('ELU'), { primary: false }),
          compareLabels(runs, 'leaky ReLU vs ReLU, each at its best rate', best('ReLU'), best('leaky ReLU'), { primary: false }),
          // Not the thread's claim, but the title question's: can ReLU hidden layers replace sigmoid ones?
          compareLabels(runs, 'ReLU vs sigmoid hidden layers at 1e-3', labelAt(runs, 'sigmoid', 1e-3), labelAt(runs, 'ReLU', 1e-3), { primary: false }),
        ],
        selections: { atDefaultRate: runs.filter((run) => run.parameters.learningRate === 1e-3) },
        choices,
        conditions: conditionsText(profile, `Adam 1e-3 for the primary comparisons; sweep over ${rates.join(', ')} with each arm's best rate chosen by final training loss (context)`),
      };
    },
  };
}

function optimizerStudy(profile: Profile): ClaimStudy {
  const grids = optimizerLearningRates(profile);
  const names = Object.keys(grids) as OptimizerName[];
  const configurations = names.flatMap((optimizer) => grids[optimizer].map((rate) =>
    autoencoderConfiguration({ label: `${optimizer} @ ${rate}`, group: optimizer, profile, hidden: 'relu', bottleneck: 'linear', output: 'sigmoid', optimizer, learningRate: rate })));
  return {
    id: 'C5',
    experiment: experiment('C5 optimizers × learning rate', profile, configurations),
    analyze: (runs) => {
      const choices = names.map((optimizer) => {
        const choice = bestOnGrid(runs, grids[optimizer].map((rate) => labelAt(runs, optimizer, rate)), finalTrainLoss);
        return { optimizer, bestByTrainLoss: choice.best, atGridEdge: choice.atEdge ? 'yes: a better rate may lie outside the grid' : 'no' };
      });
      const adamBest = (choices.find((entry) => entry.optimizer === 'adam') as { bestByTrainLoss: string }).bestByTrainLoss;
      const bestLabels = new Set(choices.map((entry) => entry.bestByTrainLoss));
      return {
        comparisons: choices.filter((entry) => entry.optimizer !== 'adam').map((entry) =>
          compareLabels(runs, `Adam vs ${entry.optimizer}, each at its best rate`, entry.bestByTrainLoss, adamBest)),
        selections: { bestRates: runs.filter((run) => bestLabels.has(run.label)) },
        choices,
        conditions: conditionsText(profile, 'each optimizer at its best rate of its grid (chosen by final training loss), MSE, batch 128'),
      };
    },
  };
}

function denoisingRecipeStudy(profile: Profile): ClaimStudy {
  const settings = { training: { epochs: profile.epochs }, data: profile.data };
  const plain = (label: string, epochs: number): ExperimentConfiguration =>
    autoencoderConfiguration({ label, group: 'plain autoencoder', profile, hidden: 'relu', bottleneck: 'relu', output: 'sigmoid', layerSizes: [784, 128, 64, 128, 784], epochs });
  return {
    id: 'R1',
    experiment: experiment('R1 stacked denoising recipe', profile, [
      { label: 'stacked DAE (greedy)', group: 'stacked DAE', parameters: { fineTuneEpochs: 0 }, run: { kind: 'stackedDenoising', recipe: { fineTuneEpochs: 0 }, ...settings } },
      { label: 'stacked DAE + fine-tuning', group: 'stacked DAE', parameters: { fineTuneEpochs: profile.epochs }, run: { kind: 'stackedDenoising', recipe: { fineTuneEpochs: profile.epochs }, ...settings } },
      plain('plain 784-128-64-128-784', profile.epochs),
      plain('plain, 3× epochs', 3 * profile.epochs),
    ]),
    analyze: (runs) => ({
      comparisons: [
        compareLabels(runs, 'fine-tuned stack vs plain with the same passes over the data', 'plain, 3× epochs', 'stacked DAE + fine-tuning'),
        compareLabels(runs, 'fine-tuned stack vs plain at the epochs of one stage', 'plain 784-128-64-128-784', 'stacked DAE + fine-tuning', { primary: false }),
        compareLabels(runs, 'greedy stack vs plain', 'plain 784-128-64-128-784', 'stacked DAE (greedy)', { primary: false }),
      ],
      selections: { trained: runs.filter((run) => run.result.history.length > 0) },
      choices: [],
      conditions: conditionsText(profile, 'Adam 1e-3, batch 128, each stage and the plain autoencoder for the profile\'s epochs'),
    }),
  };
}

function sparsityStudy(profile: Profile): ClaimStudy {
  const penalties = sparsityPenalties(profile);
  const label = (penalty: number): string => `L1 ${penalty}`;
  return {
    id: 'R2',
    experiment: experiment('R2 L1 activation penalty', profile, penalties.map((penalty) =>
      autoencoderConfiguration({ label: label(penalty), group: label(penalty), profile, hidden: 'relu', bottleneck: 'linear', output: 'sigmoid', l1ActivationPenalty: penalty }))),
    analyze: (runs) => {
      const density = (run: ExperimentRun): number | null => (run.result.final ? 1 - run.result.final.hiddenSparsity : null);
      const penalized = penalties.filter((penalty) => penalty > 0).map(label);
      return {
        comparisons: [
          ...penalized.map((name) => compareLabels(runs, `sparsity: ${name} vs none`, label(0), name, { metric: density, metricName: 'fraction of non-zero hidden activations' })),
          ...penalized.map((name) => compareLabels(runs, `test MSE cost of ${name}`, label(0), name, { primary: false })),
        ],
        selections: {},
        choices: [],
        conditions: conditionsText(profile, `Adam 1e-3, MSE, batch 128, penalties ${penalties.join(', ')}`),
      };
    },
  };
}

const STUDIES: Record<ClaimId, (profile: Profile) => ClaimStudy> = {
  C1: outputActivationStudy,
  C2: bottleneckStudy,
  C3: allSigmoidStudy,
  C4: hiddenActivationStudy,
  C5: optimizerStudy,
  R1: denoisingRecipeStudy,
  R2: sparsityStudy,
};

/** The study that answers a claim under a profile. */
export function claimStudy(id: ClaimId, profile: Profile): ClaimStudy {
  const make = STUDIES[id];
  if (!make) throw new Error(`unknown claim ${JSON.stringify(id)}; the claims are ${Object.keys(STUDIES).join(', ')}`);
  return make(profile);
}
