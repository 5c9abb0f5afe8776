/**
 * The native ports of the step kernels (native/src/kernels.c), built from source when the package
 * installs where a C compiler is available (native/build.js) and optional everywhere else: when
 * the addon is missing, engines use the TypeScript kernels, which give the same bits. The ports
 * cover the activations whose arithmetic is IEEE-exact (relu, leaky ReLU, sigmoid, and every
 * derivative); elu, tanh and softplus call V8's Math functions and stay in TypeScript, as does the
 * cross-entropy (Math.log). Every optimizer's update loop is ported (native/src/optimizers.c), and
 * so are the fused passes (a sigmoid output layer with the MSE; a ReLU derivative with its bias
 * gradient), the column sums, the squared errors of an evaluation, and the gathering of a batch.
 */
import * as path from 'path';
import { findProjectRoot } from '../paths';
import { Activation, LossName } from '../spec';
import { derivativeThenColumnSums, outputLayerInSteps, TYPESCRIPT_KERNELS, StepKernels } from './kernels';
import type { RowGatherer } from './gather';
import { AdamUpdate, MomentumUpdate, ScaledUpdate, SgdUpdate } from './optimizers';

/** Where native/build.js leaves the addon, under the package's root. */
export const NATIVE_KERNELS_PATH = path.join('native', 'build', 'Release', 'relu_ae_kernels.node');

/** The addon's exports (native/src/binding.c). */
interface KernelsAddon {
  relu(preActivation: Float32Array, output: Float32Array, count: number): void;
  leakyRelu(preActivation: Float32Array, output: Float32Array, count: number, slope: number): void;
  sigmoid(preActivation: Float32Array, output: Float32Array, count: number): void;
  reluDerivative(preActivation: Float32Array, gradient: Float32Array, count: number): void;
  leakyReluDerivative(preActivation: Float32Array, gradient: Float32Array, count: number, slope: number): void;
  eluDerivative(preActivation: Float32Array, output: Float32Array, gradient: Float32Array, count: number, alpha: number): void;
  sigmoidDerivative(output: Float32Array, gradient: Float32Array, count: number): void;
  tanhDerivative(output: Float32Array, gradient: Float32Array, count: number): void;
  softplusDerivative(preActivation: Float32Array, gradient: Float32Array, count: number): void;
  meanSquaredErrorGradient(predictions: Float32Array, targets: Float32Array, gradient: Float32Array, count: number): number;
  addSquaredErrors(predictions: Float32Array, targets: Float32Array, count: number, sums: Float64Array): void;
  sigmoidSquaredErrorGradient(preActivation: Float32Array, targets: Float32Array, gradient: Float32Array, count: number): number;
  sumColumns(gradient: Float32Array, sums: Float32Array, rows: number, columns: number): void;
  reluDerivativeColumnSums(preActivation: Float32Array, gradient: Float32Array, sums: Float32Array, rows: number, columns: number): void;
  sgdStep: SgdUpdate;
  momentumStep: MomentumUpdate;
  rmspropStep: ScaledUpdate;
  adagradStep: ScaledUpdate;
  adamStep: AdamUpdate;
  broadcastRows(bias: Float32Array, output: Float32Array, rows: number, columns: number): void;
  gatherRows: RowGatherer;
}

type AddonLoad = { addon: KernelsAddon; reason?: undefined } | { addon: null; reason: string };

function loadAddon(): AddonLoad {
  const file = path.join(findProjectRoot(__dirname), NATIVE_KERNELS_PATH);
  try {
    // Required lazily: importing the library must work where the addon was never built.
    const addon = require(file) as KernelsAddon;
    // An addon built from an older checkout lacks the newer exports: then none of it is used.
    const missing = ['adamStep', 'sgdStep', 'momentumStep', 'rmspropStep', 'adagradStep', 'sigmoidSquaredErrorGradient', 'sumColumns', 'reluDerivativeColumnSums', 'gatherRows', 'addSquaredErrors'].filter((name) => typeof (addon as unknown as Record<string, unknown>)[name] !== 'function');
    if (missing.length > 0) return { addon: null, reason: `${file} has no ${missing.join(', ')} (rebuild it: npm run build:native)` };
    return { addon };
  } catch (error) {
    return { addon: null, reason: `native kernels did not load: ${(error as Error).message.split('\n')[0]}` };
  }
}

