/**
 * Chooses the TensorFlow.js backend: tfjs-node ('tensorflow') when it is installed and loads,
 * otherwise wasm, which always works because its binaries ship inside the npm package.
 * RELU_AE_BACKEND=wasm|cpu|tensorflow forces a choice (and fails loudly if it cannot be had).
 */
import * as tf from '@tensorflow/tfjs';

export const BACKEND_NAMES = ['tensorflow', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

/** The environment variable that forces a backend. */
export const BACKEND_ENVIRONMENT_VARIABLE = 'RELU_AE_BACKEND';

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
 * Initializes and returns the tfjs backend to use. `preference` (or the environment variable)
 * forces one; otherwise tensorflow if tfjs-node loads, else wasm.
 */
export async function initializeBackend(
  preference: string | undefined = process.env[BACKEND_ENVIRONMENT_VARIABLE],
): Promise<BackendName> {
  const wanted = preference === undefined || preference === '' ? 'auto' : preference;
  if (wanted !== 'auto' && !(BACKEND_NAMES as readonly string[]).includes(wanted)) {
    throw new Error(
      `${BACKEND_ENVIRONMENT_VARIABLE}: unknown backend ${JSON.stringify(wanted)}; expected one of auto, ${BACKEND_NAMES.join(', ')}`,
    );
  }
  if (wanted === 'tensorflow' || wanted === 'auto') {
    const failure = tryLoadTensorflowNode();
    if (failure === null && (await tf.setBackend('tensorflow'))) return 'tensorflow';
    if (wanted === 'tensorflow') {
      throw new Error(`${BACKEND_ENVIRONMENT_VARIABLE}=tensorflow, but @tensorflow/tfjs-node did not load: ${failure}`);
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
