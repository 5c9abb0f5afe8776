import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  assembleResults,
  ClaimComparison,
  CLAIMS,
  combineVerdicts,
  compareLabels,
  readClaimRecords,
  recordClaim,
  valuesBySeed,
} from '../../src/lib/claims';
import { bestLabel, configurationSummaryRows, finalTrainLoss } from '../../src/lib/designs';
import { PROFILES } from '../../src/lib/experiment/profiles';
import { ExperimentResult, ExperimentRun } from '../../src/lib/experiment/runner';
import { Verdict } from '../../src/lib/stats';

const TEMPORARY_ROOT = fs.mkdtempSync(path.join(os.tmpdir(), 'relu-ae-claims-test-'));

after(() => {
  fs.rmSync(TEMPORARY_ROOT, { recursive: true, force: true });
});

/** A minimal run: a history of two epochs ending at `testMse` (null: diverged in epoch 2). */
function fakeRun(label: string, seed: number, testMse: number | null, options: { trainLoss?: number; deadOutput?: number; zeroCode?: number } = {}): ExperimentRun {
  const trainLoss = options.trainLoss ?? (testMse ?? 1);
  const history = [{ epoch: 1, trainLoss: 2 * trainLoss, trainReconstructionLoss: 2 * trainLoss, testLoss: 0.1, testMse: 0.1, deadFraction: [0, null, 0.5], seconds: 1 }];
  if (testMse !== null) history.push({ epoch: 2, trainLoss, trainReconstructionLoss: trainLoss, testLoss: testMse, testMse, deadFraction: [0, null, options.deadOutput ?? 0], seconds: 1 });
  const result = {
    seed,
    testMse,
    diverged: testMse === null ? { epoch: 2, step: 3, loss: null } : null,
    history,
    final: testMse === null ? null : { testLoss: testMse, deadFraction: [0, null, options.deadOutput ?? 0], code: { standardDeviations: [1, 1], zeroCodeFraction: options.zeroCode ?? 0, collapsedDimensionFraction: 0 }, hiddenSparsity: 0.5 },
    samples: null,
    config: { kind: 'autoencoder', label },
    engine: 'blas',
    backend: 'openblas',
    versions: { relu_ae_lab: '0.1.0' },
  };
  return { label, seed, key: `${label}-${seed}`, cached: false, result } as unknown as ExperimentRun;
}

/** Baseline clearly worse than candidate on every seed. */
const RUNS: ExperimentRun[] = [
  fakeRun('sigmoid', 1, 0.05, { trainLoss: 0.06 }),
  fakeRun('sigmoid', 2, 0.052, { trainLoss: 0.061 }),
  fakeRun('sigmoid', 3, 0.049, { trainLoss: 0.059 }),
  fakeRun('relu', 1, 0.04, { trainLoss: 0.045, deadOutput: 0.2, zeroCode: 0.1 }),
  fakeRun('relu', 2, 0.041, { trainLoss: 0.046, deadOutput: 0.4, zeroCode: 0.3 }),
  fakeRun('relu', 3, 0.0395, { trainLoss: 0.044, deadOutput: 0.3, zeroCode: 0.2 }),
  fakeRun('unstable', 1, 0.03, { trainLoss: 0.01 }),
  fakeRun('unstable', 2, null),
  fakeRun('unstable', 3, 0.031, { trainLoss: 0.011 }),
];

function comparison(verdict: Verdict, primary = true): ClaimComparison {
  return { name: verdict, baselineLabel: 'a', candidateLabel: 'b', primary, metricName: 'test MSE', result: { verdict } } as unknown as ClaimComparison;
}

test('values by seed hold each seed once, null for a diverged run; an unknown label lists the known ones', () => {
  assert.deepEqual(valuesBySeed(RUNS, 'unstable'), { 1: 0.03, 2: null, 3: 0.031 });
  assert.throws(() => valuesBySeed(RUNS, 'tanh'), /no runs labelled "tanh"; labels are sigmoid, relu, unstable/);
});

test('comparing labels pairs by seed: a consistently lower candidate is supported, the reverse contradicted', () => {
  const better = compareLabels(RUNS, 'relu vs sigmoid', 'sigmoid', 'relu');
  assert.equal(better.name, 'relu vs sigmoid');
  assert.equal(better.primary, true);
  assert.equal(better.metricName, 'test MSE');
  assert.equal(better.result.verdict, 'supported');
  assert.deepEqual(better.result.pairedSeeds, [1, 2, 3]);
  assert.ok(Math.abs(better.result.meanDifference - (0.151 - 0.1205) / 3) < 1e-12);
  assert.equal(compareLabels(RUNS, 'reverse', 'relu', 'sigmoid').result.verdict, 'contradicted');
});

test('comparing labels with another metric uses it and its name; diverged seeds are left out of the pairs', () => {
  const byTrainLoss = compareLabels(RUNS, 'train', 'sigmoid', 'relu', { metric: finalTrainLoss, metricName: 'train loss', primary: false });
  assert.equal(byTrainLoss.metricName, 'train loss');
  assert.equal(byTrainLoss.primary, false);
  assert.ok(Math.abs(byTrainLoss.result.meanDifference - (0.18 - 0.135) / 3) < 1e-12);
  const withDivergence = compareLabels(RUNS, 'unstable vs relu', 'relu', 'unstable');
  assert.deepEqual(withDivergence.result.pairedSeeds, [1, 3]);
  assert.deepEqual(withDivergence.result.divergedSeeds.candidate, [2]);
  assert.match(withDivergence.result.reason, /diverged seeds left out/);
});

