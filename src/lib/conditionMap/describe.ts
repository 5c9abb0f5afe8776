/**
 * A set of a map's conditions in the words a reader thinks in: instead of listing twelve
 * conditions one by one, "on Fashion-MNIST; on MNIST with He normal", or "everywhere except
 * MNIST 60k". Each part names the levels of a few factors, and together the parts cover exactly the set.
 *
 *   terms: every conjunction of factor levels whose conditions all lie in the set
 *   cover: greedily, the term that covers most of what is left (fewest factors on a tie)
 *   the set or its complement ("everywhere except …"), whichever takes fewer terms
 */
import { MapEntry } from './analyze';
import { ConditionMapSpec, MapCondition } from './spec';

type Term = Record<string, string>;

function matches(condition: Pick<MapCondition, 'factors'>, term: Term): boolean {
  return Object.entries(term).every(([factor, level]) => condition.factors[factor] === level);
}

/** Every combination of levels of a subset of the factors that some condition has. */
function candidateTerms(conditions: Pick<MapCondition, 'factors'>[]): Term[] {
  const factors = [...new Set(conditions.flatMap((condition) => Object.keys(condition.factors)))];
  const terms = new Map<string, Term>();
  for (const condition of conditions) {
    for (let mask = 1; mask < 2 ** factors.length; mask++) {
      const term: Term = {};
      factors.forEach((factor, index) => {
        if (mask & (2 ** index) && condition.factors[factor] !== undefined) term[factor] = condition.factors[factor];
      });
      terms.set(JSON.stringify(term), term);
    }
  }
  return [...terms.values()];
}

/** A small set of terms whose conditions together are exactly `wanted` (see the module comment). */
function cover(conditions: Pick<MapCondition, 'id' | 'factors'>[], wanted: Set<string>): Term[] {
  const inside = candidateTerms(conditions).filter((term) => {
    const own = conditions.filter((condition) => matches(condition, term));
    return own.length > 0 && own.every((condition) => wanted.has(condition.id));
  });
  const left = new Set(wanted);
  const chosen: Term[] = [];
  while (left.size > 0) {
    let best: { term: Term; gain: number } | null = null;
    for (const term of inside) {
      const gain = conditions.filter((condition) => left.has(condition.id) && matches(condition, term)).length;
      const size = Object.keys(term).length;
      if (gain > 0 && (!best || gain > best.gain || (gain === best.gain && size < Object.keys(best.term).length))) best = { term, gain };
    }
    if (!best) break;
    chosen.push(best.term);
    for (const condition of conditions) if (matches(condition, best.term)) left.delete(condition.id);
  }
  return chosen;
}

const termText = (term: Term): string => Object.values(term).join(', ');

/**
 * The conditions of `ids` in words: "under every condition", "under none", "on X; on Y", or
 * "everywhere except X" when that is shorter.
 */
export function describeConditionSet(conditions: Pick<MapCondition, 'id' | 'factors'>[], ids: Iterable<string>): string {
  const wanted = new Set(ids);
  const all = conditions.filter((condition) => wanted.has(condition.id));
  if (all.length === 0) return 'under none of the conditions';
  if (all.length === conditions.length) return 'under every condition';
  const direct = cover(conditions, wanted);
  const complement = cover(conditions, new Set(conditions.filter((condition) => !wanted.has(condition.id)).map((condition) => condition.id)));
  return complement.length < direct.length
    ? `everywhere except ${complement.map(termText).join('; ')}`
    : direct.map(termText).join('; ');
}

/** One comparison across a map's conditions at their full budgets: which verdict where, in one sentence. */
export interface ComparisonAcrossConditions {
  comparison: string;
  conditions: number;
  /** Condition ids by verdict: margin verdicts at δ when the map has a margin, else superiority verdicts. */
  byVerdict: Record<string, string[]>;
  sentence: string;
}

/**
 * Where a comparison's verdict is what, in factored words: "elu vs relu over 3 conditions, each at its
 * full budget (δ = 2%): equivalent within δ on Glorot uniform; worse on He normal."
 */
export function comparisonAcrossConditions(
  view: { spec: ConditionMapSpec; mapEntries: MapEntry[] },
  comparison: { name: string; group?: string },
): ComparisonAcrossConditions {
  const own = view.mapEntries.filter((entry) => entry.comparison === comparison.name && entry.group === comparison.group);
  if (own.length === 0) throw new Error(`no map entries for the comparison ${JSON.stringify(comparison.name)}`);
  const byVerdict: Record<string, string[]> = {};
  for (const entry of own) {
    const verdict = entry.margins ? entry.margins.delta : { supported: 'better', contradicted: 'worse', inconclusive: 'inconclusive' }[entry.verdict];
    (byVerdict[verdict] ??= []).push(entry.condition);
  }
  const definition = view.spec.comparisons.find((item) => item.name === comparison.name && item.group === comparison.group);
  const sides = definition ? `${definition.candidate} against ${definition.baseline}` : comparison.name;
  const margin = view.spec.margin !== undefined ? ` (δ = ${100 * view.spec.margin}%)` : '';
  const parts = Object.entries(byVerdict).map(([verdict, ids]) => {
    const where = describeConditionSet(view.spec.conditions, ids);
    return `${verdict} ${where.startsWith('under') || where.startsWith('everywhere') ? where : `on ${where}`}`;
  });
  return {
    comparison: comparison.name,
    conditions: own.length,
    byVerdict,
    sentence: `${sides}, over ${own.length} condition${own.length === 1 ? '' : 's'} each at its full budget${margin}: ${parts.join('; ')}.`,
  };
}
