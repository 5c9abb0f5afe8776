/**
 * The limit of a training step: its matrix products alone, back to back — 6 forward, 6
 * weight-gradient and 5 input-gradient products for the bench's 784-128-64-2-64-128-784 network (the
 * first layer needs no input gradient) — called through the same binding as the engine's: nblas
 * sgemm for the native engine, the WebAssembly engine's own products for it.
 *
 * The same products can be laid out in four ways, which OpenBLAS runs at different speeds: the
 * activations stored a sample per row (as the engine does) or a feature per row, and each layer's
 * kernel W stored [inputs × outputs] (as the engine does) or transposed, [outputs × inputs]. Every
 * layout computes the same numbers; only the transposes and shapes handed to sgemm change:
 *
 *   layout            forward Z = X·W            weight gradient dW = Xᵀ·dZ    input gradient dX = dZ·Wᵀ
 *   samples, W        Z = X·W          (N, N)    dW = Xᵀ·dZ        (T, N)      dX = dZ·Wᵀ        (N, T)
 *   samples, Wᵀ       Z = X·(Wᵀ)ᵀ      (N, T)    dWᵀ = dZᵀ·X       (T, N)      dX = dZ·(Wᵀ)      (N, N)
 *   features, W       Zᵀ = Wᵀ·Xᵀ       (T, N)    dW = Xᵀ·(dZᵀ)ᵀ    (N, T)      dXᵀ = W·dZᵀ       (N, N)
 *   features, Wᵀ      Zᵀ = (Wᵀ)·Xᵀ     (N, N)    dWᵀ = dZᵀ·(Xᵀ)ᵀ   (N, T)      dXᵀ = (Wᵀ)ᵀ·dZᵀ   (T, N)
 *
 * As in the engine, forward products add onto the bias rows (β = 1) and the gradients overwrite (β = 0).
 */
import { MatrixProducts } from '../../src/lib/engine/matrixProducts';

/** How a layout stores activations and kernels. */
export interface ProductLayout {
  name: string;
  /** Activations, pre-activations and their gradients stored a feature per row (transposed). */
  featureRows: boolean;
  /** Kernels and their gradients stored [outputs × inputs] (transposed). */
  kernelByOutput: boolean;
}

export const PRODUCT_LAYOUTS: ProductLayout[] = [
  { name: 'engine: a sample per row, W [in × out]', featureRows: false, kernelByOutput: false },
  { name: 'a sample per row, W [out × in]', featureRows: false, kernelByOutput: true },
  { name: 'a feature per row, W [in × out]', featureRows: true, kernelByOutput: false },
  { name: 'a feature per row, W [out × in]', featureRows: true, kernelByOutput: true },
];

/** One sgemm call: C = op(A)·op(B) + β·C, row-major. */
interface SgemmCall {
  transposeA: boolean;
  transposeB: boolean;
  m: number;
  n: number;
  k: number;
  a: Float32Array;
  lda: number;
  b: Float32Array;
  ldb: number;
  beta: number;
  c: Float32Array;
  ldc: number;
}

/** The part of nblas the list uses. */
export interface SgemmBinding {
  NoTrans: number;
  Trans: number;
  sgemm(
    transA: number, transB: number, m: number, n: number, k: number, alpha: number,
    a: Float32Array, lda: number, b: Float32Array, ldb: number, beta: number, c: Float32Array, ldc: number,
  ): void;
}

/** Buffers like the engine's: every layer's activations, pre-activations, gradients, kernel and kernel gradient apart. */
function layerBuffers(layerSizes: number[], batchSize: number, allocate: (lengths: number[]) => Float32Array[]) {
  const layerCount = layerSizes.length - 1;
  const activationLengths = layerSizes.map((size) => size * batchSize);
  const kernelLengths = layerSizes.slice(1).map((size, index) => size * layerSizes[index]);
  const outputLengths = activationLengths.slice(1);
  const region = allocate([...activationLengths, ...outputLengths, ...outputLengths, ...kernelLengths, ...kernelLengths]);
  // Values of ordinary size: zeros or subnormals could run at another speed.
  let state = 12345;
  for (const buffer of region) for (let index = 0; index < buffer.length; index++) buffer[index] = ((state = (state * 1103515245 + 12345) % 2147483648) / 2147483648 - 0.5) * 0.1;
  const take = (start: number, count: number) => region.slice(start, start + count);
  return {
    activations: take(0, layerCount + 1),
    preActivations: take(layerCount + 1, layerCount),
    gradients: take(2 * layerCount + 1, layerCount),
    kernels: take(3 * layerCount + 1, layerCount),
    kernelGradients: take(4 * layerCount + 1, layerCount),
  };
}

