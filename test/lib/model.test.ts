import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cloneParameters, initializeParameters, networkFromSpec } from '../../src/lib/model';
import { AutoencoderSpecInput, InitializerName, NetworkSpec, resolveAutoencoderSpec } from '../../src/lib/spec';
import { summarize } from '../../src/lib/stats';

const network = (spec: AutoencoderSpecInput = {}): NetworkSpec => networkFromSpec(resolveAutoencoderSpec(spec));
const initialize = (net: NetworkSpec, seed: number, initializer: InitializerName = 'glorotUniform') => initializeParameters({ network: net, seed, initializer });

test('the default network has 6 dense layers, the code at layer 2, and relu/linear/sigmoid activations', () => {
  const net = network();
  assert.equal(net.layers.length, 6);
  assert.equal(net.codeLayerIndex, 2);
  assert.deepEqual(
    net.layers.map((layer) => layer.activation.name),
    ['relu', 'relu', 'linear', 'relu', 'relu', 'sigmoid'],
  );
  assert.deepEqual(
    net.layers.map((layer) => [layer.inputSize, layer.outputSize]),
    [[784, 128], [128, 64], [64, 2], [2, 64], [64, 128], [128, 784]],
  );
  assert.equal(net.layers[2].outputSize, 2);
});

test('pre-activation noise applies to every layer but the output', () => {
  const net = network({ layerSizes: [10, 4, 10], preActivationNoiseStddev: 0.3 });
  assert.equal(net.codeLayerIndex, 0);
  assert.deepEqual(net.layers.map((layer) => layer.preActivationNoiseStddev), [0.3, 0]);
});

test('initial parameters are seeded: the same seed repeats them, another seed differs', () => {
  const net = network({ layerSizes: [20, 8, 3, 8, 20] });
  const first = initialize(net, 4);
  const second = initialize(net, 4);
  const other = initialize(net, 5);
  assert.deepEqual(first, second);
  for (let layer = 0; layer < net.layers.length; layer++) {
    assert.notDeepEqual(first.weights[layer], other.weights[layer], `layer ${layer}`);
  }
});

test('Glorot uniform weights stay within ±√(6/(in+out)), fill most of that range, and biases start at zero', () => {
  const net = network({ layerSizes: [50, 30, 4, 30, 50] });
  const parameters = initialize(net, 9);
  net.layers.forEach((layer, index) => {
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
  const net = network({ layerSizes: [50, 30, 50] });
  const parameters = initialize(net, 9, 'heUniform');
  net.layers.forEach((layer, index) => {
    const limit = Math.sqrt(6 / layer.inputSize);
    const largest = parameters.weights[index].reduce((maximum, value) => Math.max(maximum, Math.abs(value)), 0);
    assert.ok(largest <= limit && largest > Math.sqrt(6 / (layer.inputSize + layer.outputSize)), `layer ${index}: ${largest}`);
  });
});

test('a clone of parameters is deep', () => {
  const parameters = initialize(network({ layerSizes: [5, 3, 5] }), 1);
  const clone = cloneParameters(parameters);
  assert.deepEqual(clone, parameters);
  clone.weights[0][0] += 1;
  clone.biases[1][0] = 7;
  assert.notEqual(clone.weights[0][0], parameters.weights[0][0]);
  assert.equal(parameters.biases[1][0], 0);
});

/** Mean and variance of every value of a set of arrays. */
function moments(arrays: Float32Array[]): { mean: number; variance: number; largest: number } {
  const values = arrays.flatMap((array) => Array.from(array));
  const summary = summarize(values);
  return { mean: summary.mean, variance: summary.standardDeviation ** 2, largest: Math.max(...values.map(Math.abs)) };
}

test('He normal weights have mean 0 and variance 2/fan_in, truncated at two (corrected) standard deviations; biases 0', () => {
  const net = network({ layerSizes: [400, 300, 400] });
  const parameters = initialize(net, 11, 'heNormal');
  net.layers.forEach((layer, index) => {
    const { mean, variance, largest } = moments([parameters.weights[index]]);
    const target = 2 / layer.inputSize;
    assert.ok(Math.abs(mean) < 0.02 * Math.sqrt(target), `layer ${index}: mean ${mean}`);
    assert.ok(Math.abs(variance / target - 1) < 0.03, `layer ${index}: variance ${variance} vs ${target}`);
    const bound = (2 * Math.sqrt(target)) / 0.87962566103423978;
    assert.ok(largest <= bound && largest > 0.95 * bound, `layer ${index}: largest ${largest} vs bound ${bound}`);
    assert.ok(parameters.biases[index].every((bias) => bias === 0));
  });
});

test("PyTorch's default draws weights and biases uniformly in ±1/√fan_in", () => {
  const net = network({ layerSizes: [400, 300, 400] });
  const parameters = initialize(net, 12, 'pytorchDefault');
  net.layers.forEach((layer, index) => {
    const limit = 1 / Math.sqrt(layer.inputSize);
    const weights = moments([parameters.weights[index]]);
    assert.ok(weights.largest <= limit && weights.largest > 0.99 * limit, `layer ${index}: ${weights.largest} vs ${limit}`);
    // A uniform distribution on ±L has variance L²/3.
    assert.ok(Math.abs(weights.variance / (limit * limit / 3) - 1) < 0.03, `layer ${index}: variance ${weights.variance}`);
    assert.ok(Math.abs(weights.mean) < 0.02 * limit);
    const biases = moments([parameters.biases[index]]);
    assert.ok(biases.largest <= limit && biases.largest > 0.9 * limit, `layer ${index} biases: ${biases.largest}`);
    assert.notDeepEqual(parameters.biases[index], parameters.weights[index].subarray(0, layer.outputSize), 'biases draw from their own stream');
  });
});

test('with every initializer, changing the code size leaves the outer layers\' initial parameters alone', () => {
  for (const initializer of ['glorotUniform', 'heUniform', 'heNormal', 'pytorchDefault'] as const) {
    const first = initialize(network({ layerSizes: [20, 8, 3, 8, 20] }), 2, initializer);
    const second = initialize(network({ layerSizes: [20, 8, 4, 8, 20] }), 2, initializer);
    assert.deepEqual(first.weights[0], second.weights[0], `${initializer}: first layer weights`);
    assert.deepEqual(first.biases[3], second.biases[3], `${initializer}: last layer biases`);
    assert.notDeepEqual(first.weights[1], second.weights[1], `${initializer}: the changed layer differs`);
  }
});