/** The native row gatherer (see gather.ts), or null where the addon did not build. */
export function loadNativeRowGatherer(): RowGatherer | null {
  return loadAddon().addon?.gatherRows ?? null;
}

/** The native kernels, or why they are unavailable (then TYPESCRIPT_KERNELS do the same work). */
export function loadNativeKernels(): { kernels: StepKernels; reason?: undefined } | { kernels: null; reason: string } {
  const load = loadAddon();
  if (!load.addon) return { kernels: null, reason: load.reason };
  const addon = load.addon;
  const kernels: StepKernels = {
    name: 'native',
    applyActivation(activation: Activation, preActivation: Float32Array, output: Float32Array, count: number) {
      switch (activation.name) {
        case 'relu':
          return addon.relu(preActivation, output, count);
        case 'leakyRelu':
          return addon.leakyRelu(preActivation, output, count, activation.slope);
        case 'sigmoid':
          return addon.sigmoid(preActivation, output, count);
        default:
          return TYPESCRIPT_KERNELS.applyActivation(activation, preActivation, output, count);
      }
    },
    multiplyByActivationDerivative(activation: Activation, preActivation: Float32Array, output: Float32Array, gradient: Float32Array, count: number) {
      switch (activation.name) {
        case 'relu':
          return addon.reluDerivative(preActivation, gradient, count);
        case 'leakyRelu':
          return addon.leakyReluDerivative(preActivation, gradient, count, activation.slope);
        case 'elu':
          return addon.eluDerivative(preActivation, output, gradient, count, activation.alpha);
        case 'sigmoid':
          return addon.sigmoidDerivative(output, gradient, count);
        case 'tanh':
          return addon.tanhDerivative(output, gradient, count);
        case 'softplus':
          return addon.softplusDerivative(preActivation, gradient, count);
        case 'linear':
          return;
      }
    },
    reconstructionLossAndGradient(loss: LossName, predictions: Float32Array, targets: Float32Array, gradient: Float32Array, count: number) {
      return loss === 'mse'
        ? addon.meanSquaredErrorGradient(predictions, targets, gradient, count)
        : TYPESCRIPT_KERNELS.reconstructionLossAndGradient(loss, predictions, targets, gradient, count);
    },
    outputLayerLossAndGradient(activation, loss, preActivation, output, targets, gradient, count) {
      if (activation.name === 'sigmoid' && loss === 'mse') return addon.sigmoidSquaredErrorGradient(preActivation, targets, gradient, count);
      return inSteps(activation, loss, preActivation, output, targets, gradient, count);
    },
    sumColumns(gradient, rows, sums) {
    addon.sumColumns(gradient, sums, rows, sums.length);
  },
  derivativeAndColumnSums(activation, preActivation, output, gradient, rows, sums) {
    if (activation.name === 'relu') return addon.reluDerivativeColumnSums(preActivation, gradient, sums, rows, sums.length);
    return derivativeAndSums(activation, preActivation, output, gradient, rows, sums);
  },
  addSquaredErrors: addon.addSquaredErrors,
  broadcastRows(bias: Float32Array, output: Float32Array, rows: number) {
      addon.broadcastRows(bias, output, rows, bias.length);
    },
    optimizerUpdates: { sgd: addon.sgdStep, momentum: addon.momentumStep, rmsprop: addon.rmspropStep, adagrad: addon.adagradStep, adam: addon.adamStep },
  };
  const inSteps = outputLayerInSteps(kernels);
  const derivativeAndSums = derivativeThenColumnSums(kernels);
  return { kernels };
}
