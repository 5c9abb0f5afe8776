/**
 * The ports of the step kernels — native (native/src/kernels.c) and WebAssembly
 * (engine/wasm/elementwiseKernels.ts) — against their TypeScript definitions, bit for bit: every
 * kernel on values that cover the ordinary range, saturation, signed zeros, subnormals and
 * non-finite inputs, and whole training runs of each engine on its ports and on the TypeScript.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { blasAvailable, createBlasEngine } from '../../../src/lib/engine/blasEngine';
import { StepKernels, TYPESCRIPT_KERNELS } from '../../../src/lib/engine/kernels';
import { gatherRowsInTypescript, RowGatherer } from '../../../src/lib/engine/gather';
import { loadNativeKernels, loadNativeRowGatherer } from '../../../src/lib/engine/nativeKernels';
import { createSquareSums } from '../../../src/lib/losses';
import { ADAGRAD_INITIAL_ACCUMULATOR, ADAM_BETA1, ADAM_BETA2, OptimizerUpdates } from '../../../src/lib/engine/optimizers';
import { EngineFactory } from '../../../src/lib/engine/types';
import { createWasmArithmetic, wasmSimdAvailable } from '../../../src/lib/engine/wasm/arithmetic';
import { createWasmEngine } from '../../../src/lib/engine/wasmEngine';
import { createRandom, permutation } from '../../../src/lib/random';
import { Activation, ActivationInput, OPTIMIZER_NAMES, OptimizerInput, resolveActivation } from '../../../src/lib/spec';
import { testBatch, testEngineOptions } from './helpers';

const native = loadNativeKernels();
// Under CI the addon must be there (setup installs a compiler), so a broken build fails instead of skipping.
const skipNative = native.kernels || process.env.CI ? false : `native kernels unavailable: ${native.reason}`;
const skipWasm = wasmSimdAvailable().available || process.env.CI ? false : 'WebAssembly SIMD unavailable';

/** A port under test: its kernels, and how to get arrays it can read (the WebAssembly port reads only its own memory). */
interface Port {
  name: string;
  skip: false | string;
  kernels: () => StepKernels;
  arrays: (lengths: number[]) => Float32Array[];
  createEngine: EngineFactory;
  createEngineOnTypescript: EngineFactory;
  engineSkip: false | string;
}

const wasm = skipWasm ? null : createWasmArithmetic({ maximumLayerWidth: 8 });
const PORTS: Port[] = [
  {
    name: 'native',
    skip: skipNative,
    kernels: () => native.kernels as StepKernels,
    arrays: (lengths) => lengths.map((length) => new Float32Array(length)),
    createEngine: (options) => createBlasEngine({ ...options, kernels: native.kernels as StepKernels }),
    createEngineOnTypescript: (options) => createBlasEngine({ ...options, kernels: TYPESCRIPT_KERNELS }),
    engineSkip: skipNative || (blasAvailable().available || process.env.CI ? false : 'nblas unavailable'),
  },
  {
    name: 'wasm',
    skip: skipWasm,
    kernels: () => (wasm as NonNullable<typeof wasm>).kernels,
    // Room for products of up to 128 rows, so that the column sums run on the matrix kernel.
    arrays: (lengths) => (wasm as NonNullable<typeof wasm>).products.allocateRegion(lengths, 128),
    createEngine: createWasmEngine,
    createEngineOnTypescript: (options) => createWasmEngine({ ...options, kernels: TYPESCRIPT_KERNELS }),
    engineSkip: skipWasm,
  },
];

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

