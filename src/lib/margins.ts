/**
 * Verdicts against a practical margin δ, beside the superiority verdict of stats.ts. On the paired
 * differences d = baseline − candidate (positive: the candidate's metric is lower, i.e. better) and
 * their 95% t-interval [low, high], with the margin m = δ × the baseline's mean:
 *
 *   equivalent within δ  low > −m and high < m: whatever the true difference, it is smaller than the
 *                        margin (two one-sided tests at 2.5% each, TOST; stricter than the usual 5%)
 *   better               low > 0, and not equivalent: the candidate is lower by a difference that may exceed δ
 *   worse                high < 0, and not equivalent
 *   not worse than δ     low > −m, and none of the above: the candidate may be better, or worse by less than δ
 *   inconclusive         otherwise: the interval reaches below −m and above 0
 *
 * The words are tried in this order, so each comparison gets exactly one. "Equivalent" comes first:
 * a difference that the seeds can detect but that is smaller than δ makes no practical difference.
 */
import { Bimodality, bimodality, RobustTest, signedRankTest, signTest } from './robustStats';
import { studentTCumulative, studentTQuantile } from './stats';

export const MARGIN_VERDICTS = ['equivalent within δ', 'better', 'worse', 'not worse than δ', 'inconclusive'] as const;
export type MarginVerdict = (typeof MARGIN_VERDICTS)[number];

/** The interval, the baseline's mean and δ (a fraction of that mean, e.g. 0.02 for 2%). */
export interface MarginInput {
  interval: [number, number];
  baselineMean: number;
  margin: number;
}

/** The margin verdict of one comparison; see the module comment. Inconclusive without a finite interval. */
export function marginVerdict(input: MarginInput): MarginVerdict {
  const [low, high] = input.interval;
  const margin = input.margin * input.baselineMean;
  if (!Number.isFinite(low) || !Number.isFinite(high) || !Number.isFinite(margin)) return 'inconclusive';
  if (low > -margin && high < margin) return 'equivalent within δ';
  if (low > 0) return 'better';
  if (high < 0) return 'worse';
  if (low > -margin) return 'not worse than δ';
  return 'inconclusive';
}

/** The same comparison read from the other side (the baseline as the candidate): the interval mirrored. */
export function mirroredInterval(interval: [number, number]): [number, number] {
  return [-interval[1], -interval[0]];
}

/** Options of seedsNeeded. */
export interface SeedsNeededOptions {
  /** The standard deviation of the paired differences. */
  spread: number;
  /** How far the true mean difference must be resolved from what it is tested against (same units). */
  distance: number;
  /** One-sided error rate of each test: 0.025 for a 95% two-sided interval (the default). */
  alpha?: number;
  /** The chance of resolving it when the truth is as assumed; default 0.8. */
  power?: number;
  /** Give up above this many seeds; default 10,000. */
  maximum?: number;
}

/**
 * The smallest number of seeds n with n ≥ ((t(1−α, n−1) + t(power, n−1)) · spread / distance)²: the
 * usual sample size of a paired t-test, with Student quantiles in place of normal ones (for a
 * standardized effect of 0.5 at α = 0.025 per side and 80% power it gives 34, as G*Power does).
 * Infinity when the distance is zero or more than `maximum` seeds would be needed.
 */
export function seedsNeeded(options: SeedsNeededOptions): number {
  const alpha = options.alpha ?? 0.025;
  const power = options.power ?? 0.8;
  const maximum = options.maximum ?? 10_000;
  if (!(options.distance > 0) || !(options.spread >= 0)) return Infinity;
  if (options.spread === 0) return 2;
  for (let seeds = 2; seeds <= maximum; seeds++) {
    const degrees = seeds - 1;
    const needed = ((studentTQuantile(1 - alpha, degrees) + studentTQuantile(power, degrees)) * options.spread / options.distance) ** 2;
    if (seeds >= needed) return seeds;
  }
  return Infinity;
}

/** How many seeds would resolve an inconclusive comparison, if its mean and spread stayed as observed. */
export interface SeedsToResolve {
  /** For the interval to leave zero (a better or worse verdict); Infinity for a zero mean. */
  superiority: number;
  /** For the interval to fit inside ±δ (only when the observed difference is smaller than δ), else Infinity. */
  equivalence: number;
  /** The smaller of the two: what the page reports. */
  seeds: number;
}

/**
 * Seeds needed at 80% power from the observed paired differences: to detect the observed mean
 * difference, and to show equivalence within ±margin (when the observed difference lies inside it;
 * with a mean of 0, the two one-sided tests each get half the miss rate).
 */
export function seedsToResolve(differences: number[], baselineMean: number, margin: number): SeedsToResolve {
  const count = differences.length;
  const mean = differences.reduce((total, value) => total + value, 0) / count;
  const spread = Math.sqrt(differences.reduce((total, value) => total + (value - mean) ** 2, 0) / (count - 1));
  const absolute = Math.abs(margin * baselineMean);
  const superiority = seedsNeeded({ spread, distance: Math.abs(mean) });
  const equivalence = Math.abs(mean) < absolute
    ? seedsNeeded({ spread, distance: absolute - Math.abs(mean), power: mean === 0 ? 0.9 : 0.8 })
    : Infinity;
  return { superiority, equivalence, seeds: Math.min(superiority, equivalence) };
}

