/**
 * The matrix products of a dense network's training step, behind one interface so that one engine
 * (denseEngine.ts) runs on OpenBLAS (blasEngine.ts) or on WebAssembly SIMD (wasmEngine.ts).
 * Matrices are row-major Float32Arrays; a layer maps `inputSize` inputs to `outputSize` outputs
 * with the kernel W, [inputSize × outputSize].
 *
 *   forward:        Z += X·W     (Z holds the bias rows already)
 *   weightGradient: dW = Xᵀ·dZ    inputGradient: dX = dZ·Wᵀ
 *
 * (The bias gradient, a column sum, is a step kernel: see StepKernels.sumColumns.)
 */
export interface ProductShape {
  rows: number;
  inputSize: number;
  outputSize: number;
}

export interface MatrixProducts {
  /** What does the arithmetic, as engines report it: 'openblas', 'wasm-simd'. */
  readonly backend: string;
  /**
   * Whether the products read any Float32Array. When false they read only arrays from
   * allocateRegion (a WebAssembly memory): the engine copies batches in and evaluates a large set
   * in slices of at most its workspace's rows.
   */
  readonly readsAnyArray: boolean;
  /**
   * Zeroed buffers of the given lengths for up to `rows` rows per product, in one region that
   * replaces any earlier region (whose arrays must not be used afterwards).
   */
  allocateRegion(lengths: number[], rows: number): Float32Array[];
  forward(shape: ProductShape, inputs: Float32Array, kernel: Float32Array, preActivation: Float32Array): void;
  weightGradient(shape: ProductShape, inputs: Float32Array, gradient: Float32Array, kernelGradient: Float32Array): void;
  inputGradient(shape: ProductShape, gradient: Float32Array, kernel: Float32Array, inputGradient: Float32Array): void;
}