for (const port of PORTS) {
  for (const activation of ACTIVATIONS) {
    test(`${port.name} ${JSON.stringify(activation)} and its derivative give the TypeScript's bits`, { skip: port.skip }, () => {
      const [preActivation, output, gradient] = port.arrays([COUNT, COUNT, COUNT]);
      preActivation.set(testValues(COUNT, 1));
      const expectedOutput = new Float32Array(COUNT);
      TYPESCRIPT_KERNELS.applyActivation(activation, preActivation.slice(), expectedOutput, COUNT);
      port.kernels().applyActivation(activation, preActivation, output, COUNT);
      assertSameBits(output, expectedOutput, 'activation');
      const expectedGradient = testValues(COUNT, 2, 0.1);
      gradient.set(expectedGradient);
      TYPESCRIPT_KERNELS.multiplyByActivationDerivative(activation, preActivation.slice(), output.slice(), expectedGradient, COUNT);
      port.kernels().multiplyByActivationDerivative(activation, preActivation, output, gradient, COUNT);
      assertSameBits(gradient, expectedGradient, 'derivative');
    });
  }

  for (const loss of ['mse', 'binaryCrossEntropy'] as const) {
    test(`${port.name} ${loss} loss and gradient give the TypeScript's bits`, { skip: port.skip }, () => {
      const [predictions, targets, gradient] = port.arrays([COUNT, COUNT, COUNT]);
      const random = createRandom(3, 'predictions');
      predictions.set(new Float32Array(COUNT).map(() => random.next()));
      predictions.set([0, 1, 1e-9, 1 - 1e-9]);
      targets.set(testValues(COUNT, 4).map((value) => (Number.isFinite(value) ? Math.min(1, Math.abs(value) / 4) : 0.5)));
      const expectedGradient = new Float32Array(COUNT);
      const expectedLoss = TYPESCRIPT_KERNELS.reconstructionLossAndGradient(loss, predictions.slice(), targets.slice(), expectedGradient, COUNT);
      const actualLoss = port.kernels().reconstructionLossAndGradient(loss, predictions, targets, gradient, COUNT);
      assert.ok(Number.isFinite(expectedLoss));
      assert.ok(Object.is(actualLoss, expectedLoss), `loss ${actualLoss} vs ${expectedLoss}`);
      assertSameBits(gradient, expectedGradient, 'gradient');
    });
  }

  for (const activation of ACTIVATIONS) {
    test(`${port.name} ${JSON.stringify(activation)} derivative with its column sums gives the TypeScript's bits`, { skip: port.skip }, () => {
      // 97 rows of 41 columns: neither a multiple of a vector's lanes.
      const [rows, columns] = [97, 41];
      const [preActivation, output, gradient, sums] = port.arrays([rows * columns, rows * columns, rows * columns, columns]);
      preActivation.set(testValues(rows * columns, 13));
      TYPESCRIPT_KERNELS.applyActivation(activation, preActivation, output, rows * columns);
      gradient.set(testValues(rows * columns, 14, 0.1));
      sums.fill(7);
      const expected = { gradient: gradient.slice(), sums: new Float32Array(columns).fill(7) };
      TYPESCRIPT_KERNELS.derivativeAndColumnSums(activation, preActivation.slice(), output.slice(), expected.gradient, rows, expected.sums);
      port.kernels().derivativeAndColumnSums(activation, preActivation, output, gradient, rows, sums);
      assertSameBits(gradient, expected.gradient, 'gradient');
      assertSameBits(sums, expected.sums, 'column sums');
      const [values, columnSums] = port.arrays([rows * columns, columns]);
      values.set(testValues(rows * columns, 15));
      const expectedSums = new Float32Array(columns);
      TYPESCRIPT_KERNELS.sumColumns(values.slice(), rows - 2, expectedSums);
      port.kernels().sumColumns(values, rows - 2, columnSums);
      assertSameBits(columnSums, expectedSums, 'sumColumns');
    });
  }

  test(`${port.name} squared errors into running sums give the TypeScript's bits, in one pass or in parts`, { skip: port.skip }, () => {
    const [predictions, targets] = port.arrays([COUNT, COUNT]);
    predictions.set(testValues(COUNT, 11));
    targets.set(testValues(COUNT, 12).map((value) => (Number.isFinite(value) ? value : 0.5)));
    const sumsOf = (kernels: StepKernels, parts: number[]) => {
      const sums = createSquareSums();
      let start = 0;
      for (const part of parts) {
        kernels.addSquaredErrors(predictions.subarray(start), targets.subarray(start), part, sums);
        start += part;
      }
      return [...sums];
    };
    for (const parts of [[COUNT], [COUNT - 3], [8], [5], [2048, 1024, COUNT - 3072]]) {
      const expected = sumsOf(TYPESCRIPT_KERNELS, parts);
      assert.deepEqual(sumsOf(port.kernels(), parts), expected, `parts ${parts}`);
      if (parts.length > 1) assert.deepEqual(expected, sumsOf(TYPESCRIPT_KERNELS, [COUNT]), 'parts of multiples of eight sum as one pass');
    }
  });

  for (const activation of ACTIVATIONS) {
    for (const loss of ['mse', 'binaryCrossEntropy'] as const) {
      test(`${port.name} output layer (${JSON.stringify(activation)}, ${loss}) in one call gives the bits of its three kernels in turn`, { skip: port.skip }, () => {
        const [preActivation, output, targets, gradient] = port.arrays([COUNT, COUNT, COUNT, COUNT]);
        preActivation.set(testValues(COUNT, 7));
        const random = createRandom(8, 'targets');
        targets.set(new Float32Array(COUNT).map(() => random.next()));
        const expectedGradient = new Float32Array(COUNT);
        const expectedLoss = TYPESCRIPT_KERNELS.outputLayerLossAndGradient(activation, loss, preActivation.slice(), new Float32Array(COUNT), targets.slice(), expectedGradient, COUNT);
        const actualLoss = port.kernels().outputLayerLossAndGradient(activation, loss, preActivation, output, targets, gradient, COUNT);
        assert.ok(Object.is(actualLoss, expectedLoss), `loss ${actualLoss} vs ${expectedLoss}`);
        // A NaN that V8's Math functions made (elu, tanh and softplus stay in TypeScript) carries a
        // payload the native loss kernel passes on and V8's own arithmetic drops: any NaN is that NaN there.
        const nanPayloadsDiffer = port.name === 'native' && ['elu', 'tanh', 'softplus'].includes(activation.name);
        if (nanPayloadsDiffer) gradient.forEach((value, index) => Number.isNaN(value) && Number.isNaN(expectedGradient[index]) && (gradient[index] = expectedGradient[index]));
        assertSameBits(gradient, expectedGradient, 'gradient');
      });
    }
  }

  // Each optimizer's loop over 20 steps, its state carried over, on gradients that include the special values.
  const OTHER_UPDATES: { name: string; initialState: number; step: (updates: OptimizerUpdates, parameters: Float32Array, gradients: Float32Array, state: Float32Array) => void }[] = [
    { name: 'SGD', initialState: 0, step: (updates, parameters, gradients) => updates.sgd(parameters, gradients, COUNT, 0.1) },
    { name: 'momentum 0.9', initialState: 0, step: (updates, parameters, gradients, state) => updates.momentum(parameters, gradients, state, COUNT, 0.01, 0.9) },
    { name: 'RMSprop', initialState: 0, step: (updates, parameters, gradients, state) => updates.rmsprop(parameters, gradients, state, COUNT, 1e-3) },
    { name: 'Adagrad', initialState: ADAGRAD_INITIAL_ACCUMULATOR, step: (updates, parameters, gradients, state) => updates.adagrad(parameters, gradients, state, COUNT, 0.01) },
  ];
  for (const update of OTHER_UPDATES) {
    test(`${port.name} ${update.name} updates give the TypeScript's bits over many steps`, { skip: port.skip }, () => {
      const [parameters, gradients, state] = port.arrays([COUNT, COUNT, COUNT]);
      parameters.set(testValues(COUNT, 5, 0.3));
      state.fill(update.initialState);
      const expected = { parameters: parameters.slice(), state: state.slice() };
      for (let step = 0; step < 20; step++) {
        gradients.set(testValues(COUNT, 10 + step, 0.01 * (step + 1)));
        update.step(TYPESCRIPT_KERNELS.optimizerUpdates, expected.parameters, gradients.slice(), expected.state);
        update.step(port.kernels().optimizerUpdates, parameters, gradients, state);
      }
      assert.ok(expected.parameters.some((value, index) => value !== testValues(COUNT, 5, 0.3)[index]), 'the updates moved the parameters');
      assertSameBits(parameters, expected.parameters, 'parameters');
      assertSameBits(state, expected.state, 'state');
    });
  }

  test(`${port.name} Adam updates and bias rows give the TypeScript's bits over many steps`, { skip: port.skip }, () => {
    const [parameters, gradients, first, second] = port.arrays([COUNT, COUNT, COUNT, COUNT]);
    parameters.set(testValues(COUNT, 5, 0.3));
    const expected = { parameters: parameters.slice(), first: new Float32Array(COUNT), second: new Float32Array(COUNT) };
    let beta1Power = Math.fround(ADAM_BETA1);
    let beta2Power = Math.fround(ADAM_BETA2);
    for (let step = 0; step < 20; step++) {
      gradients.set(testValues(COUNT, 10 + step, 0.01 * (step + 1)));
      const corrections = [1 / (1 - beta1Power), 1 / (1 - beta2Power)] as const;
      TYPESCRIPT_KERNELS.optimizerUpdates.adam(expected.parameters, gradients.slice(), expected.first, expected.second, COUNT, 1e-3, ...corrections);
      port.kernels().optimizerUpdates.adam(parameters, gradients, first, second, COUNT, 1e-3, ...corrections);
      beta1Power = Math.fround(beta1Power * ADAM_BETA1);
      beta2Power = Math.fround(beta2Power * ADAM_BETA2);
    }
    assertSameBits(parameters, expected.parameters, 'parameters');
    assertSameBits(first, expected.first, 'first moment');
    assertSameBits(second, expected.second, 'second moment');

    const [bias, rows] = port.arrays([13, 13 * 7 + 3]);
    bias.set(testValues(13, 6));
    rows.fill(5);
    const expectedRows = rows.slice();
    TYPESCRIPT_KERNELS.broadcastRows(bias.slice(), expectedRows, 7);
    port.kernels().broadcastRows(bias, rows, 7);
    assertSameBits(rows, expectedRows, 'bias rows');
  });

  for (const name of OPTIMIZER_NAMES) {
    test(`the ${port.name} ports train to the TypeScript kernels' bits: ${name}, sigmoid output, penalties, noise`, { skip: port.engineSkip }, () => {
      const optimizer = { name, learningRate: 0.01 } as OptimizerInput;
      const options = testEngineOptions({
        hiddenActivation: 'relu', outputActivation: 'sigmoid', optimizer, l1WeightPenalty: 1e-4, l1ActivationPenalty: 1e-3, preActivationNoiseStddev: 0.1,
      });
      const batches = [0, 1, 2, 3, 4, 5, 6].map((step) => testBatch(options.network, 5 + (step % 3), 30 + step));
      const run = (createEngine: EngineFactory) => {
        const engine = createEngine(options);
        const losses = batches.map((batch) => engine.trainStep(batch));
        return { losses, parameters: engine.getParameters(), forward: engine.forward(batches[0].inputs, batches[0].batchSize) };
      };
      assert.deepEqual(run(port.createEngine), run(port.createEngineOnTypescript));
    });
  }
}

