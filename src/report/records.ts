/**
 * What the notebooks write for the report: each claim notebook records its verdict, comparisons and
 * runs (claims/<id>.json); the index gathers them into results.json. Everything goes to the report
 * folder of the build (RELU_AE_REPORTS_DIR, set by the report script), or to the scratch folder
 * out/report/ when a notebook runs in Jupyter: the committed reports/ is only ever replaced by a
 * published build.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Comparison, withMargins } from '../lib/compare';
import { runFailure } from '../lib/failures';
import { MarginVerdict } from '../lib/margins';
import { describeProfile, Profile, ProfileData } from '../lib/experiment/profiles';
import { MapCondition, MapEntry } from '../lib/conditionMap/index';
import { ExperimentResult, ExperimentRun } from '../lib/experiment/runner';
import { callerProjectRoot } from '../lib/paths';
import { readSettings } from '../lib/settings';
import { Verdict } from '../lib/stats';
import { claimDefinition, ClaimDefinition, ClaimId, CLAIMS } from './claims';
import { PRACTICAL_MARGIN } from './margin';
import type { RobustnessPlan } from './robustness';

/** Where every build but a published one writes, relative to the project (ignored by git). */
export const SCRATCH_REPORT_FOLDER = path.join('out', 'report');

/** The report folder notebooks write into: RELU_AE_REPORTS_DIR, else the project's out/report. */
export function reportsDirectory(): string {
  return readSettings().reportsDirectory ?? path.join(callerProjectRoot(), SCRATCH_REPORT_FOLDER);
}

/** Where notebooks record their claims: the report folder's claims/. */
export function claimsDirectory(): string {
  return path.join(reportsDirectory(), 'claims');
}

/** Rounds to 6 significant digits: per-epoch values in results.json, where full precision only costs bytes. */
function compact(value: number | null): number | null {
  return value === null || !Number.isFinite(value) ? null : Number(value.toPrecision(6));
}

/** A run as it appears in results.json: what decided it and what it measured, per epoch, without samples. */
export interface RunRecord {
  key: string;
  label: string;
  group: string;
  parameters: Record<string, number | string | boolean>;
  config: unknown;
  seed: number;
  /** Final test MSE at full precision (what verdicts are computed from); null when diverged. */
  testMse: number | null;
  /** Per epoch (6 significant digits): test MSE, validation MSE (null without a split) and train loss. */
  history: { testMse: (number | null)[]; validationMse: (number | null)[]; trainLoss: (number | null)[] };
  diverged: unknown;
  /** Why the run counts as failed (lib/failures.ts), or null. */
  failure: string | null;
  initialTestMse: number | null;
  data: { fingerprint: string };
  engine: string;
  backend: string;
  versions: unknown;
  /** Wall-clock seconds the run took when it was computed (a cached result keeps its original time). */
  durationSeconds: number;
  /** True when this build took the result from the cache. */
  cached: boolean;
}

export function runRecord(run: ExperimentRun): RunRecord {
  const history = run.result.history;
  return {
    key: run.key,
    label: run.label,
    group: run.group,
    parameters: run.parameters,
    config: run.result.config,
    seed: run.seed,
    testMse: run.result.testMse,
    history: {
      testMse: history.map((record) => compact(record.testMse)),
      validationMse: history.map((record) => compact(record.validationMse)),
      trainLoss: history.map((record) => compact(record.trainLoss)),
    },
    diverged: run.result.diverged,
    failure: runFailure(run.result),
    initialTestMse: run.result.initialTestMse,
    data: { fingerprint: run.result.data.fingerprint },
    engine: run.result.engine,
    backend: run.result.backend,
    versions: run.result.versions,
    durationSeconds: run.result.durationSeconds,
    cached: run.cached,
  };
}

/** A claim's study at the profile's second scale (ClaimRecord.atOtherScale). */
export interface ScaleRecord {
  data: ProfileData;
  verdict: Verdict;
  comparisons: Comparison[];
  runs: RunRecord[];
}

export interface ClaimRecord extends ClaimDefinition {
  verdict: Verdict;
  comparisons: Comparison[];
  profile: string;
  seeds: number[];
  /** The data the verdict was measured on. */
  data: ProfileData;
  /** The same study at the profile's second scale (full: the 8,000 embedded digits), or null. */
  atOtherScale: ScaleRecord | null;
  /** Wording of the conditions (budget, rate, seeds) the verdict holds under. */
  conditions: string;
  runs: RunRecord[];
  recordedAt: string;
}

/**
 * A claim's verdict from its primary comparisons: supported when every one is supported,
 * contradicted when any is contradicted, inconclusive otherwise.
 */
