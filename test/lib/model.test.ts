import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initializeBackend } from '../../src/lib/backend';
import { blasAvailable, createEngine } from '../../src/lib/engine/index';
import { buildTfModel, cloneParameters, initializeParameters, networkFromSpec } from '../../src/lib/model';
import { createRandom } from '../../src/lib/random';
import { ActivationInput, DEFAULT_TRAINING_SPEC, NetworkSpec, Parameters } from '../../src/lib/spec';

/** Float32 sums in a different order (tfjs's matMul against OpenBLAS or the tfjs engine) differ by far less. */
const PREDICTION_TOLERANCE = 1e-5;

before(async () => {
  await initializeBackend('wasm');
});

test('the default network has 6 dense layers, the code at layer 2, and relu/linear/sigmoid activations', () => {
  const network = networkFromSpec();
  assert.equal(network.layers.length, 6);
  assert.equal(network.codeLayerIndex, 2);
  assert.deepEqual(
    network.layers.map((layer) => layer.activation.name),
    ['relu', 'relu', 'linear', 'relu', 'relu', 'sigmoid'],
  );
  assert.deepEqual(
    network.layers.map((layer) => [layer.inputSize, layer.outputSize]),
    [[784, 128], [128, 64], [64, 2], [2, 64], [64, 128], [128, 784]],
  );
  assert.equal(network.layers[2].outputSize, 2);
});

test('pre-activation noise applies to every layer but the output', () => {
  const network = networkFromSpec({ layerSizes: [10, 4, 10], preActivationNoiseStddev: 0.3 });
  assert.equal(network.codeLayerIndex, 0);
  assert.deepEqual(network.layers.map((layer) => layer.preActivationNoiseStddev), [0.3, 0]);
});

test('initial parameters are seeded: the same seed repeats them, another seed differs', () => {
  const network = networkFromSpec({ layerSizes: [20, 8, 3, 8, 20] });
  const first = initializeParameters({ network, seed: 4 });
  const second = initializeParameters({ network, seed: 4 });
  const other = initializeParameters({ network, seed: 5 });
  assert.deepEqual(first, second);
  for (let layer = 0; layer < network.layers.length; layer++) {
    assert.notDeepEqual(first.weights[layer], other.weights[layer], `layer ${layer}`);
  }
});

test('Glorot uniform weights stay within ±√(6/(in+out)), fill most of that range, and biases start at zero', () => {
  const network = networkFromSpec({ layerSizes: [50, 30, 4, 30, 50] });
  const parameters = initializeParameters({ network, seed: 9 });
  network.layers.forEach((layer, index) => {
    const kernel = parameters.weights[index];
    assert.equal(kernel.length, layer.inputSize * layer.outputSize);
    assert.equal(parameters.biases[index].length, layer.outputSize);
    const limit = Math.sqrt(6 / (layer.inputSize + layer.outputSize));
    const largest = kernel.reduce((maximum, value) => Math.max(maximum, Math.abs(value)), 0);
    assert.ok(largest <= limit, `layer ${index}: |w| ${largest} > ${limit}`);
    assert.ok(largest > 0.8 * limit, `layer ${index}: |w| at most ${largest}, far inside ${limit}`);
    assert.ok(parameters.biases[index].every((bias) => bias === 0), `layer ${index} biases`);
  });
});

test('He uniform weights stay within ±√(6/in)', () => {
  const network = networkFromSpec({ layerSizes: [50, 30, 50] });
  const parameters = initializeParameters({ network, seed: 9, initializer: 'heUniform' });
  network.layers.forEach((layer, index) => {
    const limit = Math.sqrt(6 / layer.inputSize);
    const largest = parameters.weights[index].reduce((maximum, value) => Math.max(maximum, Math.abs(value)), 0);
    assert.ok(largest <= limit && largest > Math.sqrt(6 / (layer.inputSize + layer.outputSize)), `layer ${index}: ${largest}`);
  });
});

test('a clone of parameters is deep', () => {
  const parameters = initializeParameters({ network: networkFromSpec({ layerSizes: [5, 3, 5] }), seed: 1 });
  const clone = cloneParameters(parameters);
  assert.deepEqual(clone, parameters);
  clone.weights[0][0] += 1;
  clone.biases[1][0] = 7;
  assert.notEqual(clone.weights[0][0], parameters.weights[0][0]);
  assert.equal(parameters.biases[1][0], 0);
});

/** Seeded parameters with nonzero biases, so the bias path is compared too. */
function parametersWithBiases(network: NetworkSpec, seed: number): Parameters {
  const parameters = initializeParameters({ network, seed });
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
    test(`buildTfModel predicts what the ${engineName} engine's forward pass computes (${activations.name})`, () => {
      const network = networkFromSpec({
        layerSizes: [12, 9, 3, 9, 12],
        hiddenActivation: activations.hidden,
        bottleneckActivation: activations.bottleneck,
        outputActivation: 'sigmoid',
      });
      const parameters = parametersWithBiases(network, 3);
      const count = 16;
      const random = createRandom(3, 'model-test-inputs');
      // Inputs in [-2, 2) so that negative pre-activations exercise the leaky and exponential sides.
      const inputs = new Float32Array(count * 12).map(() => 4 * random.next() - 2);
      const engine = createEngine({ network, training: DEFAULT_TRAINING_SPEC, initialParameters: parameters }, engineName);
      const activationsByLayer = engine.forward(inputs, count);
      engine.dispose();
      assert.equal(engine.name, engineName);
      const expected = activationsByLayer[activationsByLayer.length - 1];

      const model = buildTfModel(network, parameters);
      const predicted = tf.tidy(() => (model.predict(tf.tensor2d(inputs, [count, 12])) as tf.Tensor).dataSync());
      model.dispose();
      assert.equal(predicted.length, expected.length);
      let largest = 0;
      for (let index = 0; index < expected.length; index++) largest = Math.max(largest, Math.abs(predicted[index] - expected[index]));
      assert.ok(largest <= PREDICTION_TOLERANCE, `largest difference ${largest}`);

      // The code layer too: a model cut at the bottleneck agrees with the engine's code activations.
      const codeModel = buildTfModel({ layers: network.layers.slice(0, network.codeLayerIndex + 1), codeLayerIndex: network.codeLayerIndex }, parameters);
      const codes = tf.tidy(() => (codeModel.predict(tf.tensor2d(inputs, [count, 12])) as tf.Tensor).dataSync());
      codeModel.dispose();
      const expectedCodes = activationsByLayer[network.codeLayerIndex];
      for (let index = 0; index < expectedCodes.length; index++) {
        assert.ok(Math.abs(codes[index] - expectedCodes[index]) <= PREDICTION_TOLERANCE, `code ${index}: ${codes[index]} vs ${expectedCodes[index]}`);
      }
    });
  }
}

test('buildTfModel followed by dispose leaves no tensors behind', () => {
  const network = networkFromSpec({ layerSizes: [12, 9, 3, 9, 12], hiddenActivation: { name: 'leakyRelu', slope: 0.2 }, bottleneckActivation: 'elu' });
  const parameters = parametersWithBiases(network, 5);
  const before = tf.memory().numTensors;
  const model = buildTfModel(network, parameters);
  assert.equal(tf.memory().numTensors - before, 8, 'a kernel and a bias variable per dense layer');
  model.dispose();
  assert.equal(tf.memory().numTensors, before);
});