test('the native kernels refuse an array shorter than the count instead of reading past it', { skip: skipNative }, () => {
  const kernels = native.kernels as StepKernels;
  const values = new Float32Array(4);
  assert.throws(() => kernels.applyActivation(resolveActivation('relu'), values, new Float32Array(4), 5), /shorter than the count/);
  assert.throws(() => kernels.applyActivation(resolveActivation('relu'), new Float64Array(4) as unknown as Float32Array, values, 4), /expected a Float32Array/);
});

test('the wasm kernels refuse an array shorter than the count instead of reading its neighbours', { skip: skipWasm }, () => {
  const port = PORTS[1];
  const [values, output] = port.arrays([4, 8]);
  assert.throws(() => port.kernels().applyActivation(resolveActivation('sigmoid'), values, output, 5), /shorter than the count/);
});

test('the native row gatherer copies the rows an order picks, as the TypeScript one does, and refuses rows outside the set', { skip: skipNative }, () => {
  const gather = loadNativeRowGatherer() as RowGatherer;
  const width = 13;
  const source = testValues(50 * width, 16);
  const order = permutation(50, createRandom(3, 'gather'));
  const expected = new Float32Array(20 * width).fill(5);
  const actual = expected.slice();
  gatherRowsInTypescript(source, order, 7, 20, width, expected);
  gather(source, order, 7, 20, width, actual);
  assertSameBits(actual, expected, 'gathered rows');
  assert.throws(() => gather(source, Int32Array.of(0, 50), 0, 2, width, actual), /outside the source/);
  assert.throws(() => gather(source, order, 45, 10, width, new Float32Array(10 * width)), /shorter than the count/);
  assert.throws(() => gather(source, order, 0, 30, width, actual), /shorter than the count/);
});