test('combined verdict: all primary supported → supported; any contradicted → contradicted; else inconclusive', () => {
  assert.equal(combineVerdicts([comparison('supported'), comparison('supported')]), 'supported');
  assert.equal(combineVerdicts([comparison('supported'), comparison('contradicted')]), 'contradicted');
  assert.equal(combineVerdicts([comparison('inconclusive'), comparison('contradicted')]), 'contradicted');
  assert.equal(combineVerdicts([comparison('supported'), comparison('inconclusive')]), 'inconclusive');
  assert.equal(combineVerdicts([comparison('supported'), comparison('contradicted', false)]), 'supported', 'context comparisons do not vote');
  assert.throws(() => combineVerdicts([comparison('supported', false)]), /at least one primary comparison/);
});

test('the best label has the lowest mean final train loss, and a label with a diverged seed is never best', () => {
  assert.equal(bestLabel(RUNS, ['sigmoid', 'relu']), 'relu');
  assert.equal(bestLabel(RUNS, ['relu', 'sigmoid']), 'relu');
  // 'unstable' has the lowest losses where it finished, but it diverged once.
  assert.equal(bestLabel(RUNS, ['unstable', 'sigmoid', 'relu']), 'relu');
  assert.equal(bestLabel(RUNS, ['sigmoid', 'relu'], (run) => -(run.result.testMse as number)), 'sigmoid');
});

test('summary rows give per configuration the seeds, MSE statistics, diverged runs and diagnostics', () => {
  const rows = configurationSummaryRows(RUNS);
  assert.deepEqual(rows.map((row) => row.configuration), ['sigmoid', 'relu', 'unstable']);
  const [sigmoid, relu, unstable] = rows;
  assert.equal(sigmoid.seeds, 3);
  assert.ok(Math.abs((sigmoid.meanTestMse as number) - 0.151 / 3) < 1e-12);
  assert.equal(sigmoid.minTestMse, 0.049);
  assert.equal(sigmoid.maxTestMse, 0.052);
  assert.ok(Math.abs((sigmoid.sdTestMse as number) - 0.0015275252316519468) < 1e-12);
  assert.equal(sigmoid.diverged, 0);
  assert.ok(Math.abs((relu.deadOutputPixels as number) - 0.3) < 1e-12);
  assert.ok(Math.abs((relu.zeroCodeFraction as number) - 0.2) < 1e-12);
  assert.equal(unstable.seeds, 3);
  assert.equal(unstable.diverged, 1);
  assert.ok(Math.abs((unstable.meanTestMse as number) - 0.0305) < 1e-12);
});

function fakeExperiment(name: string, runs: ExperimentRun[]): ExperimentResult {
  return { name, runs, computedRuns: runs.length, cachedRuns: 0, corruptFiles: [], engine: 'blas/openblas', wallSeconds: 1 };
}

test('a recorded claim is written to its directory and read back; the other claims are listed as missing', () => {
  const directory = path.join(TEMPORARY_ROOT, 'record');
  const comparisons = [compareLabels(RUNS, 'relu vs sigmoid', 'sigmoid', 'relu')];
  const record = recordClaim({
    id: 'C2',
    comparisons,
    profile: PROFILES.quick,
    experiments: [fakeExperiment('C2', RUNS.slice(0, 6))],
    conditions: 'two epochs',
    directory,
  });
  assert.equal(record.id, 'C2');
  assert.equal(record.verdict, 'supported');
  assert.equal(record.profile, 'quick');
  assert.deepEqual(record.seeds, PROFILES.quick.seeds);
  assert.equal(record.runs.length, 6);
  assert.deepEqual(Object.keys(record.runs[0]).sort(), ['backend', 'cached', 'config', 'diverged', 'durationSeconds', 'engine', 'history', 'key', 'label', 'seed', 'testMse', 'versions']);
  assert.deepEqual(fs.readdirSync(directory), ['C2.json']);

  const { claims, missing } = readClaimRecords(directory);
  assert.equal(claims.length, 1);
  assert.deepEqual(claims[0], JSON.parse(JSON.stringify(record)));
  assert.deepEqual(missing, CLAIMS.map((claim) => claim.id).filter((id) => id !== 'C2'));
});

test('an empty claims directory lists every claim as missing', () => {
  const { claims, missing } = readClaimRecords(path.join(TEMPORARY_ROOT, 'nothing-here'));
  assert.deepEqual(claims, []);
  assert.deepEqual(missing, ['C1', 'C2', 'C3', 'C4', 'C5', 'R1', 'R2']);
});

test('assembled results hold every run once, and each claim its run keys instead of its runs', () => {
  const directory = path.join(TEMPORARY_ROOT, 'assemble');
  const first = recordClaim({ id: 'C1', comparisons: [compareLabels(RUNS, 'x', 'sigmoid', 'relu')], profile: PROFILES.quick, experiments: [fakeExperiment('C1', RUNS.slice(0, 6))], conditions: 'c', directory });
  const second = recordClaim({ id: 'C3', comparisons: [compareLabels(RUNS, 'y', 'relu', 'unstable')], profile: PROFILES.quick, experiments: [fakeExperiment('C3', RUNS.slice(3))], conditions: 'c', directory });
  const results = assembleResults([first, second], { profile: 'quick' });
  const runs = results.runs as { key: string }[];
  assert.equal(runs.length, 9, 'the three relu runs appear in both claims but once in the results');
  assert.equal(new Set(runs.map((run) => run.key)).size, 9);
  const claims = results.claims as Record<string, unknown>[];
  assert.deepEqual(claims.map((claim) => claim.id), ['C1', 'C3']);
  assert.equal('runs' in claims[0], false);
  assert.deepEqual(claims[1].runKeys, RUNS.slice(3).map((run) => run.key));
  assert.deepEqual(results.build, { profile: 'quick' });
});
