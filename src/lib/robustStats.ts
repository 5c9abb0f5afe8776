/**
 * Statistics that do not lean on a mean and a t-interval: what a page shows beside them when seeds
 * fail now and then, or when per-seed differences fall into two groups.
 *   binomialInterval   exact (Clopper–Pearson) interval of a rate, e.g. failed seeds out of all
 *   signTest           exact two-sided sign test of paired differences
 *   signedRankTest     exact two-sided Wilcoxon signed-rank test of paired differences
 *   bimodality         whether differences split into two groups far apart relative to their spread
 */
import { regularizedIncompleteBeta } from './stats';

/** The x with I_x(a, b) = probability, by bisection (I is increasing in x). */
function betaQuantile(probability: number, a: number, b: number): number {
  let low = 0;
  let high = 1;
  for (let iteration = 0; iteration < 200; iteration++) {
    const middle = (low + high) / 2;
    if (regularizedIncompleteBeta(middle, a, b) < probability) low = middle;
    else high = middle;
  }
  return (low + high) / 2;
}

/**
 * The exact (Clopper–Pearson) two-sided interval of a binomial rate from `successes` out of
 * `trials`: it covers the true rate with at least the given confidence whatever that rate is.
 */
export function binomialInterval(successes: number, trials: number, confidence = 0.95): [number, number] {
  if (!Number.isInteger(successes) || !Number.isInteger(trials) || trials <= 0 || successes < 0 || successes > trials) {
    throw new Error(`binomialInterval: need 0 ≤ successes ≤ trials and trials > 0, got ${successes} of ${trials}`);
  }
  const tail = (1 - confidence) / 2;
  const low = successes === 0 ? 0 : betaQuantile(tail, successes, trials - successes + 1);
  const high = successes === trials ? 1 : betaQuantile(1 - tail, successes + 1, trials - successes);
  return [low, high];
}

/** P(X ≤ k) for X ~ Binomial(n, 1/2). */
function halfBinomialCumulative(k: number, n: number): number {
  let total = 0;
  let term = 0.5 ** n;
  for (let value = 0; value <= k; value++) {
    total += term;
    term = (term * (n - value)) / (value + 1);
  }
  return total;
}

/** A robust test's result: its statistic and exact two-sided p-value (1 when nothing can be tested). */
export interface RobustTest {
  statistic: number;
  pValue: number;
  /** Differences that took part (zeros are left out). */
  count: number;
}

/** The exact sign test: how many differences are positive, against a fair coin (zeros left out). */
export function signTest(differences: number[]): RobustTest {
  const nonZero = differences.filter((value) => value !== 0);
  const positive = nonZero.filter((value) => value > 0).length;
  const n = nonZero.length;
  if (n === 0) return { statistic: 0, pValue: 1, count: 0 };
  const extreme = Math.min(positive, n - positive);
  return { statistic: positive, pValue: Math.min(1, 2 * halfBinomialCumulative(extreme, n)), count: n };
}

/**
 * The exact Wilcoxon signed-rank test: W+ (the sum of the ranks of the positive differences among
 * the absolute values, ties given their mean rank), against its distribution over every sign
 * pattern (exact by enumeration of rank sums; zeros left out).
 */
export function signedRankTest(differences: number[]): RobustTest {
  const nonZero = differences.filter((value) => value !== 0);
  const n = nonZero.length;
  if (n === 0) return { statistic: 0, pValue: 1, count: 0 };
  const order = nonZero.map((value, index) => ({ size: Math.abs(value), index })).sort((a, b) => a.size - b.size);
  const ranks = new Array<number>(n);
  for (let start = 0; start < n;) {
    let end = start;
    while (end + 1 < n && order[end + 1].size === order[start].size) end++;
    for (let position = start; position <= end; position++) ranks[order[position].index] = (start + end) / 2 + 1;
    start = end + 1;
  }
  const statistic = nonZero.reduce((total, value, index) => total + (value > 0 ? ranks[index] : 0), 0);
  // Ranks doubled are integers even with ties: count the sign patterns by their doubled rank sum.
  const doubled = ranks.map((rank) => Math.round(2 * rank));
  const total = doubled.reduce((sum, rank) => sum + rank, 0);
  let counts = new Array<number>(total + 1).fill(0);
  counts[0] = 1;
  for (const rank of doubled) {
    const next = counts.slice();
    for (let sum = 0; sum + rank <= total; sum++) if (counts[sum]) next[sum + rank] += counts[sum];
    counts = next;
  }
  const patterns = 2 ** n;
  const observed = Math.round(2 * statistic);
  const mirrored = total - observed;
  const [low, high] = [Math.min(observed, mirrored), Math.max(observed, mirrored)];
  let tail = 0;
  counts.forEach((count, sum) => {
    if (sum <= low || sum >= high) tail += count;
  });
  return { statistic, pValue: Math.min(1, tail / patterns), count: n };
}

/** Whether paired differences fall into two groups: where the split is, and how far apart the groups lie. */
export interface Bimodality {
  bimodal: boolean;
  /** The values of the lower and upper group (sorted); empty when there are fewer than 4 values. */
  lower: number[];
  upper: number[];
  /** The gap between the groups over the pooled standard deviation within them. */
  separation: number;
}

/**
 * Splits sorted values at their widest gap. Bimodal when each side holds at least two values and
 * the gap is more than four times the pooled standard deviation within the two groups: then a
 * mean and a t-interval describe neither group, and the page says so.
 */
export function bimodality(values: number[]): Bimodality {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length < 4) return { bimodal: false, lower: [], upper: [], separation: 0 };
  let split = 2;
  for (let index = 2; index <= sorted.length - 2; index++) {
    if (sorted[index] - sorted[index - 1] > sorted[split] - sorted[split - 1]) split = index;
  }
  const lower = sorted.slice(0, split);
  const upper = sorted.slice(split);
  const squares = (group: number[]) => {
    const mean = group.reduce((total, value) => total + value, 0) / group.length;
    return group.reduce((total, value) => total + (value - mean) ** 2, 0);
  };
  const pooled = Math.sqrt((squares(lower) + squares(upper)) / (sorted.length - 2));
  const gap = upper[0] - lower[lower.length - 1];
  const separation = pooled > 0 ? gap / pooled : gap > 0 ? Infinity : 0;
  return { bimodal: separation > 4, lower, upper, separation };
}
