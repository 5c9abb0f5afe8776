/**
 * Fault class: leaks. Ten trainings on the tfjs engine leave exactly as many tensors (and bytes)
 * as there were before: every variable, initial value, optimizer slot and temporary is freed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { loadData } from '../../src/lib/data';
import { trainAutoencoder } from '../../src/lib/runs/autoencoder';

test('ten tfjs-engine trainings leave the tensor count and memory where they were', async () => {
  const data = loadData({ trainSize: 200, testSize: 50 });
  const config = { autoencoder: { layerSizes: [784, 32, 2, 32, 784] }, training: { epochs: 1, batchSize: 50 } };
  // The first call initializes the backend and tfjs's own lasting state; counting starts after it.
  await trainAutoencoder({ config: config, data: data, seed: 1, engine: 'tfjs' });
  const before = tf.memory();
  for (let seed = 2; seed <= 11; seed++) {
    const result = await trainAutoencoder({ config: config, data: data, seed: seed, engine: 'tfjs' });
    assert.equal(result.engine, 'tfjs');
  }
  const after = tf.memory();
  assert.equal(after.numTensors, before.numTensors, `tensors ${before.numTensors} → ${after.numTensors}`);
  assert.equal(after.numBytes, before.numBytes, `bytes ${before.numBytes} → ${after.numBytes}`);
});
