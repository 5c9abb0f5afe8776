/**
 * How robust each verdict is: the primary comparisons of C1–C5 as a condition map of the library
 * (relu-ae-lab's conditionMap), re-run under conditions — the initializer, the data set and its
 * scale, how the learning rate is chosen — and read at every training budget.
 *
 *   robustnessPlan(profile) ─▶ what is swept (and what is not, and why)
 *   robustnessSpec(plan)    ─▶ the thread's arms, comparisons and conditions as a ConditionMapSpec
 *   runConditionMap(spec)   ─▶ entries per comparison × condition × budget (the library does the rest)
 *
 * Rates are chosen on the validation examples (carved from the training examples), never on the
 * test examples the verdicts are computed from.
 */
import { ConditionMapSpec, describeConditionSet, MapCondition, MapEntry } from '../lib/conditionMap/index';
import { DataSource } from '../lib/data/index';
import { Profile } from '../lib/experiment/profiles';
import { ActivationInput, DEFAULT_LEARNING_RATES, InitializerName, OptimizerName } from '../lib/spec';
import { Verdict } from '../lib/stats';
import { ClaimId } from './claims';
import { PRACTICAL_MARGIN } from './margin';

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
  { id: 'sigmoid hidden', group: 'sigmoid', hidden: 'sigmoid', bottleneck: 'linear', output: 'sigmoid', optimizer: 'adam' },
  { id: 'rmsprop', group: 'rmsprop', ...REFERENCE, optimizer: 'rmsprop' },
  { id: 'adagrad', group: 'adagrad', ...REFERENCE, optimizer: 'adagrad' },
  { id: 'momentum', group: 'momentum', ...REFERENCE, optimizer: 'momentum' },
  { id: 'sgd', group: 'sgd', ...REFERENCE, optimizer: 'sgd' },
];

/**
 * The group of a map comparison: a claim, or 'Q' for a comparison the title question needs that no
 * claim makes (ReLU against sigmoid in the hidden layers only).
 */
export type ComparisonGroup = ClaimId | 'Q';

/** A primary comparison of a claim, by arm: is the candidate's test MSE lower than the baseline's? */
export interface RobustnessComparison {
  claim: ComparisonGroup;
  name: string;
  baseline: string;
  candidate: string;
}

/** The primary comparisons of C1–C5, as the claim pages define them (studies.ts), by arm, and the title question's own. */
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
  { claim: 'Q', name: 'ReLU vs sigmoid hidden layers', baseline: 'sigmoid hidden', candidate: REFERENCE_ARM },
];

export const LEARNING_RATE_CHOICES = ['thread', 'best'] as const;
/**
 * 'thread': the thread's Adam 1e-3 for every Adam arm, each other optimizer at its usual default
 * (Keras's: RMSprop and Adagrad 1e-3, momentum and SGD 1e-2). 'best': each arm at the rate of its
 * grid with the lowest mean validation MSE (at the budget read).
 */
export type LearningRateChoice = (typeof LEARNING_RATE_CHOICES)[number];
export const RATE_CHOICE_TITLES: Record<LearningRateChoice, string> = { thread: "thread's rate", best: 'best rate' };

export const INITIALIZER_TITLES: Record<string, string> = { glorotUniform: 'Glorot uniform', heNormal: 'He normal', pytorchDefault: 'PyTorch default', heUniform: 'He uniform' };

/** One data set of the sweep, at one scale. */
export interface RobustnessDataSet {
  /** In condition ids: 'mnist8k', 'fashion8k', 'mnist60k', 'fashion60k'. */
  id: string;
  /** The data set ('MNIST', 'Fashion-MNIST') and its scale ('8k', '60k'), the map's factors. */
  family: string;
  scale: string;
  source: DataSource;
  trainSize: number;
  validationSize: number;
  testSize: number;
  /** The longest budget read (every shorter one comes from the same runs). */
  epochs: number;
  rateChoices: LearningRateChoice[];
}

