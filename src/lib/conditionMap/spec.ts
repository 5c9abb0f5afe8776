/**
 * A condition map as data: arms (autoencoder runs), comparisons between them, and the conditions
 * under which every comparison is re-run (any fields of the run config: initializer, data set and
 * scale, batch size, epochs, and how the learning rate is chosen). Plain, serializable objects;
 * planConditionMap turns one into an experiment, analyzeConditionMap reads its runs.
 *
 *   { arms, comparisons, conditions, seeds }
 *     ─▶ per condition: each arm's run with the condition's fields merged in, at the arm's own rate
 *        (rate choice 'arm') or at every rate of its optimizer's grid (rate choice 'best')
 *     ─▶ one experiment: every distinct config once, × seeds
 */
import { canonicalJson } from '../experiment/cache';
import { AutoencoderRunInput, resolveAutoencoderRunConfig } from '../runs/autoencoder';
import { OptimizerName } from '../spec';
import { SpecError } from '../specErrors';

/** One arm: a name and the autoencoder run it trains; conditions override parts of the run. */
export interface MapArm {
  id: string;
  /** The arm's colour group in plots; default the id. */
  group?: string;
  run: AutoencoderRunInput;
}

/** Is the candidate's test MSE lower than the baseline's? */
export interface MapComparison {
  name: string;
  /** A label to group comparisons by (the report's claim id); optional. */
  group?: string;
  baseline: string;
  candidate: string;
}

/**
 * How a condition picks each arm's learning rate:
 * - 'arm': the rate the arm's run names (or its optimizer's default);
 * - 'best': at every budget, the rate of the arm optimizer's grid (plus the arm's own) with the
 *   lowest mean validation MSE; a rate with a diverged seed never wins. Needs a validation split
 *   (data.validationSize > 0): choosing on the test examples would bias the verdicts.
 */
export type RateChoice = { kind: 'arm' } | { kind: 'best'; grid: Partial<Record<OptimizerName, number[]>> };

/** One condition: the fields it sets in every arm's run, its rate choice, and its named factors. */
export interface MapCondition {
  id: string;
  title: string;
  /** Merged into every arm's run (plain objects merge field by field; anything else replaces). */
  run: AutoencoderRunInput;
  rate: RateChoice;
  /** The condition's value of each factor, for grouping in charts and sentences: { initializer: 'He normal', data: 'MNIST 60k' }. */
  factors: Record<string, string>;
}

export interface ConditionMapSpec {
  name: string;
  arms: MapArm[];
  comparisons: MapComparison[];
  conditions: MapCondition[];
  seeds: number[];
  /** A practical margin δ (a fraction of the baseline's mean): entries then carry margin verdicts at δ/2, δ and 2δ. */
  margin?: number;
}

/** One value of a factor, for crossConditions: its title and the run fields it sets. */
export interface FactorLevel {
  /** Short id; default the title. */
  id?: string;
  title: string;
  run?: AutoencoderRunInput;
  /** A rate choice; the level of at most one factor of a condition may set it. Default 'arm'. */
  rate?: RateChoice;
}

/** Deep merge of plain objects; arrays and other values of `override` replace. */
export function mergeRun<Value>(base: Value, override: unknown): Value {
  if (!isPlainObject(base) || !isPlainObject(override)) return (override === undefined ? base : override) as Value;
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) merged[key] = key in merged ? mergeRun(merged[key], value) : value;
  return merged as Value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Every combination of the factors' levels as a condition (the first factor varies slowest), less
 * the combinations `keep` refuses. Ids and titles join the levels' with " · ".
 */
export function crossConditions(factors: Record<string, FactorLevel[]>, keep: (levels: Record<string, FactorLevel>) => boolean = () => true): MapCondition[] {
  let combinations: Record<string, FactorLevel>[] = [{}];
  for (const [factor, levels] of Object.entries(factors)) {
    if (levels.length === 0) throw new SpecError(`factors.${factor}`, 'has no levels');
    combinations = combinations.flatMap((combination) => levels.map((level) => ({ ...combination, [factor]: level })));
  }
  return combinations.filter(keep).map((combination) => {
    const levels = Object.values(combination);
    const rates = levels.filter((level) => level.rate !== undefined);
    if (rates.length > 1) throw new SpecError('factors', `two factors set the rate choice in one condition (${rates.map((level) => level.title).join(', ')})`);
    return {
      id: levels.map((level) => level.id ?? level.title).join(' · '),
      title: levels.map((level) => level.title).join(' · '),
      run: levels.reduce<AutoencoderRunInput>((run, level) => mergeRun(run, level.run ?? {}), {}),
      rate: rates[0]?.rate ?? { kind: 'arm' },
      factors: Object.fromEntries(Object.entries(combination).map(([factor, level]) => [factor, level.title])),
    };
  });
}

