/**
 * The title question, answered per layer from the numbers: "Can I use ReLU here?" for the hidden
 * layers, the bottleneck and the output. Each row reads ReLU's side of the comparisons that decide
 * it (mirrored where the thread's claim puts ReLU as the baseline), at the reference protocol with
 * the margin verdicts, across the robustness map's conditions, and with the failure rates of the
 * arms over every run of the map. Nothing in a row is typed: every word comes from a rule below.
 *
 *   yes        ReLU is nowhere worse at the reference protocol or on the map, and fails no more often
 *   yes, but   it is worse somewhere (at the reference protocol or under some conditions), or fails more often
 *   no         it is worse at the reference protocol and under at least half of the map's conditions
 *   unsettled  none of the above, and some comparison at the reference protocol is inconclusive
 */
import { describeConditionSet } from '../lib/conditionMap/describe';
import { entriesAtFullBudget, MapEntry } from '../lib/conditionMap/index';
import { describeData } from '../lib/experiment/profiles';
import { countFailures, FailureCount, failureText } from '../lib/failures';
import { marginVerdict, MarginVerdict, mirroredInterval } from '../lib/margins';
import { ClaimId, claimDefinition } from './claims';
import { PRACTICAL_MARGIN } from './margin';
import { ClaimRecord, RobustnessRecord } from './records';
import { REFERENCE_ARM } from './robustness';

/** One comparison that decides a row: where it is on a claim page and on the map, and which side is ReLU. */
interface Decider {
  /** The alternative to ReLU, in words. */
  against: string;
  claim: ClaimId;
  comparison: string;
  /** The map's comparison (group and name). */
  map: { group: string; name: string };
  /** True when the comparison's candidate is the alternative (ReLU is the baseline): its interval is mirrored. */
  mirror: boolean;
}

interface RowDefinition {
  layer: 'hidden layers' | 'bottleneck' | 'output';
  question: string;
  deciders: Decider[];
  /** The map's arms with ReLU in this layer, and the alternatives'. */
  reluArms: string[];
  otherArms: string[];
}

const ROWS: RowDefinition[] = [
  {
    layer: 'hidden layers',
    question: 'Can I use ReLU in the hidden layers?',
    deciders: [
      { against: 'leaky ReLU', claim: 'C4', comparison: 'leaky ReLU vs ReLU at 1e-3', map: { group: 'C4', name: 'leaky ReLU vs ReLU' }, mirror: true },
      { against: 'ELU', claim: 'C4', comparison: 'ELU vs ReLU at 1e-3', map: { group: 'C4', name: 'ELU vs ReLU' }, mirror: true },
      { against: 'sigmoid', claim: 'C4', comparison: 'ReLU vs sigmoid hidden layers at 1e-3', map: { group: 'Q', name: 'ReLU vs sigmoid hidden layers' }, mirror: false },
    ],
    reluArms: [REFERENCE_ARM],
    otherArms: ['leaky ReLU', 'ELU', 'sigmoid hidden'],
  },
  {
    layer: 'bottleneck',
    question: 'Can I use ReLU in the bottleneck (the code)?',
    deciders: [{ against: 'a linear code', claim: 'C2', comparison: 'bottleneck, sigmoid output', map: { group: 'C2', name: 'bottleneck, sigmoid output' }, mirror: true }],
    reluArms: ['ReLU code → sigmoid out'],
    otherArms: [REFERENCE_ARM],
  },
  {
    layer: 'output',
    question: 'Can I use ReLU in the output layer?',
    deciders: [
      { against: 'a sigmoid output (linear code)', claim: 'C1', comparison: 'output, linear code', map: { group: 'C1', name: 'output, linear code' }, mirror: true },
      { against: 'a sigmoid output (ReLU code)', claim: 'C1', comparison: 'output, ReLU code', map: { group: 'C1', name: 'output, ReLU code' }, mirror: true },
    ],
    reluArms: ['linear code → ReLU out', 'ReLU code → ReLU out'],
    otherArms: [REFERENCE_ARM, 'ReLU code → sigmoid out'],
  },
];

/** ReLU's side of one comparison at the reference protocol. */
export interface ReferenceReading {
  against: string;
  verdict: MarginVerdict;
  /** ReLU's test MSE difference from the alternative, % of the alternative's (negative: ReLU is lower, better). */
  relativePercent: number;
  intervalPercent: [number, number];
  seeds: number;
}

/** ReLU's side of one comparison across the map's conditions at their full budgets. */
export interface MapReading {
  against: string;
  conditions: number;
  /** Conditions by ReLU's margin verdict. */
  counts: Record<MarginVerdict, number>;
  /** Where ReLU is worse, in factored words (empty when nowhere). */
  whereWorse: string;
}

export interface AnswerRow {
  layer: RowDefinition['layer'];
  question: string;
  short: 'yes' | 'yes, but' | 'no' | 'unsettled';
  sentence: string;
  data: string;
  reference: ReferenceReading[];
  map: MapReading[];
  failures: { relu: FailureCount; others: FailureCount } | null;
  /** Pages that hold the evidence, as notebook names. */
  evidence: string[];
}

const percent = (value: number): string => `${value >= 0 ? '' : '−'}${Math.abs(value).toFixed(1)}%`;

/** ReLU's reading of an interval: mirrored when ReLU is the baseline, in % of the alternative's mean. */
function reluSide(interval: [number, number], meanDifference: number, baselineMean: number, mirror: boolean) {
  // Differences are baseline − candidate; from ReLU's side, a lower ReLU MSE is a positive difference.
  const reluInterval = mirror ? mirroredInterval(interval) : interval;
  const alternativeMean = mirror ? baselineMean - meanDifference : baselineMean;
  const reluDifference = mirror ? -meanDifference : meanDifference;
  return {
    verdict: marginVerdict({ interval: reluInterval, baselineMean: alternativeMean, margin: PRACTICAL_MARGIN }),
    // ReLU's MSE minus the alternative's, in % of the alternative's.
    relativePercent: (-100 * reluDifference) / alternativeMean,
    intervalPercent: [(-100 * reluInterval[1]) / alternativeMean, (-100 * reluInterval[0]) / alternativeMean] as [number, number],
  };
}

