/**
 * How robust each verdict is: the primary comparisons of C1–C5, re-run under conditions — the
 * initializer, the data set, how the learning rate is chosen — and read at every training budget.
 *
 *   robustnessPlan(profile) ─▶ what is swept (and what is not, and why)
 *   robustnessExperiment(plan) ─▶ arms × rates × initializers × data sets, every run with a validation split
 *   analyzeRobustness(runs, plan) ─▶ one entry per comparison × condition × epoch (the budget axis is
 *     free: with a constant rate and per-epoch shuffles from the seed, epoch k of a long run is a k-epoch run)
 *
 * Rates are chosen on the validation examples (carved from the training examples), never on the
 * test examples the verdicts are computed from.
 */
import { comparePaired, holmAdjustedVerdicts, PairedComparison, ValuesBySeed, Verdict } from '../lib/stats';
import { DataSource } from '../lib/data/index';
import { autoencoderConfiguration, experiment } from '../lib/experiment/designs';
import { Profile } from '../lib/experiment/profiles';
import { Experiment, ExperimentConfiguration, ExperimentRun } from '../lib/experiment/runner';
import { ActivationInput, DEFAULT_LEARNING_RATES, InitializerName, OptimizerName } from '../lib/spec';
import { ClaimId } from './claims';

/** One arm of the sweep: an activation layout trained with Adam, or an optimizer on the reference layout. */
export interface RobustnessArm {
  id: string;
  /** Colour in plots (palette.ts). */
  group: string;
  hidden: ActivationInput;
  bottleneck: ActivationInput;
  output: ActivationInput;
  optimizer: OptimizerName;
}

const REFERENCE = { hidden: 'relu', bottleneck: 'linear', output: 'sigmoid' } as const;

/** The reference layout with Adam: the thread's network, and Adam's arm in C5. */
export const REFERENCE_ARM = 'ReLU hidden · linear code · sigmoid out';

/** The arms the primary comparisons of C1–C5 need. */
export const ROBUSTNESS_ARMS: RobustnessArm[] = [
  { id: REFERENCE_ARM, group: 'ReLU', ...REFERENCE, optimizer: 'adam' },
  { id: 'linear code → ReLU out', group: 'ReLU', hidden: 'relu', bottleneck: 'linear', output: 'relu', optimizer: 'adam' },
  { id: 'ReLU code → sigmoid out', group: 'sigmoid', hidden: 'relu', bottleneck: 'relu', output: 'sigmoid', optimizer: 'adam' },
  { id: 'ReLU code → ReLU out', group: 'ReLU', hidden: 'relu', bottleneck: 'relu', output: 'relu', optimizer: 'adam' },
  { id: 'sigmoid everywhere', group: 'sigmoid', hidden: 'sigmoid', bottleneck: 'sigmoid', output: 'sigmoid', optimizer: 'adam' },
  { id: 'ELU', group: 'ELU', hidden: 'elu', bottleneck: 'linear', output: 'sigmoid', optimizer: 'adam' },
  { id: 'leaky ReLU', group: 'leaky ReLU', hidden: { name: 'leakyRelu', slope: 0.01 }, bottleneck: 'linear', output: 'sigmoid', optimizer: 'adam' },
  { id: 'rmsprop', group: 'rmsprop', ...REFERENCE, optimizer: 'rmsprop' },
  { id: 'adagrad', group: 'adagrad', ...REFERENCE, optimizer: 'adagrad' },
  { id: 'momentum', group: 'momentum', ...REFERENCE, optimizer: 'momentum' },
  { id: 'sgd', group: 'sgd', ...REFERENCE, optimizer: 'sgd' },
];

/** A primary comparison of a claim, by arm: is the candidate's test MSE lower than the baseline's? */
export interface RobustnessComparison {
  claim: ClaimId;
  name: string;
  baseline: string;
  candidate: string;
}

/** The primary comparisons of C1–C5, as the claim pages define them (studies.ts), by arm. */
export const ROBUSTNESS_COMPARISONS: RobustnessComparison[] = [
  { claim: 'C1', name: 'output, linear code', baseline: 'linear code → ReLU out', candidate: REFERENCE_ARM },
  { claim: 'C1', name: 'output, ReLU code', baseline: 'ReLU code → ReLU out', candidate: 'ReLU code → sigmoid out' },
  { claim: 'C2', name: 'bottleneck, sigmoid output', baseline: 'ReLU code → sigmoid out', candidate: REFERENCE_ARM },
  { claim: 'C3', name: 'all sigmoid vs ReLU', baseline: 'sigmoid everywhere', candidate: REFERENCE_ARM },
  { claim: 'C4', name: 'ELU vs ReLU', baseline: REFERENCE_ARM, candidate: 'ELU' },
  { claim: 'C4', name: 'leaky ReLU vs ReLU', baseline: REFERENCE_ARM, candidate: 'leaky ReLU' },
  { claim: 'C5', name: 'Adam vs RMSprop', baseline: 'rmsprop', candidate: REFERENCE_ARM },
  { claim: 'C5', name: 'Adam vs Adagrad', baseline: 'adagrad', candidate: REFERENCE_ARM },
  { claim: 'C5', name: 'Adam vs momentum', baseline: 'momentum', candidate: REFERENCE_ARM },
  { claim: 'C5', name: 'Adam vs SGD', baseline: 'sgd', candidate: REFERENCE_ARM },
];

