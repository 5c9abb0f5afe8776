/**
 * The native step kernels (native/src/kernels.c) against their TypeScript definitions, bit for bit:
 * every kernel on values that cover the ordinary range, saturation, signed zeros, subnormals and
 * non-finite inputs, and whole training runs of the blas engine on either set of kernels.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { blasAvailable, createBlasEngine } from '../../../src/lib/engine/blasEngine';
import { StepKernels, TYPESCRIPT_KERNELS } from '../../../src/lib/engine/kernels';
import { loadNativeKernels } from '../../../src/lib/engine/nativeKernels';
import { createRandom } from '../../../src/lib/random';
import { Activation, ActivationInput, OPTIMIZER_NAMES, OptimizerInput, resolveActivation } from '../../../src/lib/spec';
import { testBatch, testEngineOptions } from './helpers';

const native = loadNativeKernels();
// Under CI the addon must be there (setup installs a compiler), so a broken build fails instead of skipping.
const skipNative = native.kernels || process.env.CI ? false : `native kernels unavailable: ${native.reason}`;
const nativeKernels = native.kernels as StepKernels;
const skipEngine = skipNative || (blasAvailable().available || process.env.CI ? false : 'nblas unavailable');

const SPECIAL_VALUES = [0, -0, 1e-40, -1e-40, 1, -1, 100, -100, 200, -200, 1e30, -1e30, Infinity, -Infinity, NaN];

/** Values over every regime a kernel meets: ordinary, saturated, signed zeros, subnormal and non-finite. */
function testValues(count: number, seed: number, scale = 4): Float32Array {
  const random = createRandom(seed, 'kernel-values');
  return new Float32Array(count).map((_, index) => (index < SPECIAL_VALUES.length ? SPECIAL_VALUES[index] : scale * random.nextNormal()));
}

function assertSameBits(actual: Float32Array, expected: Float32Array, label: string): void {
  const actualBits = new Uint32Array(actual.buffer, actual.byteOffset, actual.length);
  const expectedBits = new Uint32Array(expected.buffer, expected.byteOffset, expected.length);
  for (let index = 0; index < actual.length; index++) {
    if (actualBits[index] !== expectedBits[index]) {
      assert.fail(`${label}: value ${index} is ${actual[index]} (0x${actualBits[index].toString(16)}), expected ${expected[index]} (0x${expectedBits[index].toString(16)})`);
    }
  }
}

const ACTIVATIONS: Activation[] = (['relu', { name: 'leakyRelu', slope: 0.2 }, 'elu', { name: 'elu', alpha: 0.5 }, 'sigmoid', 'tanh', 'softplus', 'linear'] as ActivationInput[])
  .map((activation) => resolveActivation(activation));
// Odd, so that vector loops also run their scalar tails.
const COUNT = 4099;

for (const activation of ACTIVATIONS) {
  test(`native ${JSON.stringify(activation)} and its derivative give the TypeScript's bits`, { skip: skipNative }, () => {
    const preActivation = testValues(COUNT, 1);
    const outputs = [TYPESCRIPT_KERNELS, nativeKernels].map((kernels) => {
      const output = new Float32Array(COUNT);
      kernels.applyActivation(activation, preActivation, output, COUNT);
      return output;
    });
    assertSameBits(outputs[1], outputs[0], 'activation');
    const gradients = [TYPESCRIPT_KERNELS, nativeKernels].map((kernels) => {
      const gradient = testValues(COUNT, 2, 0.1);
      kernels.multiplyByActivationDerivative(activation, preActivation, outputs[0], gradient, COUNT);
      return gradient;
    });
    assertSameBits(gradients[1], gradients[0], 'derivative');
  });
}

