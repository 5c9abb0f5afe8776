/**
 * The thread's claims and recipes as data: which experiment answers each, which paired comparisons
 * decide its verdict, and how a notebook's answer is recorded for the summary and results.json.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Profile } from './experiment/profiles';
import { ExperimentResult, ExperimentRun, projectRoot } from './experiment/runner';
import { comparePaired, PairedComparison, ValuesBySeed, Verdict } from './stats';

export type ClaimId = 'C1' | 'C2' | 'C3' | 'C4' | 'C5' | 'R1' | 'R2';

export interface ClaimDefinition {
  id: ClaimId;
  title: string;
  /** The thread's words, paraphrased faithfully. */
  threadWords: string;
  notebook: string;
}

export const CLAIMS: ClaimDefinition[] = [
  { id: 'C1', title: 'ReLU output vs sigmoid output', threadWords: 'A ReLU output layer does worse than a sigmoid output layer.', notebook: '01-output-activation' },
  { id: 'C2', title: 'Linear vs ReLU bottleneck', threadWords: 'With a sigmoid output, a linear bottleneck is slightly better than a ReLU bottleneck.', notebook: '02-bottleneck' },
  { id: 'C3', title: 'Sigmoid everywhere', threadWords: 'Sigmoid in every layer is clearly worse.', notebook: '03-all-sigmoid' },
  { id: 'C4', title: 'ELU / leaky ReLU vs ReLU hidden layers', threadWords: 'ELU or leaky ReLU hidden layers do better than ReLU.', notebook: '04-elu-leaky-relu' },
  { id: 'C5', title: 'Adam vs the usual optimizers', threadWords: 'The Adam optimizer works well (compared with the usual alternatives).', notebook: '05-optimizers' },
  { id: 'R1', title: 'Rectifier denoising autoencoder recipe', threadWords: 'A DAE with rectifier hidden units and sigmoid reconstruction, then a second DAE with noise before the rectifier, softplus reconstruction, MSE and L1 weight penalties.', notebook: '06-denoising-recipe' },
  { id: 'R2', title: 'L1 penalty on rectifier activations', threadWords: 'An L1 penalty on rectifier activations gives sparse codes.', notebook: '07-sparsity' },
];

/** The values of a metric per seed for one label (null where the run diverged). */
export function valuesBySeed(runs: ExperimentRun[], label: string, metric: (run: ExperimentRun) => number | null = (run) => run.result.testMse): ValuesBySeed {
  const values: ValuesBySeed = {};
  const matching = runs.filter((run) => run.label === label);
  if (matching.length === 0) throw new Error(`no runs labelled ${JSON.stringify(label)}; labels are ${[...new Set(runs.map((run) => run.label))].join(', ')}`);
  for (const run of matching) values[run.seed] = run.result.diverged ? null : metric(run);
  return values;
}

/** One comparison behind a claim: is `candidate` lower (better) than `baseline`? */
export interface ClaimComparison {
  name: string;
  baselineLabel: string;
  candidateLabel: string;
  /** Primary comparisons decide the verdict; others are shown for context. */
  primary: boolean;
  /** What was compared (lower is better), e.g. "test MSE". */
  metricName: string;
  result: PairedComparison;
}

/**
 * Pairs two labels' runs by seed. `metric` must be lower-is-better; default the final test MSE.
 */
export function compareLabels(
  runs: ExperimentRun[],
  name: string,
  baselineLabel: string,
  candidateLabel: string,
  options: { primary?: boolean; metric?: (run: ExperimentRun) => number | null; metricName?: string } = {},
): ClaimComparison {
  return {
    name,
    baselineLabel,
    candidateLabel,
    primary: options.primary ?? true,
    metricName: options.metricName ?? 'test MSE',
    result: comparePaired(valuesBySeed(runs, baselineLabel, options.metric), valuesBySeed(runs, candidateLabel, options.metric)),
  };
}

/**
 * A claim's verdict from its primary comparisons: supported when every one is supported,
 * contradicted when any is contradicted, inconclusive otherwise.
 */
export function combineVerdicts(comparisons: ClaimComparison[]): Verdict {
  const primary = comparisons.filter((comparison) => comparison.primary).map((comparison) => comparison.result.verdict);
  if (primary.length === 0) throw new Error('a claim needs at least one primary comparison');
  if (primary.some((verdict) => verdict === 'contradicted')) return 'contradicted';
  return primary.every((verdict) => verdict === 'supported') ? 'supported' : 'inconclusive';
}