/** What a profile sweeps. */
export interface RobustnessPlan {
  profile: string;
  initializers: InitializerName[];
  dataSets: RobustnessDataSet[];
  seeds: number[];
  /** The rate grid of every arm, by optimizer, for the rate choice 'best'; each arm's 'thread' rate is added. */
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

/** A data set at one scale; 'small' ones carve a validation split and choose rates, full-scale ones run at the thread's rate. */
function dataSet(id: string, family: string, source: DataSource, sizes: { trainSize: number; validationSize: number; testSize: number }, epochs: number, rateChoices: LearningRateChoice[]): RobustnessDataSet {
  return { id, family, scale: `${Math.round(sizes.trainSize / 1000)}k`, source, ...sizes, epochs, rateChoices };
}

export function robustnessPlan(profile: Profile): RobustnessPlan {
  if (profile.name === 'quick') {
    const small = { trainSize: 2000, validationSize: 500, testSize: 500 };
    return {
      profile: profile.name, initializers: ['glorotUniform', 'pytorchDefault'], seeds: [1, 2],
      dataSets: [
        dataSet('mnist2k', 'MNIST', 'embedded', small, 3, ['thread', 'best']),
        dataSet('fashion2k', 'Fashion-MNIST', 'fashionMnist', small, 3, ['thread', 'best']),
        // A second scale of the whole MNIST, so that CI runs the scale comparison end to end.
        dataSet('mnist4k', 'MNIST', 'mnist', { trainSize: 4000, validationSize: 0, testSize: 1000 }, 2, ['thread']),
      ],
      rates: { adam: [1e-3, 1e-2], rmsprop: [1e-3, 1e-2], adagrad: [1e-3, 1e-1], momentum: [1e-2, 1e-1], sgd: [1e-2, 1] },
      notSwept: ['He normal initialization, the third seed and longer training: the quick profile only proves the pipeline.', ...NOT_SWEPT_ALWAYS],
    };
  }
  const full = profile.name === 'full';
  const small = { trainSize: 8000, validationSize: 1000, testSize: 2000 };
  const whole = { trainSize: 60000, validationSize: 0, testSize: 10000 };
  return {
    profile: profile.name,
    initializers: ['glorotUniform', 'heNormal', 'pytorchDefault'],
    seeds: [1, 2, 3, 4, 5].slice(0, full ? 5 : 3),
    dataSets: [
      dataSet('mnist8k', 'MNIST', 'embedded', small, full ? 50 : 10, ['thread', 'best']),
      dataSet('fashion8k', 'Fashion-MNIST', 'fashionMnist', small, full ? 50 : 10, ['thread', 'best']),
      ...(full
        ? [dataSet('mnist60k', 'MNIST', 'mnist', whole, 20, ['thread']), dataSet('fashion60k', 'Fashion-MNIST', 'fashionMnist', whole, 20, ['thread'])]
        : []),
    ],
    // Grids a factor √10 apart around each optimizer's usual range (a first sweep found Adagrad,
    // momentum and SGD best at 1–10 on this network); each holds the 'thread' rate.
    rates: full
      ? { adam: [3e-4, 1e-3, 3e-3, 1e-2], rmsprop: [1e-4, 1e-3, 1e-2], adagrad: [1e-3, 1e-1, 1, 10], momentum: [1e-2, 1e-1, 1], sgd: [1e-2, 1, 10, 100] }
      : { adam: [1e-3, 3e-3, 1e-2], rmsprop: [1e-3, 1e-2], adagrad: [1e-3, 1e-1, 1], momentum: [1e-2, 1e-1, 1], sgd: [1e-2, 1, 10] },
    notSwept: [
      full
        ? 'Budgets beyond 50 epochs at 8,000 digits and beyond 20 at 60,000: the budget charts show whether verdicts still move at the end; 20 epochs at 60,000 digits are already 9,380 updates, over three times the 2,750 of 50 epochs at 8,000.'
        : 'The full profile sweeps 5 seeds, 50 epochs, wider rate grids and the whole 60,000 / 10,000 MNIST and Fashion-MNIST; this default profile is a shorter look.',
      ...(full ? ['Rates chosen on validation at 60,000 digits: each rate of a grid costs a full-scale run; the full-scale conditions use the thread\'s rates.'] : []),
      ...NOT_SWEPT_ALWAYS,
    ],
  };
}

/** The 'thread' rate of an arm's optimizer. */
export function threadRate(optimizer: OptimizerName): number {
  return optimizer === 'adam' ? 1e-3 : DEFAULT_LEARNING_RATES[optimizer];
}

/** A data set in a few words: "MNIST 60k". */
export function dataSetTitle(data: Pick<RobustnessDataSet, 'family' | 'scale'>): string {
  return `${data.family} ${data.scale}`;
}

/** The sweep's conditions: data set × initializer × rate choice, in the map's column order. */
function robustnessConditions(plan: RobustnessPlan): MapCondition[] {
  return plan.dataSets.flatMap((data) => plan.initializers.flatMap((initializer) => data.rateChoices.map((choice): MapCondition => ({
    id: `${data.id} · ${initializer} · ${choice}`,
    title: `${dataSetTitle(data)} · ${INITIALIZER_TITLES[initializer] ?? initializer} · ${RATE_CHOICE_TITLES[choice]}`,
    run: {
      autoencoder: { initializer },
      training: { epochs: data.epochs },
      data: { source: data.source, trainSize: data.trainSize, validationSize: data.validationSize, testSize: data.testSize },
      // The map reads only the runs' histories. Full-scale runs keep their samples all the same:
      // under Glorot they are the claim pages' own runs, whose pages draw them.
      ...(data.rateChoices.includes('best') ? { samples: false } : {}),
    },
    rate: choice === 'thread' ? { kind: 'arm' } : { kind: 'best', grid: plan.rates },
    factors: { data: data.family, scale: data.scale, initializer: INITIALIZER_TITLES[initializer] ?? initializer, rate: RATE_CHOICE_TITLES[choice] },
  }))));
}

/** The thread's arms, comparisons and conditions as a condition map of the library. */
export function robustnessSpec(plan: RobustnessPlan): ConditionMapSpec {
  return {
    name: 'Robustness sweep',
    arms: ROBUSTNESS_ARMS.map((arm) => ({
      id: arm.id,
      group: arm.group,
      run: {
        autoencoder: { hiddenActivation: arm.hidden, bottleneckActivation: arm.bottleneck, outputActivation: arm.output },
        training: { optimizer: { name: arm.optimizer, learningRate: threadRate(arm.optimizer) } },
      },
    })),
    comparisons: ROBUSTNESS_COMPARISONS.map((comparison) => ({ name: comparison.name, group: comparison.claim, baseline: comparison.baseline, candidate: comparison.candidate })),
    conditions: robustnessConditions(plan),
    seeds: plan.seeds,
    margin: PRACTICAL_MARGIN,
  };
}

/** A map entry's claim or 'Q' (its comparison's group). */
export function entryClaim(entry: MapEntry): ComparisonGroup {
  return entry.group as ComparisonGroup;
}

/** A condition's title by id. */
export function conditionTitle(spec: ConditionMapSpec, conditionId: string): string {
  return spec.conditions.find((condition) => condition.id === conditionId)?.title ?? conditionId;
}

/** A claim's verdict under each condition of the map (its primary comparisons combined as on its page). */
export function claimVerdictsByCondition(mapEntries: MapEntry[], claim: ClaimId): { condition: string; verdict: Verdict }[] {
  const conditions = new Map<string, Verdict[]>();
  for (const entry of mapEntries.filter((item) => entryClaim(item) === claim)) conditions.set(entry.condition, [...(conditions.get(entry.condition) ?? []), entry.verdict]);
  return [...conditions].map(([condition, verdicts]) => ({
    condition,
    verdict: verdicts.includes('contradicted') ? 'contradicted' : verdicts.every((verdict) => verdict === 'supported') ? 'supported' : 'inconclusive',
  }));
}

/** "holds in k of n conditions" and a one-sentence answer, both computed from the map. */
export function claimRobustnessSummary(spec: ConditionMapSpec, mapEntries: MapEntry[], claim: ClaimId): { holds: number; contradicted: number; conditions: number; answer: string } {
  const verdicts = claimVerdictsByCondition(mapEntries, claim);
  const supported = verdicts.filter((entry) => entry.verdict === 'supported');
  const contradicted = verdicts.filter((entry) => entry.verdict === 'contradicted');
  const n = verdicts.length;
  // Conditions as a reader thinks of them: factored ("Fashion-MNIST; MNIST, He normal"), not listed one by one.
  const list = (items: typeof verdicts): string => describeConditionSet(spec.conditions, items.map((entry) => entry.condition));
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

/** One comparison under one data set and initializer at the thread's rate: its verdict at the small scale and at the full one. */
export interface ScaleAgreement {
  claim: ComparisonGroup;
  comparison: string;
  family: string;
  initializer: string;
  small: { scale: string; verdict: Verdict; relativeDifference: number; epochs: number; updates: number };
  large: { scale: string; verdict: Verdict; relativeDifference: number; epochs: number; updates: number };
  agrees: boolean;
}

/**
 * Whether each verdict at the small scale (8,000 digits) holds at the full one (60,000), per
 * comparison, data set and initializer, at the thread's rate and each scale's full budget.
 */
export function scaleAgreement(plan: RobustnessPlan, mapEntries: MapEntry[]): ScaleAgreement[] {
  const rows: ScaleAgreement[] = [];
  for (const family of [...new Set(plan.dataSets.map((data) => data.family))]) {
    const scales = plan.dataSets.filter((data) => data.family === family && data.rateChoices.includes('thread')).sort((a, b) => a.trainSize - b.trainSize);
    if (scales.length < 2) continue;
    const [small, large] = [scales[0], scales[scales.length - 1]];
    for (const initializer of plan.initializers) {
      for (const comparison of ROBUSTNESS_COMPARISONS) {
        const at = (data: RobustnessDataSet) => mapEntries.find((entry) =>
          entry.condition === `${data.id} · ${initializer} · thread` && entry.comparison === comparison.name && entry.group === comparison.claim);
        const smallEntry = at(small);
        const largeEntry = at(large);
        if (!smallEntry || !largeEntry) continue;
        const side = (data: RobustnessDataSet, entry: MapEntry) => ({ scale: data.scale, verdict: entry.verdict, relativeDifference: entry.relativeDifference, epochs: entry.epochs, updates: entry.updates });
        rows.push({
          claim: comparison.claim, comparison: comparison.name, family, initializer: INITIALIZER_TITLES[initializer] ?? initializer,
          small: side(small, smallEntry), large: side(large, largeEntry), agrees: smallEntry.verdict === largeEntry.verdict,
        });
      }
    }
  }
  return rows;
}
