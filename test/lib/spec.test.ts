import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEFAULT_AUTOENCODER_SPEC, DEFAULT_TRAINING_SPEC, OptimizerName, resolveActivation, resolveAutoencoderSpec, resolveTrainingSpec, SpecError,
} from '../../src/lib/spec';
import { resolveAutoencoderRunConfig } from '../../src/lib/runs/autoencoder';

/** Asserts that `body` throws a SpecError whose field and message match. */
function assertSpecError(body: () => unknown, field: string, ...fragments: string[]): void {
  assert.throws(body, (error: Error) => {
    assert.ok(error instanceof SpecError, `expected a SpecError, got ${error}`);
    assert.equal(error.field, field);
    for (const fragment of fragments) assert.ok(error.message.includes(fragment), `"${error.message}" lacks ${fragment}`);
    return true;
  });
}

// Plain JavaScript callers, and JSON read from disk, can pass anything.
const loose = <T>(value: unknown): T => value as T;

test('the defaults resolve to the thread\'s network with activations in object form', () => {
  const spec = resolveAutoencoderSpec();
  assert.deepEqual(spec.layerSizes, [784, 128, 64, 2, 64, 128, 784]);
  assert.deepEqual(spec.hiddenActivation, { name: 'relu' });
  assert.deepEqual(spec.bottleneckActivation, { name: 'linear' });
  assert.deepEqual(spec.outputActivation, { name: 'sigmoid' });
  assert.deepEqual(spec, DEFAULT_AUTOENCODER_SPEC);
  assert.deepEqual(resolveTrainingSpec(), DEFAULT_TRAINING_SPEC);
  assert.deepEqual(DEFAULT_TRAINING_SPEC.optimizer, { name: 'adam', learningRate: 1e-3 });
});

test('activation parameters get their defaults: leaky ReLU slope 0.01, ELU alpha 1', () => {
  assert.deepEqual(resolveActivation('leakyRelu'), { name: 'leakyRelu', slope: 0.01 });
  assert.deepEqual(resolveActivation({ name: 'leakyRelu', slope: 0.2 }), { name: 'leakyRelu', slope: 0.2 });
  assert.deepEqual(resolveActivation('elu'), { name: 'elu', alpha: 1 });
  assertSpecError(() => resolveActivation({ name: 'leakyRelu', slope: -1 }, 'hiddenActivation'), 'hiddenActivation.slope', 'got -1');
});

test('a wrong parameter name is an error that suggests the right one, not a silent default', () => {
  assertSpecError(() => resolveAutoencoderSpec({ hiddenActivation: loose({ name: 'leakyRelu', alpha: 0.3 }) }), 'hiddenActivation.alpha', 'unknown field', 'did you mean slope?');
  assertSpecError(() => resolveAutoencoderSpec({ hiddenActivation: loose({ name: 'elu', slope: 0.3 }) }), 'hiddenActivation.slope', 'did you mean alpha?');
  assertSpecError(() => resolveAutoencoderSpec({ hiddenActivation: loose({ name: 'relu', slope: 0.3 }) }), 'hiddenActivation.slope', 'relu has no parameters', 'leakyRelu');
  assertSpecError(() => resolveTrainingSpec({ optimizer: loose({ name: 'sgd', learningRate: 0.1, momentum: 0.9 }) }), 'optimizer.momentum', 'sgd has no momentum', '"momentum"');
  assertSpecError(() => resolveTrainingSpec(loose({ batch_size: 32 })), 'batch_size', 'did you mean batchSize?');
  assertSpecError(() => resolveTrainingSpec(loose({ optimizer: { name: 'adam', lr: 0.1 } })), 'optimizer.lr', 'did you mean learningRate?');
  assertSpecError(() => resolveAutoencoderSpec(loose({ layersizes: [784, 2, 784] })), 'layersizes', 'did you mean layerSizes?');
  assertSpecError(() => resolveAutoencoderRunConfig(loose({ training: { epoch: 3 } })), 'training.epoch', 'did you mean epochs?');
});

test('ranges are checked: momentum and slopes in [0, 1), rates and alphas positive', () => {
  assertSpecError(() => resolveTrainingSpec({ optimizer: { name: 'momentum', learningRate: 0.1, momentum: 1.5 } }), 'optimizer.momentum', '[0, 1)', 'got 1.5');
  assertSpecError(() => resolveActivation({ name: 'leakyRelu', slope: 1 }), 'activation.slope', 'got 1');
  assertSpecError(() => resolveActivation({ name: 'elu', alpha: 0 }), 'activation.alpha', 'got 0');
});

test('an unknown activation names the field, the value and the choices', () => {
  assertSpecError(() => resolveAutoencoderSpec({ hiddenActivation: loose('relu6') }), 'hiddenActivation.name', '"relu6"', 'relu, leakyRelu, elu');
  assertSpecError(() => resolveAutoencoderSpec({ outputActivation: loose({ name: 'swish' }) }), 'outputActivation.name', '"swish"');
});

