/**
 * Chooses the training engine: the native BLAS engine when its optional native module loads,
 * otherwise the same design on WebAssembly SIMD (the wasm engine, which needs nothing built), and
 * the tfjs engine only when asked for (on tfjs-node when it loads, else the tfjs wasm backend;
 * never the slow cpu backend by accident). RELU_AE_ENGINE=auto|blas|wasm|tfjs forces a choice;
 * forcing an engine that cannot run is an error rather than a silent slowdown.
 *
 *   await prepareEngine()  → which engine, its backend initialized (asynchronous: wasm loads)
 *   createEngine(options, choice) → a TrainingEngine for one network
 */
import { initializeBackend } from '../backend';
import { EnginePreference, ENGINE_PREFERENCES, ENVIRONMENT_VARIABLES, readSettings } from '../settings';
import { SpecError } from '../specErrors';
import { blasAvailable, BLAS_THREADS, createBlasEngine } from './blasEngine';
import { createTfjsEngine } from './tfjsEngine';
import { EngineOptions, TrainingEngine } from './types';
import { createWasmEngine, wasmSimdAvailable, WASM_KERNEL_VERSION } from './wasmEngine';

export { blasAvailable, createBlasEngine } from './blasEngine';
export { createTfjsEngine } from './tfjsEngine';
export { createWasmEngine, wasmSimdAvailable } from './wasmEngine';
export type { Batch, EngineFactory, EngineOptions, LossAndGradients, TrainingEngine } from './types';

/** An engine ready to create: its name and what does its arithmetic. */
export interface EngineChoice {
  name: 'blas' | 'wasm' | 'tfjs';
  /** 'openblas' for blas, 'wasm-simd' for wasm; the tfjs backend ('wasm', 'tensorflow', 'cpu') for tfjs. */
  backend: string;
  /** Why the native engine is not used, when it is not. */
  fallbackReason?: string;
}

/** Validates an engine preference; undefined means RELU_AE_ENGINE's value, or auto. */
export function resolveEnginePreference(preference: string | undefined): EnginePreference {
  if (preference === undefined) return readSettings().engine;
  if (!(ENGINE_PREFERENCES as readonly string[]).includes(preference)) {
    throw new SpecError('engine', `unknown value ${JSON.stringify(preference)}; expected one of ${ENGINE_PREFERENCES.join(', ')}`);
  }
  return preference as EnginePreference;
}

/**
 * Decides the engine and initializes what it needs (the tfjs backend loads asynchronously), so
 * that createEngine can then run synchronously. `preference` defaults to RELU_AE_ENGINE.
 */
export async function prepareEngine(preference?: string): Promise<EngineChoice> {
  const wanted = resolveEnginePreference(preference);
  if (wanted === 'tfjs') return { name: 'tfjs', backend: await initializeBackend() };
  let nativeReason: string | undefined;
  if (wanted === 'auto' || wanted === 'blas') {
    const availability = blasAvailable();
    if (availability.available) return { name: 'blas', backend: 'openblas' };
    if (wanted === 'blas') {
      throw new SpecError(ENVIRONMENT_VARIABLES.engine, `blas was asked for, but the native engine cannot run: ${availability.reason}`);
    }
    nativeReason = availability.reason;
  }
  const simd = wasmSimdAvailable();
  if (simd.available) return { name: 'wasm', backend: 'wasm-simd', ...(nativeReason ? { fallbackReason: nativeReason } : {}) };
  if (wanted === 'wasm') throw new SpecError(ENVIRONMENT_VARIABLES.engine, `wasm was asked for, but it cannot run: ${simd.reason}`);
  return { name: 'tfjs', backend: await initializeBackend(), fallbackReason: `${nativeReason}; ${simd.reason}` };
}

/** The engine as recorded in cache keys: results of different engines differ in the last bits. */
export function engineIdentity(choice: EngineChoice): string {
  if (choice.name === 'blas') return `blas/openblas-${BLAS_THREADS}thread`;
  if (choice.name === 'wasm') return `wasm/simd128-v${WASM_KERNEL_VERSION}`;
  return `tfjs/${choice.backend}`;
}

/** Creates the chosen engine for one network; see prepareEngine. */
export function createEngine(options: EngineOptions, choice: EngineChoice): TrainingEngine {
  if (choice.name === 'blas') return createBlasEngine(options);
  if (choice.name === 'wasm') return createWasmEngine(options);
  return createTfjsEngine(options);
}