/** A comparison's numbers as its margin verdicts need them (a MapEntry or a PairedComparison's parts). */
export interface IntervalSummary {
  meanDifference: number;
  interval: [number, number];
  baselineMean: number;
  /** Paired seeds. */
  seeds: number;
}

/** The margin verdicts of one comparison at δ/2, δ and 2δ: how the answer depends on the margin. */
export interface MarginVerdicts {
  half: MarginVerdict;
  delta: MarginVerdict;
  double: MarginVerdict;
}

export function marginVerdicts(summary: Pick<IntervalSummary, 'interval' | 'baselineMean'>, margin: number): MarginVerdicts {
  const at = (value: number): MarginVerdict => marginVerdict({ interval: summary.interval, baselineMean: summary.baselineMean, margin: value });
  return { half: at(margin / 2), delta: at(margin), double: at(2 * margin) };
}

/**
 * Two-sided-scale p-values of the margin hypotheses, from the mean, the 95% interval and the seeds:
 * equivalence (TOST: twice the larger of the two one-sided p-values against ±m) and
 * non-inferiority (twice the one-sided p-value against −m). Below 0.05 ⇔ the 95% interval lies
 * inside ±m, or above −m.
 */
export function marginPValues(summary: IntervalSummary, margin: number): { equivalence: number; nonInferiority: number } {
  const degrees = summary.seeds - 1;
  if (degrees < 1 || !Number.isFinite(summary.interval[0])) return { equivalence: NaN, nonInferiority: NaN };
  const standardError = (summary.interval[1] - summary.interval[0]) / (2 * studentTQuantile(0.975, degrees));
  const absolute = margin * summary.baselineMean;
  const above = (threshold: number): number => (standardError > 0 ? 1 - studentTCumulative((summary.meanDifference - threshold) / standardError, degrees) : summary.meanDifference > threshold ? 0 : 1);
  const below = (threshold: number): number => (standardError > 0 ? studentTCumulative((summary.meanDifference - threshold) / standardError, degrees) : summary.meanDifference < threshold ? 0 : 1);
  const lower = above(-absolute);
  return { equivalence: Math.min(1, 2 * Math.max(lower, below(absolute))), nonInferiority: Math.min(1, 2 * lower) };
}

/** Holm's step-down rejections at family-wise `alpha` over a list of p-values (NaN never rejected). */
function holmRejections(pValues: number[], alpha: number): boolean[] {
  const tested = pValues.map((p, index) => ({ p, index })).filter((entry) => Number.isFinite(entry.p)).sort((a, b) => a.p - b.p);
  const rejected = new Array<boolean>(pValues.length).fill(false);
  for (let rank = 0; rank < tested.length; rank++) {
    if (tested[rank].p > alpha / (tested.length - rank)) break;
    rejected[tested[rank].index] = true;
  }
  return rejected;
}

/**
 * Margin verdicts over a family (a map at full budget) with Holm's adjustment: each kind of
 * hypothesis — equivalence, difference (the superiority p-value), non-inferiority — is adjusted over
 * the whole family, then the verdict words are tried in their usual order on the adjusted decisions.
 */
export function holmMarginVerdicts(summaries: (IntervalSummary & { pValue: number })[], margin: number, alpha = 0.05): MarginVerdict[] {
  const margins = summaries.map((summary) => marginPValues(summary, margin));
  const equivalent = holmRejections(margins.map((entry) => entry.equivalence), alpha);
  const different = holmRejections(summaries.map((summary) => summary.pValue), alpha);
  const notWorse = holmRejections(margins.map((entry) => entry.nonInferiority), alpha);
  return summaries.map((summary, index): MarginVerdict => {
    if (equivalent[index]) return 'equivalent within δ';
    if (different[index]) return summary.meanDifference > 0 ? 'better' : 'worse';
    if (notWorse[index]) return 'not worse than δ';
    return 'inconclusive';
  });
}

/** Everything a page shows about a comparison beside its superiority verdict. */
export interface MarginAnalysis {
  /** δ, as a fraction of the baseline's mean. */
  margin: number;
  verdicts: MarginVerdicts;
  /** Seeds that would resolve it at δ, when its verdict at δ is inconclusive or only "not worse"; else null. */
  seedsToResolve: SeedsToResolve | null;
  signTest: RobustTest;
  signedRankTest: RobustTest;
  bimodality: Bimodality;
}

/** The margin analysis of paired values (differences = baseline − candidate, per seed). */
export function analyzeMargins(result: { differences: number[]; interval: [number, number]; baseline: { mean: number } }, margin: number): MarginAnalysis {
  const verdicts = marginVerdicts({ interval: result.interval, baselineMean: result.baseline.mean }, margin);
  const unresolved = verdicts.delta === 'inconclusive' || verdicts.delta === 'not worse than δ';
  return {
    margin,
    verdicts,
    seedsToResolve: unresolved && result.differences.length >= 2 ? seedsToResolve(result.differences, result.baseline.mean, margin) : null,
    signTest: signTest(result.differences),
    signedRankTest: signedRankTest(result.differences),
    bimodality: bimodality(result.differences),
  };
}
