/**
 * Fault class: two builds at once. Two processes run the same experiment on the same cache at the
 * same time (two report builds, or a build and a notebook): every run is computed once, by one of
 * them, and both end with every result.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const WORK = mkdtempSync(join(tmpdir(), 'relu-ae-concurrent-'));
after(() => rmSync(WORK, { recursive: true, force: true }));

const EXPERIMENT = {
  name: 'shared',
  seeds: [1, 2, 3],
  configurations: ['relu', 'elu'].map((hidden) => ({
    label: hidden,
    run: { autoencoder: { layerSizes: [784, 32, 2, 32, 784], hiddenActivation: hidden }, training: { epochs: 3, batchSize: 50 }, data: { trainSize: 1000, testSize: 100 } },
  })),
};

function runChild(script: string): Promise<{ computedRuns: number; cachedRuns: number; finite: number }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('exit', (code) => (code === 0 ? resolvePromise(JSON.parse(stdout.trim().split('\n').pop() as string)) : reject(new Error(stderr))));
  });
}

test('two processes running the same experiment on one cache compute each run once between them', { timeout: 300_000 }, async () => {
  const script = join(WORK, 'experiment.js');
  writeFileSync(script, `
const { runExperiment } = require(${JSON.stringify(resolve(__dirname, '../../src/lib/experiment/runner'))});
runExperiment(${JSON.stringify(EXPERIMENT)}, { cacheDirectory: ${JSON.stringify(join(WORK, 'cache'))}, workers: 1 }).then((result) =>
  console.log(JSON.stringify({ computedRuns: result.computedRuns, cachedRuns: result.cachedRuns, finite: result.runs.filter((run) => Number.isFinite(run.result.testMse)).length })));
`);
  const [first, second] = await Promise.all([runChild(script), runChild(script)]);
  assert.equal(first.finite, 6);
  assert.equal(second.finite, 6);
  assert.equal(first.computedRuns + second.computedRuns, 6, `computed ${first.computedRuns} + ${second.computedRuns}`);
  assert.ok(first.computedRuns > 0 && second.computedRuns > 0, 'both did part of the work');
});
