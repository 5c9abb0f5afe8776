/**
 * The reconstruction losses, defined once: every engine's training objective and every evaluation
 * use these definitions (the tfjs engine writes the same formulas with tensor ops, tested equal).
 * Both are means over every output value of a batch.
 */
import { LossName } from './spec';

/** Clipping of predictions inside the cross-entropy, as Keras's epsilon. */
export const CROSS_ENTROPY_EPSILON = 1e-7;
/** The upper clip bound, rounded to float32 as tfjs's is (its clip runs on float32 tensors). */
const CROSS_ENTROPY_UPPER = Math.fround(1 - CROSS_ENTROPY_EPSILON);

/** Mean squared error over every value. */
export function meanSquaredError(predictions: Float32Array, targets: Float32Array, count = predictions.length): number {
  if (targets.length < count || predictions.length < count) {
    throw new Error(`meanSquaredError: ${predictions.length} predictions for ${targets.length} targets`);
  }
  let sum = 0;
  for (let index = 0; index < count; index++) {
    const difference = predictions[index] - targets[index];
    sum += difference * difference;
  }
  return sum / count;
}

/** Binary cross-entropy averaged over every value, predictions clipped to [ε, 1 − ε]. */
export function binaryCrossEntropy(predictions: Float32Array, targets: Float32Array, count = predictions.length): number {
  let sum = 0;
  for (let index = 0; index < count; index++) {
    const value = predictions[index];
    const target = targets[index];
    const clipped = value < CROSS_ENTROPY_EPSILON ? CROSS_ENTROPY_EPSILON : value > CROSS_ENTROPY_UPPER ? CROSS_ENTROPY_UPPER : value;
    sum += target * Math.log(clipped) + (1 - target) * Math.log(1 - clipped);
  }
  return -sum / count;
}

/** The reconstruction loss named by a training spec. */
export function reconstructionLoss(loss: LossName, predictions: Float32Array, targets: Float32Array, count = predictions.length): number {
  return loss === 'mse' ? meanSquaredError(predictions, targets, count) : binaryCrossEntropy(predictions, targets, count);
}

/**
 * The loss of `count` predictions and its gradient with respect to them, written into `gradient`.
 * The cross-entropy's clip passes no gradient outside its range, as tfjs's clipByValue does.
 */
export function reconstructionLossAndGradient(
  loss: LossName, predictions: Float32Array, targets: Float32Array, gradient: Float32Array, count: number,
): number {
  let sum = 0;
  if (loss === 'mse') {
    const scale = 2 / count;
    for (let position = 0; position < count; position++) {
      const difference = predictions[position] - targets[position];
      sum += difference * difference;
      gradient[position] = scale * difference;
    }
    return sum / count;
  }
  const scale = -1 / count;
  for (let position = 0; position < count; position++) {
    const value = predictions[position];
    const target = targets[position];
    const clipped = value < CROSS_ENTROPY_EPSILON ? CROSS_ENTROPY_EPSILON : value > CROSS_ENTROPY_UPPER ? CROSS_ENTROPY_UPPER : value;
    sum += target * Math.log(clipped) + (1 - target) * Math.log(1 - clipped);
    gradient[position] = value >= CROSS_ENTROPY_EPSILON && value <= CROSS_ENTROPY_UPPER ? scale * (target / clipped - (1 - target) / (1 - clipped)) : 0;
  }
  return -sum / count;
}