export const LEARNING_RATE_CHOICES = ['thread', 'best'] as const;
/**
 * 'thread': the thread's Adam 1e-3 for every Adam arm, each other optimizer at its usual default
 * (Keras's: RMSprop and Adagrad 1e-3, momentum and SGD 1e-2). 'best': each arm at the rate of its
 * grid with the lowest mean validation MSE (at the budget read).
 */
export type LearningRateChoice = (typeof LEARNING_RATE_CHOICES)[number];

export const INITIALIZER_TITLES: Record<string, string> = { glorotUniform: 'Glorot uniform', heNormal: 'He normal', pytorchDefault: 'PyTorch default', heUniform: 'He uniform' };
export const DATA_TITLES: Record<string, string> = { embedded: 'MNIST', fashionMnist: 'Fashion-MNIST', idx: 'MNIST (IDX)' };

/** What a profile sweeps. */
export interface RobustnessPlan {
  profile: string;
  initializers: InitializerName[];
  dataSets: DataSource[];
  epochs: number;
  seeds: number[];
  trainSize: number;
  validationSize: number;
  testSize: number;
  /** The rate grid of every arm, by optimizer; each includes the arm's 'thread' rate. */
  rates: Record<OptimizerName, number[]>;
  /** What the sweep leaves out, and why: shown on the page. */
  notSwept: string[];
}

const NOT_SWEPT_ALWAYS = [
  'Architectures other than 784-128-64-2-64-128-784: the claims are about this network.',
  'Batch sizes other than 128 and losses other than MSE: the thread uses them, and each doubles the sweep.',
  'Learning-rate schedules and early stopping: a constant rate is what makes every shorter budget a prefix of the long run, so the budget axis costs nothing.',
  'The recipes R1 and R2: their claims are not about activations or optimizers; their pages give their conditions.',
];

export function robustnessPlan(profile: Profile): RobustnessPlan {
  if (profile.name === 'quick') {
    return {
      profile: profile.name, initializers: ['glorotUniform', 'pytorchDefault'], dataSets: ['embedded', 'fashionMnist'],
      epochs: 3, seeds: [1, 2], trainSize: 2000, validationSize: 500, testSize: 500,
      rates: { adam: [1e-3, 1e-2], rmsprop: [1e-3, 1e-2], adagrad: [1e-3, 1e-1], momentum: [1e-2, 1e-1], sgd: [1e-2, 1] },
      notSwept: ['He normal initialization, the third seed and longer training: the quick profile only proves the pipeline.', ...NOT_SWEPT_ALWAYS],
    };
  }
  const full = profile.name === 'full';
  return {
    profile: profile.name,
    initializers: ['glorotUniform', 'heNormal', 'pytorchDefault'],
    dataSets: ['embedded', 'fashionMnist'],
    epochs: full ? 50 : 10,
    seeds: full ? [1, 2, 3, 4, 5] : [1, 2, 3],
    trainSize: 8000,
    validationSize: 1000,
    testSize: 2000,
    // Grids a factor √10 apart around each optimizer's usual range (a first sweep found Adagrad,
    // momentum and SGD best at 1–10 on this network); each holds the 'thread' rate.
    rates: full
      ? { adam: [3e-4, 1e-3, 3e-3, 1e-2], rmsprop: [1e-4, 1e-3, 1e-2], adagrad: [1e-3, 1e-1, 1, 10], momentum: [1e-2, 1e-1, 1], sgd: [1e-2, 1, 10, 100] }
      : { adam: [1e-3, 3e-3, 1e-2], rmsprop: [1e-3, 1e-2], adagrad: [1e-3, 1e-1, 1], momentum: [1e-2, 1e-1, 1], sgd: [1e-2, 1, 10] },
    notSwept: [
      full
        ? `Budgets beyond 50 epochs: at 100 epochs the sweep would take about three hours on 2 cores; the budget chart shows whether verdicts still move at 50.`
        : 'The full profile sweeps 5 seeds, 50 epochs and wider rate grids; this default profile is a shorter look.',
      'The whole 60,000 / 10,000 Fashion-MNIST: the same 8,000 / 2,000 protocol as MNIST keeps the two data sets comparable (loadData takes the full sets as an option).',
      ...NOT_SWEPT_ALWAYS,
    ],
  };
}