export function combineVerdicts(comparisons: Comparison[]): Verdict {
  const primary = comparisons.filter((comparison) => comparison.primary).map((comparison) => comparison.result.verdict);
  if (primary.length === 0) throw new Error('a claim needs at least one primary comparison');
  if (primary.some((verdict) => verdict === 'contradicted')) return 'contradicted';
  return primary.every((verdict) => verdict === 'supported') ? 'supported' : 'inconclusive';
}

/** The conditions a verdict holds under, in words. */
export function conditionsText(profile: Profile, training: string): string {
  return `${describeProfile(profile)}; ${training}; verdict rule: 95% paired t-interval of the per-seed difference in final test MSE excludes 0`;
}

function writeJsonAtomically(file: string, value: unknown): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    // Compact: the evidence must stay within its size budget, and indentation is a quarter of it.
    fs.writeFileSync(temporary, JSON.stringify(value));
    fs.renameSync(temporary, file);
  } finally {
    fs.rmSync(temporary, { force: true });
  }
}

/** Builds a claim's record and writes it into the report folder's claims/; returns it. */
export function recordClaim(options: {
  id: ClaimId;
  comparisons: Comparison[];
  profile: Profile;
  experiments: ExperimentResult[];
  conditions: string;
  /** The same study at the profile's second scale, when it has one. */
  atOtherScale?: { data: ProfileData; comparisons: Comparison[]; experiments: ExperimentResult[] } | null;
  directory?: string;
}): ClaimRecord {
  const other = options.atOtherScale ?? null;
  const margined = (comparisons: Comparison[]): Comparison[] => comparisons.map((comparison) => withMargins(comparison, PRACTICAL_MARGIN));
  const record: ClaimRecord = {
    ...claimDefinition(options.id),
    verdict: combineVerdicts(options.comparisons),
    comparisons: margined(options.comparisons),
    profile: options.profile.name,
    seeds: options.profile.seeds,
    data: options.profile.data,
    atOtherScale: other
      ? { data: other.data, verdict: combineVerdicts(other.comparisons), comparisons: margined(other.comparisons), runs: other.experiments.flatMap((result) => result.runs.map(runRecord)) }
      : null,
    conditions: options.conditions,
    runs: options.experiments.flatMap((result) => result.runs.map(runRecord)),
    recordedAt: new Date().toISOString(),
  };
  writeJsonAtomically(path.join(options.directory ?? claimsDirectory(), `${options.id}.json`), record);
  return record;
}

/** A claim as results.json keeps it: runs by key. */
type PublishedClaim = Omit<ClaimRecord, 'runs' | 'atOtherScale'> & { runKeys: string[]; atOtherScale: (Omit<ScaleRecord, 'runs'> & { runKeys: string[] }) | null };

/**
 * Reads every recorded claim in CLAIMS order: from claims/<id>.json when this folder's notebook
 * wrote one, else from the folder's results.json (a published report keeps only results.json, so a
 * build of one notebook still finds the others); a claim in neither is listed in `missing`.
 */
export function readClaimRecords(directory = claimsDirectory()): { claims: ClaimRecord[]; missing: ClaimId[] } {
  const claims: ClaimRecord[] = [];
  const missing: ClaimId[] = [];
  const results = readResultsFile(path.dirname(directory));
  const resultRuns = new Map(((results?.runs as RunRecord[] | undefined) ?? []).map((run) => [run.key, run]));
  for (const definition of CLAIMS) {
    const file = path.join(directory, `${definition.id}.json`);
    const published = ((results?.claims as PublishedClaim[] | undefined) ?? []).find((claim) => claim.id === definition.id);
    const runsOf = (keys: string[]): RunRecord[] => keys.map((key) => resultRuns.get(key)).filter((run): run is RunRecord => run !== undefined);
    if (fs.existsSync(file)) claims.push(JSON.parse(fs.readFileSync(file, 'utf8')));
    else if (published) {
      const { runKeys, atOtherScale, ...claim } = published;
      const other = atOtherScale ? (({ runKeys: otherKeys, ...rest }) => ({ ...rest, runs: runsOf(otherKeys) }))(atOtherScale) : null;
      claims.push({ ...claim, atOtherScale: other, runs: runsOf(runKeys) });
    } else missing.push(definition.id);
  }
  return { claims, missing };
}

/**
 * A run of the robustness sweep as results.json keeps it: what identifies it (its key, seed and
 * named settings, from which robustnessExperiment(plan) gives its config) and what it measured per
 * epoch. Engine, backend and versions are the same for every run of a sweep and are kept once.
 */
export interface RobustnessRunRecord {
  key: string;
  seed: number;
  parameters: Record<string, number | string | boolean>;
  testMse: number | null;
  history: { testMse: (number | null)[]; validationMse: (number | null)[] };
  diverged: unknown;
  failure: string | null;
  durationSeconds: number;
  cached: boolean;
}

