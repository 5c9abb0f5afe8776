/**
 * Metrics and diagnostics of a network on a data set, computed from its activations: the
 * reconstruction error, dead rectifier units, the shape of the code, sparsity, and the samples a
 * result keeps for plots. Pure functions of arrays, shared by every engine and run kind.
 */
import { Dataset } from './data/idx';
import { TrainingEngine } from './engine/types';
import { FORWARD_SLICE_ROWS } from './engine/denseEngine';
import { addCrossEntropy, combineSquareSums, createSquareSums } from './losses';
import { LossName, NetworkSpec } from './spec';

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

/** What a network does on a set: its loss, MSE and dead units. */
export interface SetMetrics {
  loss: number;
  meanSquaredError: number;
  deadFraction: (number | null)[];
}

/** SetMetrics and every layer's activations. */
export interface SetEvaluation extends SetMetrics {
  activations: Float32Array[];
}

/**
 * Rows per slice of an evaluation: a multiple of the MSE's eight running sums (so that a set summed
 * slice by slice gives the bits of one pass) and the dense engine's own forward slices (so that
 * its products see the same shapes whether a set is evaluated here or forwarded whole).
 */
export const EVALUATION_SLICE_ROWS = FORWARD_SLICE_ROWS;

/**
 * The engine's current parameters on inputs against targets (default: the inputs), a slice of
 * EVALUATION_SLICE_ROWS rows at a time: each slice's reconstruction error and live units are taken
 * while its activations are still in cache. The activations go into `activations` (one array per
 * layer for the whole set) when given, else only into slice-sized buffers: an evaluation after
 * every epoch then never writes a test set's worth of activations to memory (47 MB for 10,000
 * digits of the bench's network) nor reads them back.
 */
export function evaluateInSlices(
  engine: TrainingEngine,
  network: NetworkSpec,
  loss: LossName,
  inputs: Float32Array,
  targets: Float32Array = inputs,
  activations?: Float32Array[],
): SetMetrics {
  const layers = network.layers;
  const inputSize = layers[0].inputSize;
  const outputSize = layers[layers.length - 1].outputSize;
  const count = inputs.length / inputSize;
  const valueCount = count * outputSize;
  if (targets.length < valueCount) throw new Error(`evaluateInSlices: ${valueCount} reconstructed values for ${targets.length} targets`);
  const sliceBuffers = activations ? null : activationBuffers(network, Math.min(count, EVALUATION_SLICE_ROWS));
  const squareSums = createSquareSums();
  let crossEntropySum = 0;
  const alive = layers.map((layer) => (layer.activation.name === 'relu' ? new Uint8Array(layer.outputSize) : null));
  for (let start = 0; start < count; start += EVALUATION_SLICE_ROWS) {
    const rows = Math.min(EVALUATION_SLICE_ROWS, count - start);
    const outputs = activations
      ? layers.map((layer, index) => activations[index].subarray(start * layer.outputSize, (start + rows) * layer.outputSize))
      : (sliceBuffers as Float32Array[]);
    engine.forward(inputs.subarray(start * inputSize, (start + rows) * inputSize), rows, outputs);
    const reconstructions = outputs[outputs.length - 1];
    const sliceTargets = targets.subarray(start * outputSize, (start + rows) * outputSize);
    engine.addSquaredErrors(reconstructions, sliceTargets, rows * outputSize, squareSums);
    if (loss !== 'mse') crossEntropySum = addCrossEntropy(reconstructions, sliceTargets, rows * outputSize, crossEntropySum);
    alive.forEach((flags, index) => flags && markLiveUnits(outputs[index], rows, flags));
  }
  const meanSquaredError = combineSquareSums(squareSums) / valueCount;
  return {
    // The MSE loss is the metric itself: one pass over the set, not two.
    loss: loss === 'mse' ? meanSquaredError : -crossEntropySum / valueCount,
    meanSquaredError,
    deadFraction: alive.map((flags) => (flags ? flags.reduce((dead, live) => dead + (live ? 0 : 1), 0) / flags.length : null)),
  };
}

/** Marks the units (columns) that output more than 0 for some row, checking only those not yet marked. */
function markLiveUnits(values: Float32Array, rows: number, alive: Uint8Array): void {
  const units = alive.length;
  for (let unit = 0; unit < units; unit++) {
    for (let row = 0; row < rows && !alive[unit]; row++) if (values[row * units + unit] > 0) alive[unit] = 1;
  }
}

/**
 * evaluateInSlices keeping every layer's activations of the whole set, in `activations` when given
 * (see TrainingEngine.forward), else in new arrays.
 */
export function evaluateOnSet(
  engine: TrainingEngine,
  network: NetworkSpec,
  loss: LossName,
  inputs: Float32Array,
  targets: Float32Array = inputs,
  activations?: Float32Array[],
): SetEvaluation {
  const outputs = activations ?? activationBuffers(network, inputs.length / network.layers[0].inputSize);
  return { ...evaluateInSlices(engine, network, loss, inputs, targets, outputs), activations: outputs };
}

/** One array per layer for a set of `count` examples, to pass to evaluateOnSet again and again. */
export function activationBuffers(network: NetworkSpec, count: number): Float32Array[] {
  return network.layers.map((layer) => new Float32Array(count * layer.outputSize));
}