for (const loss of ['mse', 'binaryCrossEntropy'] as const) {
  test(`native ${loss} loss and gradient give the TypeScript's bits`, { skip: skipNative }, () => {
    const random = createRandom(3, 'predictions');
    const predictions = new Float32Array(COUNT).map(() => random.next());
    predictions.set([0, 1, 1e-9, 1 - 1e-9]);
    const targets = testValues(COUNT, 4).map((value) => Math.min(1, Math.abs(value) / 4));
    const results = [TYPESCRIPT_KERNELS, nativeKernels].map((kernels) => {
      const gradient = new Float32Array(COUNT);
      return { loss: kernels.reconstructionLossAndGradient(loss, predictions, targets, gradient, COUNT), gradient };
    });
    assert.ok(Object.is(results[1].loss, results[0].loss), `loss ${results[1].loss} vs ${results[0].loss}`);
    assertSameBits(results[1].gradient, results[0].gradient, 'gradient');
  });
}

test('native Adam updates, bias rows and the same bits as TypeScript over many steps', { skip: skipNative }, () => {
  const count = COUNT;
  const states = [TYPESCRIPT_KERNELS, nativeKernels].map(() => ({
    parameters: testValues(count, 5, 0.3),
    first: new Float32Array(count),
    second: new Float32Array(count),
  }));
  let beta1Power = Math.fround(0.9);
  let beta2Power = Math.fround(0.999);
  for (let step = 0; step < 20; step++) {
    const gradients = testValues(count, 10 + step, 0.01 * (step + 1));
    [TYPESCRIPT_KERNELS, nativeKernels].forEach((kernels, index) => {
      const state = states[index];
      kernels.adamUpdate(state.parameters, gradients, state.first, state.second, count, 1e-3, 1 / (1 - beta1Power), 1 / (1 - beta2Power));
    });
    beta1Power = Math.fround(beta1Power * 0.9);
    beta2Power = Math.fround(beta2Power * 0.999);
  }
  assertSameBits(states[1].parameters, states[0].parameters, 'parameters');
  assertSameBits(states[1].first, states[0].first, 'first moment');
  assertSameBits(states[1].second, states[0].second, 'second moment');

  const bias = testValues(13, 6);
  const rows = [TYPESCRIPT_KERNELS, nativeKernels].map((kernels) => {
    const output = new Float32Array(13 * 7 + 3).fill(5);
    kernels.broadcastRows(bias, output, 7);
    return output;
  });
  assertSameBits(rows[1], rows[0], 'bias rows');
});

test('the native kernels refuse an array shorter than the count instead of reading past it', { skip: skipNative }, () => {
  const values = new Float32Array(4);
  assert.throws(() => nativeKernels.applyActivation(resolveActivation('relu'), values, new Float32Array(4), 5), /shorter than the count/);
  assert.throws(() => nativeKernels.applyActivation(resolveActivation('relu'), new Float64Array(4) as unknown as Float32Array, values, 4), /expected a Float32Array/);
});

for (const name of OPTIMIZER_NAMES) {
  test(`the blas engine trains to the same bits on native and TypeScript kernels: ${name}, sigmoid output, penalties, noise`, { skip: skipEngine }, () => {
    const optimizer = { name, learningRate: 0.01 } as OptimizerInput;
    const options = testEngineOptions({
      hiddenActivation: 'relu', outputActivation: 'sigmoid', optimizer, l1WeightPenalty: 1e-4, l1ActivationPenalty: 1e-3, preActivationNoiseStddev: 0.1,
    });
    const batches = [0, 1, 2, 3, 4, 5, 6].map((step) => testBatch(options.network, 5 + (step % 3), 30 + step));
    const run = (kernels: StepKernels) => {
      const engine = createBlasEngine({ ...options, kernels });
      const losses = batches.map((batch) => engine.trainStep(batch));
      return { losses, parameters: engine.getParameters(), forward: engine.forward(batches[0].inputs, batches[0].batchSize) };
    };
    assert.deepEqual(run(nativeKernels), run(TYPESCRIPT_KERNELS));
  });
}