test('a non-positive or non-integer layer size names its index and value', () => {
  assertSpecError(() => resolveAutoencoderSpec({ layerSizes: [784, 0, 2, 0, 784] }), 'layerSizes[1]', 'positive integer', 'got 0');
  assertSpecError(() => resolveAutoencoderSpec({ layerSizes: [784, 32, -2, 32, 784] }), 'layerSizes[2]', 'got -2');
  assertSpecError(() => resolveAutoencoderSpec({ layerSizes: [784, 1.5, 2, 1.5, 784] }), 'layerSizes[1]', 'got 1.5');
  assertSpecError(() => resolveAutoencoderSpec({ layerSizes: loose([784, '32', 2, 32, 784]) }), 'layerSizes[1]', 'got "32"');
});

test('an even number of layer sizes, or an output size other than the input\'s, is refused', () => {
  assertSpecError(() => resolveAutoencoderSpec({ layerSizes: [784, 32, 32, 784] }), 'layerSizes', 'odd number', '[784,32,32,784]');
  assertSpecError(() => resolveAutoencoderSpec({ layerSizes: [784] }), 'layerSizes', 'odd number');
  assertSpecError(() => resolveAutoencoderSpec({ layerSizes: [784, 32, 2, 32, 100] }), 'layerSizes', '784 and 100');
});

test('an unknown initializer or a negative noise level is refused; the new initializers are accepted', () => {
  assertSpecError(() => resolveAutoencoderSpec({ initializer: loose('zeros') }), 'initializer', '"zeros"', 'glorotUniform, heUniform, heNormal, pytorchDefault');
  assertSpecError(() => resolveAutoencoderSpec({ preActivationNoiseStddev: -0.1 }), 'preActivationNoiseStddev', '-0.1');
  assert.equal(resolveAutoencoderSpec({ initializer: 'pytorchDefault' }).initializer, 'pytorchDefault');
});

test('a learning rate that is not a finite positive number is refused', () => {
  for (const learningRate of [0, -1e-3, Infinity, NaN]) {
    assertSpecError(() => resolveTrainingSpec({ optimizer: { name: 'adam', learningRate } }), 'optimizer.learningRate', `must be a finite number > 0, got ${learningRate}`);
  }
});

test('an unknown optimizer names the value and the choices', () => {
  assertSpecError(
    () => resolveTrainingSpec({ optimizer: loose({ name: 'lbfgs' as OptimizerName, learningRate: 0.1 }) }),
    'optimizer.name', '"lbfgs"', 'adam, sgd, momentum, rmsprop, adagrad',
  );
});

test('optimizers get their defaults: momentum 0.9 and each optimizer\'s usual learning rate', () => {
  assert.deepEqual(resolveTrainingSpec({ optimizer: { name: 'momentum', learningRate: 0.01 } }).optimizer, { name: 'momentum', learningRate: 0.01, momentum: 0.9 });
  assert.deepEqual(resolveTrainingSpec({ optimizer: { name: 'sgd' } }).optimizer, { name: 'sgd', learningRate: 0.01 });
});

test('a mask fraction outside [0, 1) is refused; one inside is kept', () => {
  for (const fraction of [1, 1.5, -0.1]) assertSpecError(() => resolveTrainingSpec({ inputCorruption: { kind: 'mask', fraction } }), 'inputCorruption.fraction', `got ${fraction}`);
  assert.deepEqual(resolveTrainingSpec({ inputCorruption: { kind: 'mask', fraction: 0.3 } }).inputCorruption, { kind: 'mask', fraction: 0.3 });
});

test('epochs, batch size, loss and penalties are checked by name', () => {
  assertSpecError(() => resolveTrainingSpec({ epochs: 0 }), 'epochs', 'got 0');
  assertSpecError(() => resolveTrainingSpec({ batchSize: 2.5 }), 'batchSize', 'got 2.5');
  assertSpecError(() => resolveTrainingSpec({ loss: loose('hinge') }), 'loss', '"hinge"');
  assertSpecError(() => resolveTrainingSpec({ l1WeightPenalty: -1 }), 'l1WeightPenalty', 'got -1');
  assertSpecError(() => resolveTrainingSpec({ inputCorruption: { kind: 'gaussian', stddev: -0.5 } }), 'inputCorruption.stddev', 'got -0.5');
});

test('run configs name the field under its section', () => {
  assertSpecError(() => resolveAutoencoderRunConfig({ training: { epochs: -1 } }), 'training.epochs', 'got -1');
  assertSpecError(() => resolveAutoencoderRunConfig({ data: { trainSize: loose('200') } }), 'data.trainSize', 'positive integer', 'got "200"');
  assertSpecError(() => resolveAutoencoderRunConfig(loose({ autoencoder: {}, model: {} })), 'model', 'unknown field');
});
