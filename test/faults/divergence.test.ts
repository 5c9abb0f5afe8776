/**
 * Fault class: divergence. A run whose loss becomes non-finite, or whose test MSE ends far above the
 * untrained network's while every number stays finite (Adam at rate 10 with a ReLU output reaches
 * 1e21), is recorded as diverged with its reason and has no final metric, so the paired statistics
 * never take it as a converged number.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareLabels } from '../../src/lib/compare';
import { runExperiment } from '../../src/lib/experiment/runner';
import { trainAutoencoder } from '../../src/lib/runs/autoencoder';
import { DIVERGENCE_FACTOR } from '../../src/lib/train';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

test('a test MSE that explodes while staying finite counts as diverged (Adam at 10, ReLU output)', async () => {
  const result = await trainAutoencoder({
    config: {
      autoencoder: { layerSizes: [784, 32, 2, 32, 784], outputActivation: 'relu' },
      training: { epochs: 3, batchSize: 32, optimizer: { name: 'adam', learningRate: 10 } },
      data: { trainSize: 300, testSize: 100 },
    },
    seed: 1,
  });
  assert.notEqual(result.diverged, null, `test MSE ${result.testMse}`);
  assert.equal(result.testMse, null, 'a diverged run has no final metric for the statistics to use');
  assert.match(result.diverged?.reason ?? '', new RegExp(`(over ${DIVERGENCE_FACTOR}× the untrained network's|training loss became)`));
  assert.deepEqual(JSON.parse(JSON.stringify(result.diverged)), result.diverged);
});

test('a non-finite loss is recorded with its epoch, batch and value', async () => {
  // A linear output: a sigmoid output saturates under a huge step and stops learning rather than overflowing.
  const result = await trainAutoencoder({
    config: {
      autoencoder: { layerSizes: [784, 32, 2, 32, 784], outputActivation: 'linear' },
      training: { epochs: 2, batchSize: 32, optimizer: { name: 'sgd', learningRate: 1e6 } },
      data: { trainSize: 300, testSize: 100 },
    },
    seed: 1,
  });
  assert.equal(result.diverged?.epoch, 1);
  assert.ok(result.diverged && (result.diverged.step >= 0 || result.diverged.loss === null));
  assert.equal(result.testMse, null);
  assert.equal(result.final, null);
  assert.equal(result.samples, null);
  assert.doesNotThrow(() => JSON.stringify(result));
});

test('in an experiment, exploding runs are left out of the pairs, and a side that always explodes decides the verdict', async () => {
  const run = (learningRate: number) => ({
    autoencoder: { layerSizes: [784, 32, 2, 32, 784], outputActivation: 'linear' as const },
    training: { epochs: 2, batchSize: 32, optimizer: { name: 'sgd' as const, learningRate } },
    data: { trainSize: 300, testSize: 100 },
  });
  const result = await runExperiment(
    { name: 'explosion', seeds: [1, 2], configurations: [{ label: 'calm', run: run(1e-2) }, { label: 'exploding', run: run(1e6) }] },
    { cacheDirectory: mkdtempSync(join(tmpdir(), 'relu-ae-divergence-')), workers: 0 },
  );
  const exploding = result.runs.filter((entry) => entry.label === 'exploding');
  assert.ok(exploding.every((entry) => entry.result.diverged !== null && entry.result.testMse === null));
  const comparison = compareLabels(result.runs, 'calm vs exploding', 'exploding', 'calm');
  assert.deepEqual(comparison.result.divergedSeeds.baseline, [1, 2]);
  assert.equal(comparison.result.verdict, 'supported', comparison.result.reason);
  assert.match(comparison.result.reason, /baseline diverged on all 2 seeds/);
});
