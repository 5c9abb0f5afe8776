/**
 * `relu-ae-lab/tfjs`: the parts of the library whose types are TensorFlow.js's — a trained network
 * as a tf.Sequential, and the library's activations, optimizers and losses as tfjs ops. Kept out of
 * the main entry so that a project compiling against relu-ae-lab never type-checks tfjs's own files.
 */
export { buildTfModel, SpecActivationLayer } from './layers';
export { applyActivationTensor, createTfOptimizer, reconstructionLossTensor } from './ops';
export { initializeBackend, currentBackend } from '../backend';
