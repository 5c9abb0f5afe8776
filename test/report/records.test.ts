import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { compareLabels, Comparison } from '../../src/lib/compare';
import { PROFILES } from '../../src/lib/experiment/profiles';
import { ExperimentResult, ExperimentRun } from '../../src/lib/experiment/runner';
import { Verdict } from '../../src/lib/stats';
import { CLAIMS } from '../../src/report/claims';
import { assembleResults, combineVerdicts, readClaimRecords, recordClaim } from '../../src/report/records';
import { RUNS } from '../fixtures/runs';

const TEMPORARY_ROOT = fs.mkdtempSync(path.join(os.tmpdir(), 'relu-ae-records-test-'));
after(() => fs.rmSync(TEMPORARY_ROOT, { recursive: true, force: true }));

function comparison(verdict: Verdict, primary = true): Comparison {
  return { name: verdict, baselineLabel: 'a', candidateLabel: 'b', primary, metricName: 'test MSE', result: { verdict } } as unknown as Comparison;
}

test('combined verdict: all primary supported → supported; any contradicted → contradicted; else inconclusive', () => {
  assert.equal(combineVerdicts([comparison('supported'), comparison('supported')]), 'supported');
  assert.equal(combineVerdicts([comparison('supported'), comparison('contradicted')]), 'contradicted');
  assert.equal(combineVerdicts([comparison('inconclusive'), comparison('contradicted')]), 'contradicted');
  assert.equal(combineVerdicts([comparison('supported'), comparison('inconclusive')]), 'inconclusive');
  assert.equal(combineVerdicts([comparison('supported'), comparison('contradicted', false)]), 'supported', 'context comparisons do not vote');
  assert.throws(() => combineVerdicts([comparison('supported', false)]), /at least one primary comparison/);
});

function fakeExperiment(name: string, runs: ExperimentRun[]): ExperimentResult {
  return { name, runs, computedRuns: runs.length, cachedRuns: 0, corruptFiles: [], notes: [], engine: 'blas/openblas-1thread', wallSeconds: 1 };
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
  assert.deepEqual(Object.keys(record.runs[0]).sort(), ['backend', 'cached', 'config', 'data', 'diverged', 'durationSeconds', 'engine', 'failure', 'group', 'history', 'initialTestMse', 'key', 'label', 'parameters', 'seed', 'testMse', 'versions']);
  assert.deepEqual(record.runs[0].history, { testMse: [0.1, 0.05], validationMse: [null, null], trainLoss: [0.12, 0.06] }, 'per-epoch numbers, compact');
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

test('a folder that kept only results.json still reads every claim, with its runs', () => {
  const directory = path.join(TEMPORARY_ROOT, 'published', 'claims');
  const written = recordClaim({ id: 'C2', comparisons: [compareLabels(RUNS, 'x', 'sigmoid', 'relu')], profile: PROFILES.quick, experiments: [fakeExperiment('C2', RUNS.slice(0, 6))], conditions: 'c', directory });
  fs.writeFileSync(path.join(directory, '..', 'results.json'), JSON.stringify(assembleResults([written], { profile: 'quick' })));
  fs.rmSync(directory, { recursive: true });
  const { claims, missing } = readClaimRecords(directory);
  assert.deepEqual(claims.map((claim) => claim.id), ['C2']);
  assert.equal(missing.length, 6);
  assert.deepEqual(claims[0].runs.map((run) => run.key), written.runs.map((run) => run.key));
  assert.equal(claims[0].verdict, written.verdict);
});
