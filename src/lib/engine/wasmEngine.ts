/**
 * The engine for machines without the native path (no compiler, no OpenBLAS): the same design as
 * the blas engine (denseEngine.ts), its matrix products on WebAssembly SIMD (wasm/products.ts) and
 * its elementwise work in the TypeScript kernels. Its products sum in another order than
 * OpenBLAS's, so its numbers differ from the blas engine's in the last bits and it has an identity
 * of its own (engineIdentity); it is checked against tfjs autodiff like the blas engine.
 */
import { createDenseEngine } from './denseEngine';
import { TYPESCRIPT_KERNELS } from './kernels';
import { createWasmProducts, wasmSimdAvailable, WASM_KERNEL_VERSION } from './wasm/products';
import { EngineOptions, TrainingEngine } from './types';

export { wasmSimdAvailable, WASM_KERNEL_VERSION };

export function createWasmEngine(options: EngineOptions): TrainingEngine {
  const availability = wasmSimdAvailable();
  if (!availability.available) throw new Error(`the wasm engine is unavailable: ${availability.reason}`);
  const maximumLayerWidth = Math.max(...options.network.layers.flatMap((layer) => [layer.inputSize, layer.outputSize]));
  return createDenseEngine({ engine: options, name: 'wasm', products: createWasmProducts({ maximumLayerWidth }), kernels: TYPESCRIPT_KERNELS });
}
