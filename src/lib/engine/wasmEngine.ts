/**
 * The engine for machines without the native path (no compiler, no OpenBLAS): the same design as
 * the blas engine (denseEngine.ts) on WebAssembly SIMD (wasm/arithmetic.ts): its matrix products,
 * and its hot elementwise loops in ports with the TypeScript kernels' bits. Its products sum in
 * another order than OpenBLAS's, so its numbers differ from the blas engine's in the last bits and
 * it has an identity of its own (engineIdentity); it is checked against tfjs autodiff like the
 * blas engine.
 */
import { createDenseEngine } from './denseEngine';
import { StepKernels } from './kernels';
import { createWasmArithmetic, wasmSimdAvailable, WASM_KERNEL_VERSION } from './wasm/arithmetic';
import { EngineOptions, TrainingEngine } from './types';

export { wasmSimdAvailable, WASM_KERNEL_VERSION };

/** Options of createWasmEngine: an engine's, and optionally other step kernels (the tests pass TYPESCRIPT_KERNELS). */
export interface WasmEngineOptions extends EngineOptions {
  kernels?: StepKernels;
}

export function createWasmEngine(options: WasmEngineOptions): TrainingEngine {
  const availability = wasmSimdAvailable();
  if (!availability.available) throw new Error(`the wasm engine is unavailable: ${availability.reason}`);
  const { kernels, ...engine } = options;
  const maximumLayerWidth = Math.max(...engine.network.layers.flatMap((layer) => [layer.inputSize, layer.outputSize]));
  const arithmetic = createWasmArithmetic({ maximumLayerWidth });
  return createDenseEngine({ engine, name: 'wasm', products: arithmetic.products, kernels: kernels ?? arithmetic.kernels });
}
