import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { blasAvailable, createBlasEngine } from '../../../src/lib/engine/blasEngine';
import { registerEngineChecks, withTfjsEngine } from './engineChecks';
import { testBatch, testEngineOptions } from './helpers';

const availability = blasAvailable();
// Under CI the native engine must be there (setup installs OpenBLAS), so a broken build fails instead of skipping.
const skipBlas = availability.available || process.env.CI ? false : `nblas unavailable: ${availability.reason}`;

registerEngineChecks({ name: 'blas', createEngine: createBlasEngine, skip: skipBlas });

test('the tfjs engine writes forward passes into given buffers too', () => {
  const options = testEngineOptions({ hiddenActivation: 'relu', outputActivation: 'sigmoid' });
  const count = 6;
  const inputs = testBatch(options.network, count, 8).inputs;
  withTfjsEngine(options, (engine) => {
    const fresh = engine.forward(inputs, count);
    const buffers = options.network.layers.map((layer) => new Float32Array(count * layer.outputSize));
    const written = engine.forward(inputs, count, buffers);
    written.forEach((activation, index) => assert.equal(activation, buffers[index]));
    assert.deepEqual(written, fresh);
  });
});

test('the tfjs engine leaks no tensors in trainStep, lossAndGradients and forward', () => {
  const options = testEngineOptions({ hiddenActivation: 'relu', outputActivation: 'sigmoid', preActivationNoiseStddev: 0.1, l1WeightPenalty: 1e-4, l1ActivationPenalty: 1e-3 });
  const batch = testBatch(options.network, 4, 2);
  withTfjsEngine(options, (engine) => {
    // The first step creates the optimizer's state (Adam's moments), which is not a leak.
    engine.trainStep(batch);
    const step = (label: string, body: () => void) => {
      const before = tf.memory().numTensors;
      body();
      assert.equal(tf.memory().numTensors, before, `${label} changed the tensor count`);
    };
    step('trainStep', () => engine.trainStep(batch));
    step('lossAndGradients', () => engine.lossAndGradients(batch));
    step('forward', () => engine.forward(batch.inputs, batch.batchSize));
    step('getParameters', () => engine.getParameters());
  });
});

after(() => {
  tf.disposeVariables();
});