/** A run as it appears in results.json: what decided it and what it measured, without samples. */
export interface RunRecord {
  key: string;
  label: string;
  config: unknown;
  seed: number;
  testMse: number | null;
  history: unknown[];
  diverged: unknown;
  engine: string;
  backend: string;
  versions: unknown;
  /** Wall-clock seconds the run took when it was computed (a cached result keeps its original time). */
  durationSeconds: number;
  /** True when this build took the result from the cache. */
  cached: boolean;
}

export interface ClaimRecord {
  id: ClaimId;
  title: string;
  threadWords: string;
  notebook: string;
  verdict: Verdict;
  comparisons: ClaimComparison[];
  profile: string;
  seeds: number[];
  /** Wording of the conditions (budget, rate, seeds) the verdict holds under. */
  conditions: string;
  runs: RunRecord[];
  recordedAt: string;
}

export function runRecords(result: ExperimentResult): RunRecord[] {
  return result.runs.map((run) => ({
    key: run.key,
    label: run.label,
    config: run.result.config,
    seed: run.seed,
    testMse: run.result.testMse,
    history: run.result.history,
    diverged: run.result.diverged,
    engine: run.result.engine,
    backend: run.result.backend,
    versions: run.result.versions,
    durationSeconds: run.result.durationSeconds,
    cached: run.cached,
  }));
}

/**
 * The scratch report folder, where every build but a published one writes (ignored by git): the
 * committed reports/ folder is evidence and only `npm run report -- --profile full --publish` replaces it.
 */
export const SCRATCH_REPORT_FOLDER = path.join('out', 'report');

/**
 * The report folder notebooks write into: RELU_AE_REPORTS_DIR (set by the report script for its
 * build) or the project's scratch folder out/report, so a notebook run in Jupyter never touches reports/.
 */
export function reportsDirectory(): string {
  return process.env.RELU_AE_REPORTS_DIR || path.join(projectRoot(), SCRATCH_REPORT_FOLDER);
}

/** Where notebooks record their claims: RELU_AE_RESULTS_DIR or the report folder's claims/. */
export function claimsDirectory(): string {
  return process.env.RELU_AE_RESULTS_DIR || path.join(reportsDirectory(), 'claims');
}

/** Builds and writes a claim's record; returns it. */
export function recordClaim(options: {
  id: ClaimId;
  comparisons: ClaimComparison[];
  profile: Profile;
  experiments: ExperimentResult[];
  conditions: string;
  directory?: string;
}): ClaimRecord {
  const definition = CLAIMS.find((claim) => claim.id === options.id) as ClaimDefinition;
  const record: ClaimRecord = {
    ...definition,
    verdict: combineVerdicts(options.comparisons),
    comparisons: options.comparisons,
    profile: options.profile.name,
    seeds: options.profile.seeds,
    conditions: options.conditions,
    runs: options.experiments.flatMap(runRecords),
    recordedAt: new Date().toISOString(),
  };
  const directory = options.directory ?? claimsDirectory();
  fs.mkdirSync(directory, { recursive: true });
  const file = path.join(directory, `${options.id}.json`);
  fs.writeFileSync(`${file}.tmp`, JSON.stringify(record, null, 1));
  fs.renameSync(`${file}.tmp`, file);
  return record;
}

/** Reads every recorded claim in CLAIMS order; a missing one is listed in `missing`. */
export function readClaimRecords(directory = claimsDirectory()): { claims: ClaimRecord[]; missing: ClaimId[] } {
  const claims: ClaimRecord[] = [];
  const missing: ClaimId[] = [];
  for (const definition of CLAIMS) {
    const file = path.join(directory, `${definition.id}.json`);
    if (fs.existsSync(file)) claims.push(JSON.parse(fs.readFileSync(file, 'utf8')));
    else missing.push(definition.id);
  }
  return { claims, missing };
}

/** results.json: claims with their comparisons, and every run once (deduplicated by key). */
export function assembleResults(claims: ClaimRecord[], build: Record<string, unknown>): Record<string, unknown> {
  const runs = new Map<string, RunRecord>();
  for (const claim of claims) for (const run of claim.runs) if (!runs.has(run.key)) runs.set(run.key, run);
  return {
    build,
    claims: claims.map(({ runs: _runs, ...claim }) => ({ ...claim, runKeys: _runs.map((run) => run.key) })),
    runs: [...runs.values()],
  };
}

/** The conditions a verdict holds under, in words. */
export function conditionsText(profile: Profile, training: string): string {
  return `${profile.description}; ${training}; verdict rule: 95% paired t-interval of the per-seed difference in final test MSE excludes 0`;
}

/** Writes reports/results.json (or `file`) atomically and returns its path. */
export function writeResultsFile(results: Record<string, unknown>, file = path.join(reportsDirectory(), 'results.json')): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(`${file}.tmp`, JSON.stringify(results, null, 1));
  fs.renameSync(`${file}.tmp`, file);
  return file;
}