function verdictPhrase(reading: ReferenceReading): string {
  const numbers = `${percent(reading.relativePercent)} of its test MSE, 95% interval ${percent(reading.intervalPercent[0])} to ${percent(reading.intervalPercent[1])}`;
  switch (reading.verdict) {
    case 'equivalent within δ': return `equivalent within δ to ${reading.against} (${numbers})`;
    case 'better': return `better than ${reading.against} (${numbers})`;
    case 'worse': return `worse than ${reading.against} (${numbers})`;
    case 'not worse than δ': return `not worse than ${reading.against} by more than δ (${numbers})`;
    default: return `not told apart from ${reading.against} (${numbers})`;
  }
}

/** The three rows; see the module comment. Rows whose claims are not recorded are left out. */
export function titleAnswer(claims: ClaimRecord[], robustness: RobustnessRecord | null): AnswerRow[] {
  const mapEntries: MapEntry[] = robustness ? entriesAtFullBudget(robustness.entries) : [];
  const conditions = robustness?.conditions ?? [];
  const rows: AnswerRow[] = [];
  for (const row of ROWS) {
    const reference: ReferenceReading[] = [];
    let data = '';
    for (const decider of row.deciders) {
      const claim = claims.find((entry) => entry.id === decider.claim);
      const comparison = claim?.comparisons.find((entry) => entry.name === decider.comparison);
      if (!claim || !comparison) continue;
      data = describeData(claim.data);
      const result = comparison.result;
      reference.push({ against: decider.against, seeds: result.pairedSeeds.length, ...reluSide(result.interval, result.meanDifference, result.baseline.mean, decider.mirror) });
    }
    if (reference.length === 0) continue;
    const map: MapReading[] = row.deciders.map((decider) => {
      const own = mapEntries.filter((entry) => entry.group === decider.map.group && entry.comparison === decider.map.name);
      const verdicts = own.map((entry) => ({ condition: entry.condition, verdict: reluSide(entry.interval, entry.meanDifference, entry.baselineMean, decider.mirror).verdict }));
      const counts = Object.fromEntries((['equivalent within δ', 'better', 'worse', 'not worse than δ', 'inconclusive'] as MarginVerdict[])
        .map((word) => [word, verdicts.filter((entry) => entry.verdict === word).length])) as Record<MarginVerdict, number>;
      const worse = verdicts.filter((entry) => entry.verdict === 'worse').map((entry) => entry.condition);
      return { against: decider.against, conditions: own.length, counts, whereWorse: worse.length ? describeConditionSet(conditions, worse) : '' };
    }).filter((reading) => reading.conditions > 0);
    const armOf = (run: { parameters: Record<string, unknown> }) => String(run.parameters.arm ?? '');
    const mapRuns = robustness?.runs ?? [];
    const failures = mapRuns.length
      ? {
        relu: countFailures(mapRuns.filter((run) => row.reluArms.includes(armOf(run))).map((run) => ({ group: 'ReLU', failure: run.failure }))).at(0),
        others: countFailures(mapRuns.filter((run) => row.otherArms.includes(armOf(run))).map((run) => ({ group: 'others', failure: run.failure }))).at(0),
      }
      : null;
    const fullFailures = failures?.relu && failures.others ? { relu: failures.relu, others: failures.others } : null;
    const worseAtReference = reference.some((reading) => reading.verdict === 'worse');
    const worseOnMap = map.reduce((total, reading) => total + reading.counts.worse, 0);
    const mapConditions = map.reduce((total, reading) => total + reading.conditions, 0);
    const failsMore = fullFailures !== null && fullFailures.relu.interval[0] > fullFailures.others.interval[1];
    const short: AnswerRow['short'] = worseAtReference && mapConditions > 0 && worseOnMap >= mapConditions / 2 ? 'no'
      : worseAtReference || worseOnMap > 0 || failsMore ? 'yes, but'
        : reference.some((reading) => reading.verdict === 'inconclusive') ? 'unsettled' : 'yes';
    const parts = [
      `${short[0].toUpperCase()}${short.slice(1)}. On ${data} (${reference[0].seeds} seeds, the reference protocol), ReLU ${row.layer === 'output' ? 'output' : row.layer} ${row.layer === 'hidden layers' ? 'are' : 'is'} ${reference.map(verdictPhrase).join('; ')}.`,
    ];
    for (const reading of map) {
      const fine = reading.counts.better + reading.counts['equivalent within δ'] + reading.counts['not worse than δ'];
      parts.push(`Against ${reading.against} across the map's ${reading.conditions} conditions: not worse than δ in ${fine}` +
        `${reading.counts.worse ? `, worse in ${reading.counts.worse} (${reading.whereWorse})` : ', worse in none'}` +
        `${reading.counts.inconclusive ? `, unresolved in ${reading.counts.inconclusive}` : ''}.`);
    }
    if (fullFailures) parts.push(`Failed runs on the map: ReLU ${failureText(fullFailures.relu)}; the alternatives ${failureText(fullFailures.others)}.`);
    rows.push({
      layer: row.layer, question: row.question, short, sentence: parts.join(' '), data, reference, map, failures: fullFailures,
      evidence: [...new Set([...row.deciders.map((decider) => claimDefinition(decider.claim).notebook), ...(robustness ? ['08-robustness'] : [])])],
    });
  }
  return rows;
}
