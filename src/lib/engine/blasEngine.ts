/**
 * The native fast engine: denseEngine.ts with every matrix product an OpenBLAS sgemm through the
 * optional `nblas` bindings, and the elementwise work in the native kernels (nativeKernels.ts)
 * where they were built, else in their TypeScript originals, which give the same bits.
 *
 * Transposes are never materialized: sgemm's Trans flags read the row-major buffers as they are.
 * OpenBLAS runs on one thread in every process (BLAS_THREADS), so a run's numbers do not depend on
 * whether it ran in a notebook's own process or in a sweep's worker.
 */
import { createDenseEngine } from './denseEngine';
import { StepKernels, TYPESCRIPT_KERNELS } from './kernels';
import { MatrixProducts } from './matrixProducts';
import { loadNativeKernels } from './nativeKernels';
import { EngineOptions, TrainingEngine } from './types';

/** The part of nblas this engine uses (row-major CBLAS). */
interface NativeBlas {
  NoTrans: number;
  Trans: number;
  sgemm(
    transA: number, transB: number, rows: number, columns: number, inner: number, alpha: number,
    a: Float32Array, leadingA: number, b: Float32Array, leadingB: number, beta: number, c: Float32Array, leadingC: number,
  ): void;
}

/** OpenBLAS threads per process: always one (see loadBlas); part of the engine's identity. */
export const BLAS_THREADS = 1;

type BlasLoad = { blas: NativeBlas; reason?: undefined } | { blas: null; reason: string };

/** Loads nblas; it is an optional dependency whose native build can be missing or broken. */
function loadBlas(): BlasLoad {
  try {
    // OpenBLAS reads its thread count when the native module loads. One thread everywhere: a
    // matrix product split over two threads sums in another order, so the same run in this
    // process and in a one-thread worker would otherwise differ in the last bits.
    process.env.OPENBLAS_NUM_THREADS = String(BLAS_THREADS);
    // Required lazily so that merely importing the library never touches the native module.
    const blas = require('nblas') as NativeBlas;
    if (typeof blas.sgemm !== 'function') return { blas: null, reason: 'nblas loaded but has no sgemm' };
    return { blas };
  } catch (error) {
    return { blas: null, reason: `nblas did not load: ${(error as Error).message.split('\n')[0]}` };
  }
}

/** Whether the native engine can run here, and if not, why. */
export function blasAvailable(): { available: boolean; reason?: string } {
  const load = loadBlas();
  return load.blas ? { available: true } : { available: false, reason: load.reason };
}

/** The three products as sgemm calls on row-major buffers; throws where nblas does not load. */
export function createBlasProducts(): MatrixProducts {
  const load = loadBlas();
  if (!load.blas) throw new Error(`the blas engine is unavailable: ${load.reason}`);
  const blas = load.blas;
  return {
    backend: 'openblas',
    readsAnyArray: true,
    allocateRegion: (lengths) => lengths.map((length) => new Float32Array(length)),
    forward({ rows, inputSize, outputSize }, inputs, kernel, preActivation) {
      blas.sgemm(blas.NoTrans, blas.NoTrans, rows, outputSize, inputSize, 1, inputs, inputSize, kernel, outputSize, 1, preActivation, outputSize);
    },
    weightGradient({ rows, inputSize, outputSize }, inputs, gradient, kernelGradient) {
      blas.sgemm(blas.Trans, blas.NoTrans, inputSize, outputSize, rows, 1, inputs, inputSize, gradient, outputSize, 0, kernelGradient, outputSize);
    },
    inputGradient({ rows, inputSize, outputSize }, gradient, kernel, inputGradient) {
      blas.sgemm(blas.NoTrans, blas.Trans, rows, inputSize, outputSize, 1, gradient, outputSize, kernel, outputSize, 0, inputGradient, inputSize);
    },
  };
}

/** The step kernels the native engine uses: the native ports when they load, else TypeScript's. */
export function blasStepKernels(): StepKernels {
  return loadNativeKernels().kernels ?? TYPESCRIPT_KERNELS;
}

/** Options of createBlasEngine: an engine's, and optionally which step kernels to use. */
export interface BlasEngineOptions extends EngineOptions {
  /** Default: blasStepKernels(); the tests pass TYPESCRIPT_KERNELS to compare the two. */
  kernels?: StepKernels;
}

export function createBlasEngine(options: BlasEngineOptions): TrainingEngine {
  const { kernels, ...engine } = options;
  return createDenseEngine({ engine, name: 'blas', products: createBlasProducts(), kernels: kernels ?? blasStepKernels() });
}
