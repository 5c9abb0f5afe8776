/**
 * Chooses the training engine: the native BLAS engine when its optional native module loads,
 * otherwise the tfjs engine on whichever tfjs backend is active. RELU_AE_ENGINE=blas|tfjs|auto
 * forces a choice; forcing blas where it cannot load is an error rather than a silent slowdown.
 *
 * OpenBLAS fixes its thread count when it loads, so a process that should stay on one core (a
 * sweep worker, a benchmark) needs OPENBLAS_NUM_THREADS=1 in its environment before the first
 * engine is created.
 */
import { blasAvailable, createBlasEngine } from './blasEngine';
import { createTfjsEngine } from './tfjsEngine';
import { EngineOptions, TrainingEngine } from './types';

export { blasAvailable, createBlasEngine } from './blasEngine';
export { createTfjsEngine } from './tfjsEngine';
export type { Batch, EngineFactory, EngineOptions, LossAndGradients, TrainingEngine } from './types';

export const ENGINE_NAMES = ['auto', 'blas', 'tfjs'] as const;
export type EnginePreference = (typeof ENGINE_NAMES)[number];

/** The environment variable that forces an engine. */
export const ENGINE_ENVIRONMENT_VARIABLE = 'RELU_AE_ENGINE';

/**
 * Whether this process has already said that it fell back to tfjs. Process-wide on purpose: the
 * native module's absence is a fact about the process, and one line on stderr is enough.
 */
const fallbackReported = { done: false };

/** Validates an engine preference; undefined or empty means auto. */
export function resolveEnginePreference(preference: string | undefined): EnginePreference {
  const wanted = preference === undefined || preference === '' ? 'auto' : preference;
  if (!(ENGINE_NAMES as readonly string[]).includes(wanted)) {
    throw new Error(
      `${ENGINE_ENVIRONMENT_VARIABLE}: unknown engine ${JSON.stringify(wanted)}; expected one of ${ENGINE_NAMES.join(', ')}`,
    );
  }
  return wanted as EnginePreference;
}

/**
 * Creates the engine to train with. `preference` defaults to the RELU_AE_ENGINE environment
 * variable: 'blas' (native, fails if nblas does not load), 'tfjs' (the active tfjs backend), or
 * 'auto' (blas when available, else tfjs). The returned engine's `name` and `backend` always say
 * which path runs, and an automatic fallback to tfjs is reported once on stderr.
 */
export function createEngine(options: EngineOptions, preference: string | undefined = process.env[ENGINE_ENVIRONMENT_VARIABLE]): TrainingEngine {
  const wanted = resolveEnginePreference(preference);
  if (wanted === 'tfjs') return createTfjsEngine(options);
  const availability = blasAvailable();
  if (availability.available) return createBlasEngine(options);
  if (wanted === 'blas') {
    throw new Error(`${ENGINE_ENVIRONMENT_VARIABLE}=blas, but the native engine cannot run: ${availability.reason}`);
  }
  const engine = createTfjsEngine(options);
  if (!fallbackReported.done) {
    fallbackReported.done = true;
    process.stderr.write(`relu-ae-lab: native blas engine unavailable (${availability.reason}); training with tfjs on ${engine.backend}\n`);
  }
  return engine;
}
