/**
 * Statistics for paired comparisons over seeds: summaries, Student-t intervals and the verdict
 * rule of the report. A claim "candidate is better than baseline" on a lower-is-better metric is
 * judged on the per-seed differences d = baseline − candidate:
 *   supported     when the 95% interval of mean(d) lies above 0,
 *   contradicted  when it lies below 0,
 *   inconclusive  otherwise.
 */

export type Verdict = 'supported' | 'contradicted' | 'inconclusive';

export interface Summary {
  count: number;
  mean: number;
  standardDeviation: number;
  minimum: number;
  maximum: number;
}

export function summarize(values: number[]): Summary {
  const count = values.length;
  if (count === 0) return { count: 0, mean: NaN, standardDeviation: NaN, minimum: NaN, maximum: NaN };
  const mean = values.reduce((total, value) => total + value, 0) / count;
  const variance = count > 1 ? values.reduce((total, value) => total + (value - mean) ** 2, 0) / (count - 1) : NaN;
  return { count, mean, standardDeviation: Math.sqrt(variance), minimum: Math.min(...values), maximum: Math.max(...values) };
}

/** log Γ(x) by the Lanczos approximation (g = 7, n = 9), accurate to ~15 digits for x > 0. */
function logGamma(x: number): number {
  const coefficients = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const shifted = x - 1;
  let sum = coefficients[0];
  for (let index = 1; index < 9; index++) sum += coefficients[index] / (shifted + index);
  const t = shifted + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (shifted + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** Continued fraction of the incomplete beta function (modified Lentz). */
function betaContinuedFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let result = d;
  for (let m = 1; m <= 300; m++) {
    const twoM = 2 * m;
    let term = (m * (b - m) * x) / ((a + twoM - 1) * (a + twoM));
    d = 1 + term * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + term / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    result *= d * c;
    term = (-(a + m) * (a + b + m) * x) / ((a + twoM) * (a + twoM + 1));
    d = 1 + term * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + term / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    result *= delta;
    if (Math.abs(delta - 1) < 1e-15) break;
  }
  return result;
}

/** The regularized incomplete beta function I_x(a, b). */
export function regularizedIncompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  return x < (a + 1) / (a + b + 2)
    ? (front * betaContinuedFraction(a, b, x)) / a
    : 1 - (front * betaContinuedFraction(b, a, 1 - x)) / b;
}

/** P(T ≤ t) for Student's t with `degreesOfFreedom`. */
export function studentTCumulative(t: number, degreesOfFreedom: number): number {
  const tail = 0.5 * regularizedIncompleteBeta(degreesOfFreedom / (degreesOfFreedom + t * t), degreesOfFreedom / 2, 0.5);
  return t >= 0 ? 1 - tail : tail;
}

/** The t value with P(T ≤ t) = probability, by bisection (monotone, so it always converges). */
export function studentTQuantile(probability: number, degreesOfFreedom: number): number {
  if (!(probability > 0 && probability < 1)) throw new Error(`studentTQuantile: probability must be in (0, 1), got ${probability}`);
  let low = -1e3;
  let high = 1e3;
  for (let iteration = 0; iteration < 200; iteration++) {
    const middle = (low + high) / 2;
    if (studentTCumulative(middle, degreesOfFreedom) < probability) low = middle;
    else high = middle;
  }
  return (low + high) / 2;
}

/** A confidence interval for a mean from a sample (t distribution, two-sided). */
export function meanInterval(values: number[], confidence = 0.95): [number, number] {
  const summary = summarize(values);
  if (summary.count < 2) return [NaN, NaN];
  const halfWidth =
    (studentTQuantile(1 - (1 - confidence) / 2, summary.count - 1) * summary.standardDeviation) / Math.sqrt(summary.count);
  return [summary.mean - halfWidth, summary.mean + halfWidth];
}

/** The verdict rule on an interval of (baseline − candidate): see the module comment. */
export function verdictFromInterval(interval: [number, number]): Verdict {
  if (interval[0] > 0) return 'supported';
  if (interval[1] < 0) return 'contradicted';
  return 'inconclusive';
}

/** One configuration's values per seed; null marks a diverged run. */
export type ValuesBySeed = Record<number, number | null>;

export interface PairedComparison {
  /** Seeds where both configurations finished. */
  pairedSeeds: number[];
  baseline: Summary;
  candidate: Summary;
  /** The baseline's and the candidate's values on each paired seed, in pairedSeeds order. */
  baselineValues: number[];
  candidateValues: number[];
  /** baseline − candidate per paired seed: positive means the candidate is lower (better). */
  differences: number[];
  meanDifference: number;
  /** mean(d) / mean(baseline): the candidate's relative improvement. */
  relativeDifference: number;
  /** Standardized effect: mean(d) / sd(d) (Cohen's d_z). */
  standardizedEffect: number;
  confidence: number;
  interval: [number, number];
  /** Two-sided p-value of the paired t-test of mean(d) = 0 (NaN with fewer than 2 pairs). */
  pValue: number;
  /** Seeds on which a configuration diverged. */
  divergedSeeds: { baseline: number[]; candidate: number[] };
  verdict: Verdict;
  /** Why the verdict is what it is, in words. */
  reason: string;
}

