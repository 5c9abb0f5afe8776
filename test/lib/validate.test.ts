import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_AUTOENCODER_SPEC, DEFAULT_TRAINING_SPEC, OptimizerName } from '../../src/lib/spec';
import { normalizeActivation, resolveAutoencoderSpec, resolveTrainingSpec, SpecError } from '../../src/lib/validate';

/** Asserts that `body` throws a SpecError whose field and message match. */
function assertSpecError(body: () => unknown, field: string, ...fragments: string[]): void {
  assert.throws(body, (error: Error) => {
    assert.ok(error instanceof SpecError, `expected a SpecError, got ${error}`);
    assert.equal(error.field, field);
    for (const fragment of fragments) assert.ok(error.message.includes(fragment), `"${error.message}" lacks ${fragment}`);
    return true;
  });
}

test('the defaults resolve to themselves with activations in object form', () => {
  const spec = resolveAutoencoderSpec();
  assert.deepEqual(spec.layerSizes, DEFAULT_AUTOENCODER_SPEC.layerSizes);
  assert.deepEqual(spec.hiddenActivation, { name: 'relu' });
  assert.deepEqual(spec.bottleneckActivation, { name: 'linear' });
  assert.deepEqual(spec.outputActivation, { name: 'sigmoid' });
  assert.deepEqual(resolveTrainingSpec(), DEFAULT_TRAINING_SPEC);
});

test('activation parameters get their defaults: leaky ReLU slope 0.01, ELU alpha 1', () => {
  assert.deepEqual(normalizeActivation('hiddenActivation', 'leakyRelu'), { name: 'leakyRelu', slope: 0.01 });
  assert.deepEqual(normalizeActivation('hiddenActivation', { name: 'leakyRelu', slope: 0.2 }), { name: 'leakyRelu', slope: 0.2 });
  assert.deepEqual(normalizeActivation('hiddenActivation', 'elu'), { name: 'elu', alpha: 1 });
  assertSpecError(() => normalizeActivation('hiddenActivation', { name: 'leakyRelu', slope: -1 }), 'hiddenActivation.slope', '-1');
});

test('an unknown activation names the field and the value', () => {
  assert.throws(
    () => resolveAutoencoderSpec({ hiddenActivation: 'relu6' as 'relu' }),
    (error: Error) => error instanceof SpecError && error.message.includes('hiddenActivation') && error.message.includes('"relu6"'),
  );
  assertSpecError(() => resolveAutoencoderSpec({ outputActivation: { name: 'swish' as 'relu' } }), 'outputActivation.name', '"swish"');
});

test('a non-positive layer size names its index and value', () => {
  assertSpecError(() => resolveAutoencoderSpec({ layerSizes: [784, 0, 2, 0, 784] }), 'layerSizes[1]', 'positive integer', 'got 0');
  assertSpecError(() => resolveAutoencoderSpec({ layerSizes: [784, 32, -2, 32, 784] }), 'layerSizes[2]', 'got -2');
  assertSpecError(() => resolveAutoencoderSpec({ layerSizes: [784, 1.5, 2, 1.5, 784] }), 'layerSizes[1]', 'got 1.5');
});

test('an even number of layer sizes is refused', () => {
  assertSpecError(() => resolveAutoencoderSpec({ layerSizes: [784, 32, 32, 784] }), 'layerSizes', 'odd number', '[784,32,32,784]');
  assertSpecError(() => resolveAutoencoderSpec({ layerSizes: [784] }), 'layerSizes', 'odd number');
});

test('an output size different from the input size is refused with both sizes', () => {
  assertSpecError(() => resolveAutoencoderSpec({ layerSizes: [784, 32, 2, 32, 100] }), 'layerSizes', '784 and 100');
});

test('an unknown initializer or a negative noise level is refused', () => {
  assertSpecError(() => resolveAutoencoderSpec({ initializer: 'zeros' as 'heUniform' }), 'initializer', '"zeros"');
  assertSpecError(() => resolveAutoencoderSpec({ preActivationNoiseStddev: -0.1 }), 'preActivationNoiseStddev', '-0.1');
});

test('a learning rate that is not a finite positive number is refused', () => {
  for (const learningRate of [0, -1e-3]) {
    assertSpecError(() => resolveTrainingSpec({ optimizer: { name: 'adam', learningRate } }), 'optimizer.learningRate', `got ${learningRate}`);
  }
  for (const learningRate of [Infinity, NaN]) {
    assertSpecError(() => resolveTrainingSpec({ optimizer: { name: 'adam', learningRate } }), 'optimizer.learningRate', `must be a finite number > 0, got ${learningRate}`);
  }
});

test('an unknown optimizer names the value and the choices', () => {
  assertSpecError(
    () => resolveTrainingSpec({ optimizer: { name: 'lbfgs' as OptimizerName, learningRate: 0.1 } }),
    'optimizer.name',
    '"lbfgs"',
    'adam, sgd, momentum, rmsprop, adagrad',
  );
});

test('momentum gets its default coefficient 0.9', () => {
  assert.deepEqual(resolveTrainingSpec({ optimizer: { name: 'momentum', learningRate: 0.01 } }).optimizer, { name: 'momentum', learningRate: 0.01, momentum: 0.9 });
});

test('a mask fraction outside [0, 1) is refused; one inside is kept', () => {
  assertSpecError(() => resolveTrainingSpec({ inputCorruption: { kind: 'mask', fraction: 1 } }), 'inputCorruption.fraction', 'got 1');
  assertSpecError(() => resolveTrainingSpec({ inputCorruption: { kind: 'mask', fraction: 1.5 } }), 'inputCorruption.fraction', 'got 1.5');
  assertSpecError(() => resolveTrainingSpec({ inputCorruption: { kind: 'mask', fraction: -0.1 } }), 'inputCorruption.fraction', 'got -0.1');
  assert.deepEqual(resolveTrainingSpec({ inputCorruption: { kind: 'mask', fraction: 0.3 } }).inputCorruption, { kind: 'mask', fraction: 0.3 });
});

test('epochs, batch size, loss and penalties are checked by name', () => {
  assertSpecError(() => resolveTrainingSpec({ epochs: 0 }), 'epochs', 'got 0');
  assertSpecError(() => resolveTrainingSpec({ batchSize: 2.5 }), 'batchSize', 'got 2.5');
  assertSpecError(() => resolveTrainingSpec({ loss: 'hinge' as 'mse' }), 'loss', '"hinge"');
  assertSpecError(() => resolveTrainingSpec({ l1WeightPenalty: -1 }), 'l1WeightPenalty', 'got -1');
  assertSpecError(() => resolveTrainingSpec({ inputCorruption: { kind: 'gaussian', stddev: -0.5 } }), 'inputCorruption.stddev', 'got -0.5');
});
