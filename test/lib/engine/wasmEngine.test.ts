/**
 * The WebAssembly engine: the same numerics checks as the blas engine against tfjs autodiff, and
 * what is its own: the products agree with a float32 reference bit for bit, a set evaluated in
 * slices gives the bits of row-by-row passes, and a batch larger than the workspace grows it with
 * the parameters kept.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createWasmEngine, wasmSimdAvailable } from '../../../src/lib/engine/wasmEngine';
import { createWasmArithmetic, createWasmProducts } from '../../../src/lib/engine/wasm/arithmetic';
import { ProductShape } from '../../../src/lib/engine/matrixProducts';
import { createRandom } from '../../../src/lib/random';
import { registerEngineChecks } from './engineChecks';
import { testBatch, testEngineOptions } from './helpers';

const availability = wasmSimdAvailable();
// Node 20 has WebAssembly SIMD; under CI its absence is a failure, not a skip.
const skip = availability.available || process.env.CI ? false : `WebAssembly SIMD unavailable: ${availability.reason}`;

registerEngineChecks({ name: 'wasm', createEngine: createWasmEngine, skip });

type ProductName = 'forward' | 'weightGradient' | 'biasGradient' | 'inputGradient';

/**
 * Each product as the kernel defines it, in float32 arithmetic: every element a running sum over
 * the depth in order, each product and sum rounded (Math.fround), starting from C or from 0.
 */
function referenceProduct(name: ProductName, shape: ProductShape, left: Float32Array, right: Float32Array, result: Float32Array): Float32Array {
  const { rows, inputSize, outputSize } = shape;
  const expected = result.slice();
  const sums = (m: number, n: number, k: number, a: (i: number, p: number) => number, b: (p: number, j: number) => number, accumulate: boolean) => {
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let sum = accumulate ? expected[i * n + j] : 0;
        for (let p = 0; p < k; p++) sum = Math.fround(sum + Math.fround(a(i, p) * b(p, j)));
        expected[i * n + j] = sum;
      }
    }
  };
  if (name === 'forward') sums(rows, outputSize, inputSize, (i, p) => left[i * inputSize + p], (p, j) => right[p * outputSize + j], true);
  if (name === 'weightGradient') sums(inputSize, outputSize, rows, (i, p) => left[p * inputSize + i], (p, j) => right[p * outputSize + j], false);
  if (name === 'biasGradient') sums(1, outputSize, rows, () => 1, (p, j) => right[p * outputSize + j], false);
  if (name === 'inputGradient') sums(rows, inputSize, outputSize, (i, p) => left[i * outputSize + p], (p, j) => right[j * outputSize + p], false);
  return expected;
}

// Shapes with every remainder: rows not a multiple of the 4-row tile, columns not of the 8-column panel, and 1s.
const SHAPES: ProductShape[] = [
  { rows: 5, inputSize: 7, outputSize: 3 },
  { rows: 9, inputSize: 17, outputSize: 13 },
  { rows: 4, inputSize: 8, outputSize: 8 },
  { rows: 33, inputSize: 19, outputSize: 24 },
  { rows: 12, inputSize: 64, outputSize: 2 },
  { rows: 7, inputSize: 2, outputSize: 40 },
  { rows: 1, inputSize: 1, outputSize: 1 },
];

for (const shape of SHAPES) {
  test(`wasm products equal the float32 reference bit for bit: ${shape.rows} rows, ${shape.inputSize} → ${shape.outputSize}`, { skip }, () => {
    const { rows, inputSize, outputSize } = shape;
    const arithmetic = createWasmArithmetic({ maximumLayerWidth: Math.max(inputSize, outputSize) });
    const products = arithmetic.products;
    const [inputs, kernel, preActivation, gradient, kernelGradient, biasGradient, inputGradient] = products.allocateRegion(
      [rows * inputSize, inputSize * outputSize, rows * outputSize, rows * outputSize, inputSize * outputSize, outputSize, rows * inputSize], rows);
    const random = createRandom(rows * 1000 + inputSize, 'wasm-products');
    for (const array of [inputs, kernel, preActivation, gradient]) array.forEach((_, index) => (array[index] = 2 * random.next() - 1));
    for (const array of [kernelGradient, biasGradient, inputGradient]) array.fill(9);
    const check = (name: ProductName, left: Float32Array, right: Float32Array, result: Float32Array, run: () => void) => {
      const expected = referenceProduct(name, shape, left, right, result);
      run();
      assert.deepEqual(result, expected, name);
    };
    check('forward', inputs, kernel, preActivation, () => products.forward(shape, inputs, kernel, preActivation));
    check('weightGradient', inputs, gradient, kernelGradient, () => products.weightGradient(shape, inputs, gradient, kernelGradient));
    check('biasGradient', gradient, gradient, biasGradient, () => arithmetic.kernels.sumColumns(gradient, rows, biasGradient));
    check('inputGradient', gradient, kernel, inputGradient, () => products.inputGradient(shape, gradient, kernel, inputGradient));
  });
}

test('wasm products refuse arrays outside their region', { skip }, () => {
  const products = createWasmProducts({ maximumLayerWidth: 4 });
  const [inputs, kernel] = products.allocateRegion([8, 16], 2);
  assert.throws(() => products.forward({ rows: 2, inputSize: 4, outputSize: 4 }, inputs, kernel, new Float32Array(8)), /only arrays of their current region/);
});

test('wasm: a set evaluated in slices of the workspace gives the bits of one row at a time', { skip }, () => {
  const options = testEngineOptions({ hiddenActivation: 'relu', outputActivation: 'sigmoid' });
  // The workspace holds batchSize rows (128 by default); 300 rows take three slices.
  const count = 300;
  const inputs = testBatch(options.network, count, 4).inputs;
  const engine = createWasmEngine(options);
  const whole = engine.forward(inputs, count);
  const inputSize = options.network.layers[0].inputSize;
  for (const row of [0, 127, 128, 299]) {
    const single = engine.forward(inputs.subarray(row * inputSize, (row + 1) * inputSize), 1);
    single.forEach((activation, layer) => {
      const width = options.network.layers[layer].outputSize;
      assert.deepEqual(activation, whole[layer].subarray(row * width, (row + 1) * width), `row ${row}, layer ${layer}`);
    });
  }
});

test('wasm: a batch larger than the workspace grows it and keeps the parameters', { skip }, () => {
  const options = testEngineOptions({ hiddenActivation: 'relu', outputActivation: 'sigmoid' });
  const small = { ...options, training: { ...options.training, batchSize: 4 } };
  const large = { ...options, training: { ...options.training, batchSize: 16 } };
  const batches = [testBatch(options.network, 4, 1), testBatch(options.network, 16, 2), testBatch(options.network, 4, 3)];
  const run = (engineOptions: typeof options) => {
    const engine = createWasmEngine(engineOptions);
    const losses = batches.map((batch) => engine.trainStep(batch));
    return { losses, parameters: engine.getParameters() };
  };
  assert.deepEqual(run(small), run(large));
});