export function robustnessRunRecord(run: ExperimentRun): RobustnessRunRecord {
  const full = runRecord(run);
  return {
    key: full.key, seed: full.seed, parameters: full.parameters, testMse: full.testMse,
    history: { testMse: full.history.testMse, validationMse: full.history.validationMse },
    diverged: full.diverged, failure: full.failure, durationSeconds: full.durationSeconds, cached: full.cached,
  };
}

/** What the robustness notebook records and the index reads. */
export interface RobustnessRecord {
  plan: RobustnessPlan;
  /** The map's conditions (id, title, factors), so that results.json says what each entry's condition is. */
  conditions: Pick<MapCondition, 'id' | 'title' | 'factors'>[];
  /** Every comparison × condition at every budget read. */
  entries: MapEntry[];
  /** Holm-adjusted verdicts of the entries at the full budget, in their order. */
  holm: Verdict[];
  /** Holm-adjusted margin verdicts at δ of the same entries, in their order. */
  holmMargins: MarginVerdict[];
  /** Engine, backend and versions of the sweep's runs. */
  runsCommon: { engine: string; backend: string; versions: unknown };
  runs: RobustnessRunRecord[];
  recordedAt: string;
}

/** Writes the robustness record next to the claims. */
export function writeRobustnessRecord(record: RobustnessRecord, directory = claimsDirectory()): string {
  const file = path.join(directory, 'robustness.json');
  writeJsonAtomically(file, record);
  return file;
}

/** The results.json of the report folder, or null. */
function readResultsFile(directory: string): Record<string, unknown> | null {
  const file = path.join(directory, 'results.json');
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>) : null;
}

/**
 * The robustness record: from claims/robustness.json when this report folder's sweep wrote one,
 * else from the folder's results.json (a published report keeps only results.json), else null.
 */
export function readRobustnessRecord(directory = claimsDirectory()): RobustnessRecord | null {
  const file = path.join(directory, 'robustness.json');
  if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, 'utf8')) as RobustnessRecord;
  const results = readResultsFile(path.dirname(directory));
  if (!results || !results.robustnessPlan) return null;
  const keys = new Set(results.robustnessRunKeys as string[]);
  return {
    plan: results.robustnessPlan as RobustnessPlan,
    conditions: results.robustnessConditions as RobustnessRecord['conditions'],
    entries: results.robustness as MapEntry[],
    holm: results.robustnessHolm as Verdict[],
    holmMargins: results.robustnessHolmMargins as MarginVerdict[],
    runsCommon: results.robustnessRunsCommon as RobustnessRecord['runsCommon'],
    runs: (results.runs as RobustnessRunRecord[]).filter((run) => keys.has(run.key)),
    recordedAt: String((results.build as Record<string, unknown> | undefined)?.startedAt ?? ''),
  };
}

/**
 * results.json: claims with their comparisons and run keys, the robustness map (entries, plan,
 * Holm-adjusted verdicts), and every run once (deduplicated by key).
 */
export function assembleResults(claims: ClaimRecord[], build: Record<string, unknown>, robustness: RobustnessRecord | null = null, answer: unknown[] = []): Record<string, unknown> {
  const runs = new Map<string, RunRecord | RobustnessRunRecord>();
  const claimRuns = claims.flatMap((claim) => [...claim.runs, ...(claim.atOtherScale?.runs ?? [])]);
  for (const run of [...claimRuns, ...(robustness?.runs ?? [])]) if (!runs.has(run.key)) runs.set(run.key, run);
  const keysOf = (records: { key: string }[]): string[] => records.map((run) => run.key);
  return {
    build,
    margin: PRACTICAL_MARGIN,
    answer,
    claims: claims.map(({ runs: ownRuns, atOtherScale, ...claim }): PublishedClaim => ({
      ...claim,
      runKeys: keysOf(ownRuns),
      atOtherScale: atOtherScale ? (({ runs: otherRuns, ...rest }) => ({ ...rest, runKeys: keysOf(otherRuns) }))(atOtherScale) : null,
    })),
    ...(robustness
      ? {
        robustnessPlan: robustness.plan,
        robustnessConditions: robustness.conditions,
        robustness: robustness.entries,
        robustnessHolm: robustness.holm,
        robustnessHolmMargins: robustness.holmMargins,
        robustnessRunsCommon: robustness.runsCommon,
        robustnessRunKeys: robustness.runs.map((run) => run.key),
      }
      : {}),
    runs: [...runs.values()],
  };
}

/** Writes results.json into the report folder (or `file`) atomically and returns its path. */
export function writeResultsFile(results: Record<string, unknown>, file = path.join(reportsDirectory(), 'results.json')): string {
  writeJsonAtomically(file, results);
  return file;
}

/** What the report script recorded about this build (build.json), or {} outside a build. */
export function readBuildInfo(file = readSettings().buildInfo): Record<string, unknown> {
  if (!file || !fs.existsSync(file)) return {};
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}
