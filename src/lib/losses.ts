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

/**
 * The MSE's differences are float32 (as tfjs's subtraction of float32 tensors rounds them) and
 * square exactly in double precision, where they are summed in SQUARE_SUM_LANES running sums:
 * value i goes into sum i mod 8, in order, and the eight are added pairwise at the end
 * (combineSquareSums). One running sum would make every addition wait for the one before (about
 * 4 cycles each, the whole cost of the loss); eight independent ones fill a vector register, in C
 * and in WebAssembly alike, and give the same bits in every port because the order is this
 * definition's. The gradient is float32 too: difference × float32(scale).
 */
export const SQUARE_SUM_LANES = 8;

/** ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7)). */
export function combineSquareSums(sums: ArrayLike<number>): number {
  return ((sums[0] + sums[1]) + (sums[2] + sums[3])) + ((sums[4] + sums[5]) + (sums[6] + sums[7]));
}

/** Eight running sums at zero, for addSquaredErrors. */
export function createSquareSums(): Float64Array {
  return new Float64Array(SQUARE_SUM_LANES);
}

/** Mean squared error over every value, summed as SQUARE_SUM_LANES describes. */
export function meanSquaredError(predictions: Float32Array, targets: Float32Array, count = predictions.length): number {
  if (targets.length < count || predictions.length < count) {
    throw new Error(`meanSquaredError: ${predictions.length} predictions for ${targets.length} targets`);
  }
  const sums = createSquareSums();
  addSquaredErrors(predictions, targets, null, 0, count, sums);
  return combineSquareSums(sums) / count;
}

/**
 * The one definition of the MSE's sum and gradient: adds (p − t)² of the first `count` values into
 * the running sums as SQUARE_SUM_LANES describes, value i into sums[i mod 8]; when `gradient` is
 * given, also writes float32(scale)·(p − t) into it. A set summed in parts gives the bits of one
 * pass when every part but the last holds a multiple of eight values.
 */
export function addSquaredErrors(
  predictions: Float32Array, targets: Float32Array, gradient: Float32Array | null, scale: number, count: number, sums: Float64Array,
): void {
  const round = Math.fround;
  const gradientScale = round(scale);
  let sum0 = sums[0], sum1 = sums[1], sum2 = sums[2], sum3 = sums[3], sum4 = sums[4], sum5 = sums[5], sum6 = sums[6], sum7 = sums[7];
  const blocksEnd = count - (count % SQUARE_SUM_LANES);
  for (let position = 0; position < blocksEnd; position += SQUARE_SUM_LANES) {
    const d0 = round(predictions[position] - targets[position]);
    const d1 = round(predictions[position + 1] - targets[position + 1]);
    const d2 = round(predictions[position + 2] - targets[position + 2]);
    const d3 = round(predictions[position + 3] - targets[position + 3]);
    const d4 = round(predictions[position + 4] - targets[position + 4]);
    const d5 = round(predictions[position + 5] - targets[position + 5]);
    const d6 = round(predictions[position + 6] - targets[position + 6]);
    const d7 = round(predictions[position + 7] - targets[position + 7]);
    if (gradient) {
      gradient[position] = gradientScale * d0;
      gradient[position + 1] = gradientScale * d1;
      gradient[position + 2] = gradientScale * d2;
      gradient[position + 3] = gradientScale * d3;
      gradient[position + 4] = gradientScale * d4;
      gradient[position + 5] = gradientScale * d5;
      gradient[position + 6] = gradientScale * d6;
      gradient[position + 7] = gradientScale * d7;
    }
    sum0 += d0 * d0; sum1 += d1 * d1; sum2 += d2 * d2; sum3 += d3 * d3;
    sum4 += d4 * d4; sum5 += d5 * d5; sum6 += d6 * d6; sum7 += d7 * d7;
  }
  sums.set([sum0, sum1, sum2, sum3, sum4, sum5, sum6, sum7]);
  for (let position = blocksEnd; position < count; position++) {
    const difference = round(predictions[position] - targets[position]);
    if (gradient) gradient[position] = gradientScale * difference;
    sums[position - blocksEnd] += difference * difference;
  }
}

/** Binary cross-entropy averaged over every value, predictions clipped to [ε, 1 − ε]. */
export function binaryCrossEntropy(predictions: Float32Array, targets: Float32Array, count = predictions.length): number {
  return -addCrossEntropy(predictions, targets, count, 0) / count;
}

/**
 * The cross-entropy's running sum of t·log(p) + (1 − t)·log(1 − p) over the first `count` values,
 * continued from `sum`: a set summed in parts gives the bits of one pass.
 */
export function addCrossEntropy(predictions: Float32Array, targets: Float32Array, count: number, sum: number): number {
  for (let index = 0; index < count; index++) {
    const value = predictions[index];
    const target = targets[index];
    const clipped = value < CROSS_ENTROPY_EPSILON ? CROSS_ENTROPY_EPSILON : value > CROSS_ENTROPY_UPPER ? CROSS_ENTROPY_UPPER : value;
    sum += target * Math.log(clipped) + (1 - target) * Math.log(1 - clipped);
  }
  return sum;
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
  if (loss === 'mse') {
    const sums = createSquareSums();
    addSquaredErrors(predictions, targets, gradient, 2 / count, count, sums);
    return combineSquareSums(sums) / count;
  }
  let sum = 0;
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