/** The step's 17 sgemm calls in one layout, on buffers of their own. */
export function sgemmProductList(layerSizes: number[], batchSize: number, layout: ProductLayout): SgemmCall[] {
  const buffers = layerBuffers(layerSizes, batchSize, (lengths) => lengths.map((length) => new Float32Array(length)));
  const rows = batchSize;
  const calls: SgemmCall[] = [];
  const forward: SgemmCall[] = [];
  const backward: SgemmCall[] = [];
  for (let layer = 0; layer < layerSizes.length - 1; layer++) {
    const inputSize = layerSizes[layer];
    const outputSize = layerSizes[layer + 1];
    const inputs = buffers.activations[layer];
    const kernel = buffers.kernels[layer];
    const kernelGradient = buffers.kernelGradients[layer];
    const gradient = buffers.gradients[layer];
    const byOutput = layout.kernelByOutput;
    if (!layout.featureRows) {
      forward.push({ transposeA: false, transposeB: byOutput, m: rows, n: outputSize, k: inputSize, a: inputs, lda: inputSize, b: kernel, ldb: byOutput ? inputSize : outputSize, beta: 1, c: buffers.preActivations[layer], ldc: outputSize });
      backward.push(byOutput
        ? { transposeA: true, transposeB: false, m: outputSize, n: inputSize, k: rows, a: gradient, lda: outputSize, b: inputs, ldb: inputSize, beta: 0, c: kernelGradient, ldc: inputSize }
        : { transposeA: true, transposeB: false, m: inputSize, n: outputSize, k: rows, a: inputs, lda: inputSize, b: gradient, ldb: outputSize, beta: 0, c: kernelGradient, ldc: outputSize });
      if (layer > 0) {
        backward.push({ transposeA: false, transposeB: !byOutput, m: rows, n: inputSize, k: outputSize, a: gradient, lda: outputSize, b: kernel, ldb: byOutput ? inputSize : outputSize, beta: 0, c: buffers.gradients[layer - 1], ldc: inputSize });
      }
    } else {
      forward.push({ transposeA: !byOutput, transposeB: false, m: outputSize, n: rows, k: inputSize, a: kernel, lda: byOutput ? inputSize : outputSize, b: inputs, ldb: rows, beta: 1, c: buffers.preActivations[layer], ldc: rows });
      backward.push(byOutput
        ? { transposeA: false, transposeB: true, m: outputSize, n: inputSize, k: rows, a: gradient, lda: rows, b: inputs, ldb: rows, beta: 0, c: kernelGradient, ldc: inputSize }
        : { transposeA: false, transposeB: true, m: inputSize, n: outputSize, k: rows, a: inputs, lda: rows, b: gradient, ldb: rows, beta: 0, c: kernelGradient, ldc: outputSize });
      if (layer > 0) {
        backward.push({ transposeA: byOutput, transposeB: false, m: inputSize, n: rows, k: outputSize, a: kernel, lda: byOutput ? inputSize : outputSize, b: gradient, ldb: rows, beta: 0, c: buffers.gradients[layer - 1], ldc: rows });
      }
    }
  }
  // The engine's order: every forward product, then the backward ones from the top layer down.
  calls.push(...forward);
  for (let layer = layerSizes.length - 2, index = backward.length; layer >= 0; layer--) {
    const count = layer > 0 ? 2 : 1;
    index -= count;
    calls.push(...backward.slice(index, index + count));
  }
  return calls;
}

/** Runs a product list once through nblas. */
export function runSgemmList(blas: SgemmBinding, calls: SgemmCall[]): void {
  for (const call of calls) {
    blas.sgemm(call.transposeA ? blas.Trans : blas.NoTrans, call.transposeB ? blas.Trans : blas.NoTrans, call.m, call.n, call.k, 1,
      call.a, call.lda, call.b, call.ldb, call.beta, call.c, call.ldc);
  }
}

/** The same 17 products through a MatrixProducts (the WebAssembly engine's), which has the engine's layout only. */
export function matrixProductList(products: MatrixProducts, layerSizes: number[], batchSize: number): () => void {
  const buffers = layerBuffers(layerSizes, batchSize, (lengths) => products.allocateRegion(lengths, batchSize));
  const shapes = layerSizes.slice(1).map((outputSize, layer) => ({ rows: batchSize, inputSize: layerSizes[layer], outputSize }));
  return () => {
    shapes.forEach((shape, layer) => products.forward(shape, buffers.activations[layer], buffers.kernels[layer], buffers.preActivations[layer]));
    for (let layer = shapes.length - 1; layer >= 0; layer--) {
      products.weightGradient(shapes[layer], buffers.activations[layer], buffers.gradients[layer], buffers.kernelGradients[layer]);
      if (layer > 0) products.inputGradient(shapes[layer], buffers.gradients[layer], buffers.kernels[layer], buffers.gradients[layer - 1]);
    }
  };
}

/** Options of bestTime. */
export interface BestTimeOptions {
  /** Runs of `body` per timed round; one round is about 30,000 samples' worth, as product_limit.py times. */
  repeats: number;
  rounds: number;
  warmup: number;
}

/**
 * Milliseconds per run of each body, the best round of each, with the bodies taking turns round by
 * round so that load from other processes falls on all of them alike. A body that returns a number
 * has timed the part of itself that counts, in milliseconds; the others are timed whole.
 */
export function bestTimes(bodies: (() => void | number)[], options: BestTimeOptions): number[] {
  for (const body of bodies) for (let index = 0; index < options.warmup; index++) body();
  const best = bodies.map(() => Infinity);
  for (let round = 0; round < options.rounds; round++) {
    bodies.forEach((body, which) => {
      let ownMilliseconds = 0;
      let timesItself = false;
      const started = process.hrtime.bigint();
      for (let index = 0; index < options.repeats; index++) {
        const own = body();
        if (typeof own === 'number') {
          ownMilliseconds += own;
          timesItself = true;
        }
      }
      const milliseconds = timesItself ? ownMilliseconds : Number(process.hrtime.bigint() - started) / 1e6;
      best[which] = Math.min(best[which], milliseconds / options.repeats);
    });
  }
  return best;
}
