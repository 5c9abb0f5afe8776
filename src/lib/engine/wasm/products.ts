/**
 * MatrixProducts on WebAssembly SIMD (gemmKernel.ts), for machines where the native engine cannot
 * be built: no compiler, no OpenBLAS, nothing fetched at install time. Every buffer the products
 * touch lives in one WebAssembly memory per engine (allocateRegion); a larger region is a new
 * memory and instance, the old one left to the garbage collector.
 */
import { assembleModule } from './assembler';
import { gemmFunction, PANEL_COLUMNS } from './gemmKernel';
import { MatrixProducts } from '../matrixProducts';

/**
 * Part of the engine's identity: change it whenever the kernel's order of operations changes,
 * since results cached under the old identity would then differ in the last bits.
 */
export const WASM_KERNEL_VERSION = 1;

const FLOAT_BYTES = 4;
const PAGE_BYTES = 65536;
/** Arrays start on 16-byte boundaries, where vector loads are fastest. */
const ALIGNMENT_BYTES = 16;

interface GemmExports {
  gemm(
    c: number, cRowBytes: number, a: number, aRowBytes: number, aDepthBytes: number, b: number, bDepthBytes: number, bColumnBytes: number,
    m: number, n: number, k: number, accumulate: number, pack: number,
  ): void;
}

/** The compiled kernel module, assembled once per process (it is immutable; instances are per engine). */
let compiledModule: WebAssembly.Module | null = null;
function gemmModule(): WebAssembly.Module {
  compiledModule ??= new WebAssembly.Module(assembleModule([gemmFunction()]));
  return compiledModule;
}

/** Whether this JavaScript engine runs WebAssembly SIMD (Node 16.4 and later do). */
export function wasmSimdAvailable(): { available: boolean; reason?: string } {
  try {
    gemmModule();
    return { available: true };
  } catch (error) {
    return { available: false, reason: `WebAssembly SIMD is unavailable: ${(error as Error).message}` };
  }
}

/** Options of createWasmProducts. */
export interface WasmProductsOptions {
  /** The widest layer (inputs or outputs): with the rows, it bounds the depth of every product. */
  maximumLayerWidth: number;
}

export function createWasmProducts(options: WasmProductsOptions): MatrixProducts {
  let memory: WebAssembly.Memory | null = null;
  let kernel: GemmExports | null = null;
  /** Byte offsets of the packed panel and of a single 1.0 (the vector that sums columns). */
  let packOffset = 0;
  let oneOffset = 0;

  const offsetOf = (array: Float32Array): number => {
    if (!memory || array.buffer !== memory.buffer) throw new Error('the wasm products read only arrays of their current region');
    return array.byteOffset;
  };
  const gemm = (...args: Parameters<GemmExports['gemm']>) => (kernel as GemmExports).gemm(...args);

  return {
    backend: 'wasm-simd',
    readsAnyArray: false,
    allocateRegion(lengths, rows) {
      const depth = Math.max(rows, options.maximumLayerWidth);
      const aligned = (bytes: number) => Math.ceil(bytes / ALIGNMENT_BYTES) * ALIGNMENT_BYTES;
      let offset = 0;
      const offsets = lengths.map((length) => {
        const start = offset;
        offset += aligned(length * FLOAT_BYTES);
        return start;
      });
      packOffset = offset;
      offset += aligned(depth * PANEL_COLUMNS * FLOAT_BYTES);
      oneOffset = offset;
      offset += ALIGNMENT_BYTES;
      memory = new WebAssembly.Memory({ initial: Math.ceil(offset / PAGE_BYTES) });
      kernel = new WebAssembly.Instance(gemmModule(), { env: { memory } }).exports as unknown as GemmExports;
      new Float32Array(memory.buffer, oneOffset, 1)[0] = 1;
      const buffer = memory.buffer;
      return lengths.map((length, index) => new Float32Array(buffer, offsets[index], length));
    },
    forward({ rows, inputSize, outputSize }, inputs, kernelWeights, preActivation) {
      gemm(offsetOf(preActivation), outputSize * FLOAT_BYTES, offsetOf(inputs), inputSize * FLOAT_BYTES, FLOAT_BYTES,
        offsetOf(kernelWeights), outputSize * FLOAT_BYTES, FLOAT_BYTES, rows, outputSize, inputSize, 1, packOffset);
    },
    weightGradient({ rows, inputSize, outputSize }, inputs, gradient, kernelGradient) {
      gemm(offsetOf(kernelGradient), outputSize * FLOAT_BYTES, offsetOf(inputs), FLOAT_BYTES, inputSize * FLOAT_BYTES,
        offsetOf(gradient), outputSize * FLOAT_BYTES, FLOAT_BYTES, inputSize, outputSize, rows, 0, packOffset);
    },
    biasGradient({ rows, outputSize }, gradient, biasGradient) {
      // 1ᵀ·dZ: one row of A, a single 1 read again at every depth.
      gemm(offsetOf(biasGradient), outputSize * FLOAT_BYTES, oneOffset, 0, 0,
        offsetOf(gradient), outputSize * FLOAT_BYTES, FLOAT_BYTES, 1, outputSize, rows, 0, packOffset);
    },
    inputGradient({ rows, inputSize, outputSize }, gradient, kernelWeights, inputGradient) {
      // Wᵀ read through its strides: B(p, j) = W[j][p].
      gemm(offsetOf(inputGradient), inputSize * FLOAT_BYTES, offsetOf(gradient), outputSize * FLOAT_BYTES, FLOAT_BYTES,
        offsetOf(kernelWeights), FLOAT_BYTES, outputSize * FLOAT_BYTES, rows, inputSize, outputSize, 0, packOffset);
    },
  };
}