/** The 'thread' rate of an arm's optimizer. */
export function threadRate(optimizer: OptimizerName): number {
  return optimizer === 'adam' ? 1e-3 : DEFAULT_LEARNING_RATES[optimizer];
}

function label(arm: RobustnessArm, rate: number, initializer: InitializerName, data: DataSource): string {
  return `${arm.id} @ ${rate} · ${initializer} · ${data}`;
}

/** Every run of the sweep, in one experiment: arms × their rates × initializers × data sets. */
export function robustnessExperiment(plan: RobustnessPlan, profile: Profile): Experiment {
  const configurations: ExperimentConfiguration[] = [];
  for (const data of plan.dataSets) {
    for (const initializer of plan.initializers) {
      for (const arm of ROBUSTNESS_ARMS) {
        const rates = [...new Set([...plan.rates[arm.optimizer], threadRate(arm.optimizer)])].sort((a, b) => a - b);
        for (const rate of rates) {
          const configuration = autoencoderConfiguration({
            label: label(arm, rate, initializer, data), group: arm.group, profile, hidden: arm.hidden, bottleneck: arm.bottleneck, output: arm.output,
            optimizer: arm.optimizer, learningRate: rate, initializer, epochs: plan.epochs,
            data: { source: data, trainSize: plan.trainSize, testSize: plan.testSize, validationSize: plan.validationSize },
          });
          configurations.push({ ...configuration, parameters: { ...configuration.parameters, arm: arm.id } });
        }
      }
    }
  }
  return { ...experiment('Robustness sweep', profile, configurations), seeds: plan.seeds };
}

/** A condition of the map. */
export interface RobustnessCondition {
  epochs: number;
  initializer: InitializerName;
  learningRateChoice: LearningRateChoice;
  data: DataSource;
}