/** One run configuration of the map: which arm, at which rate, read by which conditions. */
export interface MapConfiguration {
  label: string;
  arm: string;
  rate: number;
  optimizer: OptimizerName;
  /** The conditions that read this configuration. */
  conditions: string[];
  run: AutoencoderRunInput;
}

/** Checks a spec's names and references; errors name the field and the value. */
export function validateConditionMap(spec: ConditionMapSpec): void {
  const unique = (field: string, values: string[]): void => {
    const seen = new Set<string>();
    for (const value of values) {
      if (seen.has(value)) throw new SpecError(field, `${JSON.stringify(value)} appears twice; names must be unique`);
      seen.add(value);
    }
  };
  if (spec.arms.length === 0) throw new SpecError('arms', 'is empty');
  if (spec.comparisons.length === 0) throw new SpecError('comparisons', 'is empty');
  if (spec.conditions.length === 0) throw new SpecError('conditions', 'is empty');
  if (spec.seeds.length < 2) throw new SpecError('seeds', `needs at least 2 seeds for a paired interval, got ${spec.seeds.length}`);
  unique('arms[].id', spec.arms.map((arm) => arm.id));
  unique('conditions[].id', spec.conditions.map((condition) => condition.id));
  unique('comparisons[].name', spec.comparisons.map((comparison) => `${comparison.group ?? ''}/${comparison.name}`));
  const arms = new Set(spec.arms.map((arm) => arm.id));
  spec.comparisons.forEach((comparison, index) => {
    for (const side of ['baseline', 'candidate'] as const) {
      if (!arms.has(comparison[side])) throw new SpecError(`comparisons[${index}].${side}`, `unknown arm ${JSON.stringify(comparison[side])}; the arms are ${[...arms].join(', ')}`);
    }
  });
}

/**
 * Every distinct run configuration of the map, labelled "arm @ rate · condition" after the first
 * condition that needs it. Each is resolved here, so a bad field fails before anything runs,
 * naming the arm and the condition.
 */
export function mapConfigurations(spec: ConditionMapSpec): MapConfiguration[] {
  validateConditionMap(spec);
  const byConfig = new Map<string, MapConfiguration>();
  for (const condition of spec.conditions) {
    for (const arm of spec.arms) {
      const merged = mergeRun(arm.run, condition.run);
      let resolved;
      try {
        resolved = resolveAutoencoderRunConfig(merged);
      } catch (error) {
        if (error instanceof SpecError) throw new SpecError(`arm "${arm.id}" under condition "${condition.id}": ${error.field}`, error.message.slice(error.field.length + 2));
        throw error;
      }
      const optimizer = resolved.training.optimizer.name;
      const ownRate = resolved.training.optimizer.learningRate;
      let rates = [ownRate];
      if (condition.rate.kind === 'best') {
        if (resolved.data.validationSize === 0) {
          throw new SpecError(`conditions "${condition.id}".run.data.validationSize`, 'must be > 0 for the rate choice "best": rates are chosen on validation examples, never on the test examples');
        }
        rates = [...new Set([...(condition.rate.grid[optimizer] ?? []), ownRate])].sort((a, b) => a - b);
      }
      for (const rate of rates) {
        const run = mergeRun(merged, { training: { optimizer: { ...resolved.training.optimizer, learningRate: rate } } });
        // Within an arm, a config that two conditions share runs once; two arms with equal configs
        // keep a configuration each (the runner computes their common runs once, by key).
        const key = `${arm.id}\n${canonicalJson(resolveAutoencoderRunConfig(run))}`;
        const existing = byConfig.get(key);
        if (existing) {
          if (!existing.conditions.includes(condition.id)) existing.conditions.push(condition.id);
          continue;
        }
        byConfig.set(key, { label: `${arm.id} @ ${rate} · ${condition.title}`, arm: arm.id, rate, optimizer, conditions: [condition.id], run });
      }
    }
  }
  return [...byConfig.values()];
}
