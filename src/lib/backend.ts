/**
 * Chooses the TensorFlow.js backend: tfjs-node ('tensorflow') when it is installed and loads,
 * otherwise wasm, which always works because its binaries ship inside the npm package. Never the
 * slow cpu backend unless asked for: tfjs falls back to it silently when an asynchronous backend
 * (wasm) has not been initialized, so every path that trains on tfjs awaits initializeBackend first.
 * RELU_AE_BACKEND=wasm|cpu|tensorflow forces a choice (and fails loudly if it cannot be had).
 */
import * as tf from '@tensorflow/tfjs';
import { BackendPreference, BACKEND_PREFERENCES, ENVIRONMENT_VARIABLES, readSettings } from './settings';
import { SpecError } from './specErrors';

export type BackendName = Exclude<BackendPreference, 'auto'>;

function tryLoadTensorflowNode(): string | null {
  try {
    // Loaded lazily: it is an optional dependency and is absent wherever libtensorflow could not be fetched.
    require('@tensorflow/tfjs-node');
    return null;
  } catch (error) {
    return (error as Error).message.split('\n')[0];
  }
}

/**
 * Initializes and returns the tfjs backend to use. `preference` (default RELU_AE_BACKEND, else
 * auto) forces one; auto is tensorflow if tfjs-node loads, else wasm. Calling it again with the
 * same preference is cheap.
 */
export async function initializeBackend(preference?: string): Promise<BackendName> {
  const wanted: BackendPreference = preference === undefined ? readSettings().backend : (preference as BackendPreference);
  if (!(BACKEND_PREFERENCES as readonly string[]).includes(wanted)) {
    throw new SpecError(ENVIRONMENT_VARIABLES.backend, `unknown value ${JSON.stringify(wanted)}; expected one of ${BACKEND_PREFERENCES.join(', ')}`);
  }
  if (wanted === 'tensorflow' || wanted === 'auto') {
    const failure = tryLoadTensorflowNode();
    if (failure === null && (await tf.setBackend('tensorflow'))) return 'tensorflow';
    if (wanted === 'tensorflow') {
      throw new SpecError(ENVIRONMENT_VARIABLES.backend, `tensorflow was asked for, but @tensorflow/tfjs-node did not load: ${failure}`);
    }
  }
  if (wanted === 'wasm' || wanted === 'auto') {
    require('@tensorflow/tfjs-backend-wasm');
    if (await tf.setBackend('wasm')) return 'wasm';
    throw new Error('the wasm backend failed to initialize');
  }
  await tf.setBackend('cpu');
  return 'cpu';
}

/** The backend tfjs is using now. */
export function currentBackend(): string {
  return tf.getBackend();
}