/** One comparison under one condition: what results.json's robustness[] holds. */
export interface RobustnessEntry {
  claim: ClaimId;
  comparison: string;
  condition: RobustnessCondition;
  verdict: Verdict;
  meanDifference: number;
  interval: [number, number];
  /** mean difference over the baseline's mean. */
  relativeDifference: number;
  pValue: number;
  /** Seeds paired (both finished). */
  seeds: number;
  divergedSeeds: { baseline: number[]; candidate: number[] };
  /** The rate each side ran at. */
  rates: { baseline: number; candidate: number };
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

/** An arm's runs by rate, within one initializer and data set. */
function armRuns(runs: ExperimentRun[], armId: string, initializer: string, data: string): Map<number, ExperimentRun[]> {
  const byRate = new Map<number, ExperimentRun[]>();
  for (const run of runs) {
    if (run.parameters.arm !== armId || run.parameters.initializer !== initializer || run.parameters.data !== data) continue;
    const rate = run.parameters.learningRate as number;
    byRate.set(rate, [...(byRate.get(rate) ?? []), run]);
  }
  return byRate;
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

/**
 * The budgets the map is read at: every epoch up to 6, then steps of about a quarter (even on the
 * log axis the charts use), always ending at the full budget. Any other budget can be read from
 * the runs' per-epoch test MSE, which results.json keeps.
 */
export function budgetEpochs(maximum: number): number[] {
  const epochs: number[] = [];
  for (let epoch = 1; epoch <= maximum; epoch = epoch < 6 ? epoch + 1 : Math.max(epoch + 1, Math.round(epoch * 1.25))) epochs.push(epoch);
  if (epochs[epochs.length - 1] !== maximum) epochs.push(maximum);
  return epochs;
}

/** Every comparison × condition at every budget of budgetEpochs; see the module comment. */
export function analyzeRobustness(runs: ExperimentRun[], plan: RobustnessPlan): RobustnessEntry[] {
  const entries: RobustnessEntry[] = [];
  for (const data of plan.dataSets) {
    for (const initializer of plan.initializers) {
      const arms = new Map(ROBUSTNESS_ARMS.map((arm) => [arm.id, armRuns(runs, arm.id, initializer, data)]));
      for (const epochs of budgetEpochs(plan.epochs)) {
        for (const learningRateChoice of LEARNING_RATE_CHOICES) {
          const rateOf = (armId: string): number => {
            const arm = ROBUSTNESS_ARMS.find((entry) => entry.id === armId) as RobustnessArm;
            return learningRateChoice === 'thread' ? threadRate(arm.optimizer) : bestRateByValidation(arms.get(armId) as Map<number, ExperimentRun[]>, epochs);
          };
          for (const comparison of ROBUSTNESS_COMPARISONS) {
            const rates = { baseline: rateOf(comparison.baseline), candidate: rateOf(comparison.candidate) };
            const values = (armId: string, rate: number): ValuesBySeed =>
              Object.fromEntries(((arms.get(armId) as Map<number, ExperimentRun[]>).get(rate) ?? []).map((run) => [run.seed, testMseAt(run, epochs)]));
            const result: PairedComparison = comparePaired(values(comparison.baseline, rates.baseline), values(comparison.candidate, rates.candidate));
            entries.push({
              claim: comparison.claim,
              comparison: comparison.name,
              condition: { epochs, initializer, learningRateChoice, data },
              verdict: result.verdict,
              meanDifference: result.meanDifference,
              interval: result.interval,
              relativeDifference: result.relativeDifference,
              pValue: result.pValue,
              seeds: result.pairedSeeds.length,
              divergedSeeds: result.divergedSeeds,
              rates,
            });
          }
        }
      }
    }
  }
  return entries;
}

/** The entries at the full budget: the verdict map. */
export function entriesAtFullBudget(entries: RobustnessEntry[], plan: RobustnessPlan): RobustnessEntry[] {
  return entries.filter((entry) => entry.condition.epochs === plan.epochs);
}

/** Holm-adjusted verdicts over the whole map (every comparison × condition at the full budget), in the entries' order. */
export function holmVerdicts(mapEntries: RobustnessEntry[]): Verdict[] {
  return holmAdjustedVerdicts(mapEntries.map((entry) => ({ result: entry })));
}

/** A condition in a few words: "MNIST · He normal · best rate". */
export function conditionTitle(condition: Omit<RobustnessCondition, 'epochs'>): string {
  return `${DATA_TITLES[condition.data] ?? condition.data} · ${INITIALIZER_TITLES[condition.initializer] ?? condition.initializer} · ${condition.learningRateChoice === 'thread' ? 'thread\'s rate' : 'best rate'}`;
}

/** A claim's verdict under each condition of the map (its primary comparisons combined as on its page). */
export function claimVerdictsByCondition(mapEntries: RobustnessEntry[], claim: ClaimId): { condition: RobustnessCondition; verdict: Verdict }[] {
  const conditions = new Map<string, { condition: RobustnessCondition; verdicts: Verdict[] }>();
  for (const entry of mapEntries.filter((item) => item.claim === claim)) {
    const key = conditionTitle(entry.condition);
    const slot = conditions.get(key) ?? { condition: entry.condition, verdicts: [] };
    slot.verdicts.push(entry.verdict);
    conditions.set(key, slot);
  }
  return [...conditions.values()].map(({ condition, verdicts }) => ({
    condition,
    verdict: verdicts.includes('contradicted') ? 'contradicted' : verdicts.every((verdict) => verdict === 'supported') ? 'supported' : 'inconclusive',
  }));
}

/** "holds in k of n conditions" and a one-sentence answer, both computed from the map. */
export function claimRobustnessSummary(mapEntries: RobustnessEntry[], claim: ClaimId): { holds: number; contradicted: number; conditions: number; answer: string } {
  const verdicts = claimVerdictsByCondition(mapEntries, claim);
  const supported = verdicts.filter((entry) => entry.verdict === 'supported');
  const contradicted = verdicts.filter((entry) => entry.verdict === 'contradicted');
  const n = verdicts.length;
  const list = (items: typeof verdicts): string => items.map((entry) => conditionTitle(entry.condition)).join('; ');
  let answer: string;
  if (n === 0) answer = 'Not in the robustness sweep.';
  else if (supported.length === n) answer = `The claim holds under every one of the ${n} conditions.`;
  else if (contradicted.length === n) answer = `The claim is contradicted under every one of the ${n} conditions.`;
  else if (supported.length === 0 && contradicted.length === 0) answer = `None of the ${n} conditions settles it either way: the differences stay within the seeds' noise.`;
  else {
    const parts = [];
    if (supported.length > 0) parts.push(`holds under ${supported.length} of ${n} conditions (${list(supported)})`);
    if (contradicted.length > 0) parts.push(`is contradicted under ${contradicted.length}${supported.length > 0 ? '' : ` of ${n}`} (${list(contradicted)})`);
    answer = `The claim ${parts.join(' and ')}; elsewhere it is inconclusive.`;
  }
  return { holds: supported.length, contradicted: contradicted.length, conditions: n, answer };
}