/**
 * The first two principal components of row vectors [count × width] (power iteration on the
 * covariance, deflated), to draw a code wider than 2 in the plane. Deterministic: the iteration
 * starts from a fixed vector. Returns the projected points and each component's share of variance.
 */
export function principalComponents2(values: Float32Array, count: number, width: number): { points: [number, number][]; explainedVariance: [number, number] } {
  const means = new Float64Array(width);
  for (let row = 0; row < count; row++) for (let column = 0; column < width; column++) means[column] += values[row * width + column] / count;
  const covariance = new Float64Array(width * width);
  for (let row = 0; row < count; row++) {
    for (let first = 0; first < width; first++) {
      const a = values[row * width + first] - means[first];
      for (let second = 0; second < width; second++) covariance[first * width + second] += (a * (values[row * width + second] - means[second])) / count;
    }
  }
  let totalVariance = 0;
  for (let index = 0; index < width; index++) totalVariance += covariance[index * width + index];
  const components: Float64Array[] = [];
  const eigenvalues: number[] = [];
  for (let component = 0; component < 2; component++) {
    let vector = new Float64Array(width).map((_, index) => 1 / Math.sqrt(width) + index * 1e-3);
    let eigenvalue = 0;
    for (let iteration = 0; iteration < 500; iteration++) {
      const next = new Float64Array(width);
      for (let row = 0; row < width; row++) for (let column = 0; column < width; column++) next[row] += covariance[row * width + column] * vector[column];
      const norm = Math.hypot(...next);
      if (norm === 0) break;
      next.forEach((value, index) => (next[index] = value / norm));
      const change = next.reduce((total, value, index) => total + Math.abs(value - vector[index]), 0);
      vector = next;
      eigenvalue = norm;
      if (change < 1e-10) break;
    }
    components.push(vector);
    eigenvalues.push(eigenvalue);
    // Deflate: remove the found direction so that the next iteration finds the second one.
    for (let row = 0; row < width; row++) for (let column = 0; column < width; column++) covariance[row * width + column] -= eigenvalue * vector[row] * vector[column];
  }
  const points = Array.from({ length: count }, (_, row): [number, number] => {
    const project = (component: Float64Array): number => {
      let sum = 0;
      for (let column = 0; column < width; column++) sum += (values[row * width + column] - means[column]) * component[column];
      return sum;
    };
    return [project(components[0]), project(components[1])];
  });
  const share = (value: number): number => (totalVariance > 0 ? value / totalVariance : 0);
  return { points, explainedVariance: [share(eigenvalues[0]), share(eigenvalues[1])] };
}

/** Test-set samples kept with a result for plots: codes in the plane and a few reconstructions. */
export interface RunSamples {
  /** The code of the first CODE_SAMPLE_COUNT test examples as a point in the plane, with its label. */
  codes: { x: number; y: number; label: number }[];
  /**
   * How the points were made: the code itself when it has at most 2 dimensions, else its first two
   * principal components (with their share of the code's variance).
   */
  codeProjection: { kind: 'identity'; latentSize: number } | { kind: 'principalComponents'; latentSize: number; explainedVariance: [number, number] };
  /** The first test example of each class: its test index, the original and the reconstruction (rounded). */
  reconstructions: { index: number; label: number; original: number[]; reconstruction: number[] }[];
}

/** How many test codes a result keeps for the scatter plot (which draws at most this many per run). */
export const CODE_SAMPLE_COUNT = 500;

/** The samples a result keeps: see RunSamples. */
export function collectSamples(codes: Float32Array, latentSize: number, reconstructions: Float32Array, test: Dataset): RunSamples {
  const codeCount = Math.min(CODE_SAMPLE_COUNT, test.count);
  const round = (value: number): number => Math.round(value * 1e4) / 1e4;
  let points: [number, number][];
  let codeProjection: RunSamples['codeProjection'];
  if (latentSize <= 2) {
    points = Array.from({ length: codeCount }, (_, sample): [number, number] => [codes[sample * latentSize], latentSize > 1 ? codes[sample * latentSize + 1] : 0]);
    codeProjection = { kind: 'identity', latentSize };
  } else {
    const projection = principalComponents2(codes.subarray(0, codeCount * latentSize), codeCount, latentSize);
    points = projection.points;
    codeProjection = { kind: 'principalComponents', latentSize, explainedVariance: projection.explainedVariance.map((share) => Math.round(share * 1e4) / 1e4) as [number, number] };
  }
  const codePoints = points.map(([x, y], sample) => ({ x: round(x), y: round(y), label: test.labels[sample] }));
  const firstOfEachClass: RunSamples['reconstructions'] = [];
  const featureSize = test.featureSize;
  for (let label = 0; label < 10; label++) {
    const index = test.labels.indexOf(label);
    if (index < 0) continue;
    firstOfEachClass.push({
      index,
      label,
      original: roundedArray(test.images.subarray(index * featureSize, (index + 1) * featureSize), 3),
      reconstruction: roundedArray(reconstructions.subarray(index * featureSize, (index + 1) * featureSize), 3),
    });
  }
  return { codes: codePoints, codeProjection, reconstructions: firstOfEachClass };
}