/**
 * Compares two configurations seed by seed on a lower-is-better metric. Diverged runs cannot be
 * paired numerically; when one side diverges on every seed and the other never, that alone decides.
 */
export function comparePaired(baseline: ValuesBySeed, candidate: ValuesBySeed, confidence = 0.95): PairedComparison {
  const seeds = Object.keys(baseline).map(Number).filter((seed) => seed in candidate).sort((a, b) => a - b);
  const divergedSeeds = {
    baseline: seeds.filter((seed) => baseline[seed] === null),
    candidate: seeds.filter((seed) => candidate[seed] === null),
  };
  const pairedSeeds = seeds.filter((seed) => baseline[seed] !== null && candidate[seed] !== null);
  const baselineValues = pairedSeeds.map((seed) => baseline[seed] as number);
  const candidateValues = pairedSeeds.map((seed) => candidate[seed] as number);
  const differences = pairedSeeds.map((_, index) => baselineValues[index] - candidateValues[index]);
  const differenceSummary = summarize(differences);
  const interval = meanInterval(differences, confidence);
  let verdict: Verdict = pairedSeeds.length >= 2 ? verdictFromInterval(interval) : 'inconclusive';
  let reason =
    pairedSeeds.length >= 2
      ? `${Math.round(confidence * 100)}% t-interval of the paired difference over ${pairedSeeds.length} seeds is ` +
        `[${interval[0].toPrecision(3)}, ${interval[1].toPrecision(3)}]`
      : `only ${pairedSeeds.length} seed(s) finished on both sides`;
  const allBaselineDiverged = divergedSeeds.baseline.length === seeds.length && seeds.length > 0;
  const allCandidateDiverged = divergedSeeds.candidate.length === seeds.length && seeds.length > 0;
  if (allBaselineDiverged && divergedSeeds.candidate.length === 0) {
    verdict = 'supported';
    reason = `the baseline diverged on all ${seeds.length} seeds and the candidate on none`;
  } else if (allCandidateDiverged && divergedSeeds.baseline.length === 0) {
    verdict = 'contradicted';
    reason = `the candidate diverged on all ${seeds.length} seeds and the baseline on none`;
  } else if (divergedSeeds.baseline.length + divergedSeeds.candidate.length > 0) {
    reason += `; diverged seeds left out: baseline ${JSON.stringify(divergedSeeds.baseline)}, candidate ${JSON.stringify(divergedSeeds.candidate)}`;
  }
  const baselineSummary = summarize(baselineValues);
  const tStatistic = differenceSummary.mean / (differenceSummary.standardDeviation / Math.sqrt(pairedSeeds.length));
  const pValue = pairedSeeds.length < 2
    ? NaN
    : differenceSummary.standardDeviation === 0
      ? (differenceSummary.mean === 0 ? 1 : 0)
      : 2 * (1 - studentTCumulative(Math.abs(tStatistic), pairedSeeds.length - 1));
  return {
    pairedSeeds,
    baseline: baselineSummary,
    candidate: summarize(candidateValues),
    baselineValues,
    candidateValues,
    differences,
    meanDifference: differenceSummary.mean,
    relativeDifference: differenceSummary.mean / baselineSummary.mean,
    standardizedEffect: differenceSummary.mean / differenceSummary.standardDeviation,
    confidence,
    interval,
    pValue,
    divergedSeeds,
    verdict,
    reason,
  };
}

/**
 * Holm's step-down adjustment of a family of paired comparisons at family-wise error `alpha`: sort
 * the p-values, reject the i-th smallest while p ≤ alpha / (m − i + 1), and stop at the first that
 * is not. A rejected comparison keeps its direction (supported or contradicted), the others become
 * inconclusive. Comparisons decided by divergence alone (no p-value) keep their verdict. Returned in
 * the order given.
 */
export function holmAdjustedVerdicts(comparisons: ReadonlyArray<{ result: Pick<PairedComparison, 'pValue' | 'verdict' | 'meanDifference'> }>, alpha = 0.05): Verdict[] {
  const tested = comparisons.map((comparison, index) => ({ index, p: comparison.result.pValue })).filter((entry) => Number.isFinite(entry.p));
  tested.sort((a, b) => a.p - b.p);
  const rejected = new Set<number>();
  for (let rank = 0; rank < tested.length; rank++) {
    if (tested[rank].p > alpha / (tested.length - rank)) break;
    rejected.add(tested[rank].index);
  }
  return comparisons.map((comparison, index) => {
    if (!Number.isFinite(comparison.result.pValue)) return comparison.result.verdict;
    if (!rejected.has(index)) return 'inconclusive';
    return comparison.result.meanDifference > 0 ? 'supported' : 'contradicted';
  });
}
