/**
 * Metrics and diagnostics computed from a network's activations on a data set: reconstruction
 * error, dead rectifier units, and the shape of the code. Pure functions of arrays, so they are
 * cheap to test and shared by every engine.
 */
import { LossName, NetworkSpec } from './spec';
import { CROSS_ENTROPY_EPSILON } from './engine/tfjsEngine';

/** Mean squared error over every value. */
export function meanSquaredError(predictions: Float32Array, targets: Float32Array): number {
  if (predictions.length !== targets.length) {
    throw new Error(`meanSquaredError: ${predictions.length} predictions for ${targets.length} targets`);
  }
  let sum = 0;
  for (let index = 0; index < predictions.length; index++) {
    const difference = predictions[index] - targets[index];
    sum += difference * difference;
  }
  return sum / predictions.length;
}

/** Binary cross-entropy averaged over every value, predictions clipped as in training. */
export function binaryCrossEntropy(predictions: Float32Array, targets: Float32Array): number {
  let sum = 0;
  for (let index = 0; index < predictions.length; index++) {
    const clipped = Math.min(Math.max(predictions[index], CROSS_ENTROPY_EPSILON), 1 - CROSS_ENTROPY_EPSILON);
    sum -= targets[index] * Math.log(clipped) + (1 - targets[index]) * Math.log(1 - clipped);
  }
  return sum / predictions.length;
}

/** The reconstruction loss named by a training spec. */
export function reconstructionLoss(loss: LossName, predictions: Float32Array, targets: Float32Array): number {
  return loss === 'mse' ? meanSquaredError(predictions, targets) : binaryCrossEntropy(predictions, targets);
}

/**
 * Per layer, the fraction of units whose output is zero for every sample: "dead" units of a
 * rectifier, which receive no gradient and never recover. For the output layer of a ReLU-output
 * autoencoder this is the fraction of pixels stuck at zero. Null for layers whose activation
 * cannot output an exact zero for all inputs (everything but relu).
 */
export function deadUnitFractions(network: NetworkSpec, activations: Float32Array[], count: number): (number | null)[] {
  return network.layers.map((layer, layerIndex) => {
    if (layer.activation.name !== 'relu') return null;
    const values = activations[layerIndex];
    const units = layer.outputSize;
    let dead = 0;
    for (let unit = 0; unit < units; unit++) {
      let alive = false;
      for (let sample = 0; sample < count && !alive; sample++) alive = values[sample * units + unit] > 0;
      if (!alive) dead++;
    }
    return dead / units;
  });
}

/** How the code (bottleneck) is spread: per-dimension standard deviation and all-zero codes. */
export interface CodeStatistics {
  /** Standard deviation of each code dimension over the samples. */
  standardDeviations: number[];
  /** Fraction of samples whose code is exactly zero in every dimension (a collapsed ReLU code). */
  zeroCodeFraction: number;
  /** Fraction of code dimensions with standard deviation below 1e-6 (collapsed dimensions). */
  collapsedDimensionFraction: number;
}

export function codeStatistics(codes: Float32Array, count: number, latentSize: number): CodeStatistics {
  const standardDeviations: number[] = [];
  for (let dimension = 0; dimension < latentSize; dimension++) {
    let sum = 0;
    let sumSquares = 0;
    for (let sample = 0; sample < count; sample++) {
      const value = codes[sample * latentSize + dimension];
      sum += value;
      sumSquares += value * value;
    }
    const mean = sum / count;
    standardDeviations.push(Math.sqrt(Math.max(0, sumSquares / count - mean * mean)));
  }
  let zeroCodes = 0;
  for (let sample = 0; sample < count; sample++) {
    let allZero = true;
    for (let dimension = 0; dimension < latentSize && allZero; dimension++) allZero = codes[sample * latentSize + dimension] === 0;
    if (allZero) zeroCodes++;
  }
  return {
    standardDeviations,
    zeroCodeFraction: zeroCodes / count,
    collapsedDimensionFraction: standardDeviations.filter((deviation) => deviation < 1e-6).length / latentSize,
  };
}

/** Fraction of exactly-zero values among the hidden (non-output) activations: sparsity. */
export function hiddenSparsity(network: NetworkSpec, activations: Float32Array[]): number {
  let zeros = 0;
  let total = 0;
  for (let layerIndex = 0; layerIndex < network.layers.length - 1; layerIndex++) {
    const values = activations[layerIndex];
    for (let index = 0; index < values.length; index++) if (values[index] === 0) zeros++;
    total += values.length;
  }
  return total === 0 ? 0 : zeros / total;
}

/** Rounds every value to `digits` decimals, for compact JSON of images and codes. */
export function roundedArray(values: ArrayLike<number>, digits = 4): number[] {
  const scale = 10 ** digits;
  return Array.from(values, (value) => Math.round(value * scale) / scale);
}
