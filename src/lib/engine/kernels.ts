/**
 * The elementwise work of a training step (activations and their derivatives, the loss and its
 * gradient, the bias rows, the optimizers' updates) behind one interface, so that an engine runs on the
 * TypeScript loops of activations.ts, losses.ts and optimizers.ts or on their native ports
 * (nativeKernels.ts). The ports compute the same operations in the same order and give the same
 * bits, so which one ran is not part of an engine's identity.
 */
import { addSquaredErrors, reconstructionLossAndGradient } from '../losses';
import { Activation, LossName } from '../spec';
import { applyActivation, multiplyByActivationDerivative } from './activations';
import { OPTIMIZER_UPDATES, OptimizerUpdates } from './optimizers';

export interface StepKernels {
  /** 'typescript', or 'native' for the compiled ports. */
  readonly name: string;
  applyActivation(activation: Activation, preActivation: Float32Array, output: Float32Array, count: number): void;
  multiplyByActivationDerivative(activation: Activation, preActivation: Float32Array, output: Float32Array, gradient: Float32Array, count: number): void;
  reconstructionLossAndGradient(loss: LossName, predictions: Float32Array, targets: Float32Array, gradient: Float32Array, count: number): number;
  /**
   * The output layer's end of a step in one call: its activation (into `output`, whose contents are
   * unspecified afterwards: a port may skip storing them), the reconstruction loss and its gradient
   * (into `gradient`), and the activation's derivative applied to that gradient. Returns the loss.
   * Defined as the three kernels one after the other (outputLayerInSteps); a port may fuse them
   * into one pass with the same bits.
   */
  outputLayerLossAndGradient(
    activation: Activation, loss: LossName, preActivation: Float32Array, output: Float32Array, targets: Float32Array, gradient: Float32Array, count: number,
  ): number;
  /**
   * The bias gradient: `sums[j]` = Σ over the first `rows` rows of gradient[row][j] (row-major,
   * `sums.length` columns), one float32 running sum per column in row order from +0.
   */
  sumColumns(gradient: Float32Array, rows: number, sums: Float32Array): void;
  /**
   * multiplyByActivationDerivative over `rows` rows of `sums.length` columns, then sumColumns of
   * the result (a hidden layer's pre-activation gradient and its bias gradient). Defined as the two
   * one after the other (derivativeThenColumnSums); a port may fuse them into one pass.
   */
  derivativeAndColumnSums(activation: Activation, preActivation: Float32Array, output: Float32Array, gradient: Float32Array, rows: number, sums: Float32Array): void;
  /** losses.ts addSquaredErrors without a gradient: (p − t)² of the first `count` values into the eight running sums. */
  addSquaredErrors(predictions: Float32Array, targets: Float32Array, count: number, sums: Float64Array): void;
  /** Copies `bias` into each of the first `rows` rows of `output` (row-major, `bias.length` columns). */
  broadcastRows(bias: Float32Array, output: Float32Array, rows: number): void;
  /** Every optimizer's update loop. */
  optimizerUpdates: OptimizerUpdates;
}

/** outputLayerLossAndGradient as its definition: the three kernels of `kernels` one after the other. */
export function outputLayerInSteps(kernels: Pick<StepKernels, 'applyActivation' | 'reconstructionLossAndGradient' | 'multiplyByActivationDerivative'>): StepKernels['outputLayerLossAndGradient'] {
  return (activation, loss, preActivation, output, targets, gradient, count) => {
    kernels.applyActivation(activation, preActivation, output, count);
    const value = kernels.reconstructionLossAndGradient(loss, output, targets, gradient, count);
    kernels.multiplyByActivationDerivative(activation, preActivation, output, gradient, count);
    return value;
  };
}

/** derivativeAndColumnSums as its definition: the two kernels of `kernels` one after the other. */
export function derivativeThenColumnSums(kernels: Pick<StepKernels, 'multiplyByActivationDerivative' | 'sumColumns'>): StepKernels['derivativeAndColumnSums'] {
  return (activation, preActivation, output, gradient, rows, sums) => {
    kernels.multiplyByActivationDerivative(activation, preActivation, output, gradient, rows * sums.length);
    kernels.sumColumns(gradient, rows, sums);
  };
}

/** sumColumns's definition. */
function sumColumns(gradient: Float32Array, rows: number, sums: Float32Array): void {
  const columns = sums.length;
  sums.fill(0);
  for (let row = 0; row < rows; row++) {
    const offset = row * columns;
    for (let column = 0; column < columns; column++) sums[column] += gradient[offset + column];
  }
}

/** The reference kernels: the TypeScript definitions themselves. */
export const TYPESCRIPT_KERNELS: StepKernels = {
  name: 'typescript',
  applyActivation,
  multiplyByActivationDerivative,
  reconstructionLossAndGradient,
  outputLayerLossAndGradient: outputLayerInSteps({ applyActivation, reconstructionLossAndGradient, multiplyByActivationDerivative }),
  sumColumns,
  derivativeAndColumnSums: derivativeThenColumnSums({ multiplyByActivationDerivative, sumColumns }),
  addSquaredErrors: (predictions, targets, count, sums) => addSquaredErrors(predictions, targets, null, 0, count, sums),
  broadcastRows(bias, output, rows) {
    for (let row = 0; row < rows; row++) output.set(bias, row * bias.length);
  },
  optimizerUpdates: OPTIMIZER_UPDATES,
};
