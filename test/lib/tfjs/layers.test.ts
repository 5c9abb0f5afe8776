import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initializeBackend } from '../../../src/lib/backend';
import { blasAvailable, createEngine, prepareEngine } from '../../../src/lib/engine/index';
import { initializeParameters, networkFromSpec } from '../../../src/lib/model';
import { createRandom } from '../../../src/lib/random';
import { ActivationInput, AutoencoderSpecInput, DEFAULT_TRAINING_SPEC, NetworkSpec, Parameters, resolveAutoencoderSpec } from '../../../src/lib/spec';
import { buildTfModel } from '../../../src/lib/tfjs/layers';

/** Float32 sums in a different order (tfjs's matMul against OpenBLAS or the tfjs engine) differ by far less. */
const PREDICTION_TOLERANCE = 1e-5;

before(async () => {
  await initializeBackend('wasm');
});

const network = (spec: AutoencoderSpecInput): NetworkSpec => networkFromSpec(resolveAutoencoderSpec(spec));

/** Seeded parameters with nonzero biases, so the bias path is compared too. */
function parametersWithBiases(network: NetworkSpec, seed: number): Parameters {
  const parameters = initializeParameters({ network, seed, initializer: 'glorotUniform' });
  const random = createRandom(seed, 'model-test-biases');
  parameters.biases.forEach((bias) => bias.forEach((_, index) => (bias[index] = 0.4 * (random.next() - 0.5))));
  return parameters;
}

const ENGINES = blasAvailable().available || process.env.CI ? ['blas', 'tfjs'] : ['tfjs'];
const BUILT_ACTIVATIONS: { name: string; hidden: ActivationInput; bottleneck: ActivationInput }[] = [
  { name: 'leaky ReLU slope 0.2 with an ELU code', hidden: { name: 'leakyRelu', slope: 0.2 }, bottleneck: 'elu' },
  { name: 'ELU with a leaky ReLU code', hidden: 'elu', bottleneck: { name: 'leakyRelu', slope: 0.2 } },
  { name: 'ReLU with a linear code', hidden: 'relu', bottleneck: 'linear' },
  { name: 'ELU alpha 0.5 with an ELU alpha 2 code', hidden: { name: 'elu', alpha: 0.5 }, bottleneck: { name: 'elu', alpha: 2 } },
];

for (const activations of BUILT_ACTIVATIONS) {
  for (const engineName of ENGINES) {
    test(`buildTfModel predicts what the ${engineName} engine's forward pass computes (${activations.name})`, async () => {
      const net = network({
        layerSizes: [12, 9, 3, 9, 12],
        hiddenActivation: activations.hidden,
        bottleneckActivation: activations.bottleneck,
        outputActivation: 'sigmoid',
      });
      const parameters = parametersWithBiases(net, 3);
      const count = 16;
      const random = createRandom(3, 'model-test-inputs');
      // Inputs in [-2, 2) so that negative pre-activations exercise the leaky and exponential sides.
      const inputs = new Float32Array(count * 12).map(() => 4 * random.next() - 2);
      const engine = createEngine({ network: net, training: DEFAULT_TRAINING_SPEC, initialParameters: parameters }, await prepareEngine(engineName));
      const activationsByLayer = engine.forward(inputs, count);
      engine.dispose();
      assert.equal(engine.name, engineName);
      const expected = activationsByLayer[activationsByLayer.length - 1];

      const model = buildTfModel(net, parameters);
      const predicted = tf.tidy(() => (model.predict(tf.tensor2d(inputs, [count, 12])) as tf.Tensor).dataSync());
      model.dispose();
      assert.equal(predicted.length, expected.length);
      let largest = 0;
      for (let index = 0; index < expected.length; index++) largest = Math.max(largest, Math.abs(predicted[index] - expected[index]));
      assert.ok(largest <= PREDICTION_TOLERANCE, `largest difference ${largest}`);

      // The code layer too: a model cut at the bottleneck agrees with the engine's code activations.
      const codeModel = buildTfModel({ layers: net.layers.slice(0, net.codeLayerIndex + 1), codeLayerIndex: net.codeLayerIndex }, parameters);
      const codes = tf.tidy(() => (codeModel.predict(tf.tensor2d(inputs, [count, 12])) as tf.Tensor).dataSync());
      codeModel.dispose();
      const expectedCodes = activationsByLayer[net.codeLayerIndex];
      for (let index = 0; index < expectedCodes.length; index++) {
        assert.ok(Math.abs(codes[index] - expectedCodes[index]) <= PREDICTION_TOLERANCE, `code ${index}: ${codes[index]} vs ${expectedCodes[index]}`);
      }
    });
  }
}

test('buildTfModel followed by dispose leaves no tensors behind', () => {
  const net = network({ layerSizes: [12, 9, 3, 9, 12], hiddenActivation: { name: 'leakyRelu', slope: 0.2 }, bottleneckActivation: 'elu' });
  const parameters = parametersWithBiases(net, 5);
  const before = tf.memory().numTensors;
  const model = buildTfModel(net, parameters);
  assert.equal(tf.memory().numTensors - before, 8, 'a kernel and a bias variable per dense layer');
  model.dispose();
  assert.equal(tf.memory().numTensors, before);
});
