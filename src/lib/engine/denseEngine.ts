/**
 * The fast engine's design, shared by its native and WebAssembly forms: the whole MLP in plain
 * Float32Arrays, the matrix products behind MatrixProducts (OpenBLAS or WebAssembly SIMD), the
 * elementwise work behind StepKernels (TypeScript or native ports with the same bits), and the
 * optimizer one loop over a single flat parameter buffer. It computes the same objective as the
 * tfjs engine (tfjsEngine.ts), which is the reference it is tested against.
 *
 *   forward, per layer l:   Z_l = 1·b_lᵀ + A_{l−1}·W_l (+ noise)      A_l = f_l(Z_l)
 *   backward, from the top: dZ_l = dA_l ⊙ f_l'(Z_l)   db_l = dZ_lᵀ·1 (in the same pass where a port fuses them)
 *                           dW_l = A_{l−1}ᵀ·dZ_l   dA_{l−1} = dZ_l·W_lᵀ
 *
 * The gradient with respect to the network's input is never computed: nothing uses it.
 */
import { Parameters } from '../spec';
import { StepKernels } from './kernels';
import { MatrixProducts } from './matrixProducts';
import { createFlatOptimizer } from './optimizers';
import { Batch, EngineOptions, LossAndGradients, TrainingEngine } from './types';

/** Options of createDenseEngine. */
export interface DenseEngineOptions {
  engine: EngineOptions;
  /** The engine's name in results: 'blas', 'wasm'. */
  name: string;
  products: MatrixProducts;
  kernels: StepKernels;
}

/** Every buffer of one region (see MatrixProducts.allocateRegion), for up to `rows` rows a pass. */
interface Buffers {
  rows: number;
  /** Every layer's kernel then bias, in one flat buffer, so that the optimizer is a single loop. */
  parameters: Float32Array;
  /** The gradient, in the parameters' layout. */
  parameterGradients: Float32Array;
  /** The optimizer's state (moments, accumulators). */
  optimizerState: Float32Array;
  weights: Float32Array[];
  biases: Float32Array[];
  weightGradients: Float32Array[];
  biasGradients: Float32Array[];
  preActivations: Float32Array[];
  activations: Float32Array[];
  /** Gradient with respect to each layer's activations, turned in place into that of its pre-activations. */
  gradients: Float32Array[];
  /** Where batches are copied for products that read only their own memory; null otherwise. */
  staging: { inputs: Float32Array; targets: Float32Array; noise: Float32Array[] } | null;
}

export function createDenseEngine(options: DenseEngineOptions): TrainingEngine {
  const { products, kernels } = options;
  const { network, training } = options.engine;
  const layers = network.layers;
  const layerCount = layers.length;
  const inputSize = layers[0].inputSize;
  const outputSize = layers[layerCount - 1].outputSize;

  const weightOffsets: number[] = [];
  const biasOffsets: number[] = [];
  let parameterCount = 0;
  layers.forEach((layer, index) => {
    if (index > 0 && layer.inputSize !== layers[index - 1].outputSize) {
      throw new Error(`layer ${index}: inputSize ${layer.inputSize} does not match the previous outputSize ${layers[index - 1].outputSize}`);
    }
    weightOffsets.push(parameterCount);
    parameterCount += layer.inputSize * layer.outputSize;
    biasOffsets.push(parameterCount);
    parameterCount += layer.outputSize;
  });

  const optimizer = createFlatOptimizer({ spec: training.optimizer, parameterCount, updates: kernels.optimizerUpdates });

  /** A region for `rows` rows a pass; the parameters, their gradient and the optimizer's state carry over from `previous`. */
  const allocateBuffers = (rows: number, previous: Buffers | null): Buffers => {
    const layerLengths = layers.map((layer) => rows * layer.outputSize);
    const stagingLengths = products.readsAnyArray ? [] : [rows * inputSize, rows * outputSize, ...layerLengths];
    const region = products.allocateRegion(
      [parameterCount, parameterCount, optimizer.stateLength, ...layerLengths, ...layerLengths, ...layerLengths, ...stagingLengths], rows);
    const [parameters, parameterGradients, optimizerState] = region;
    const perLayer = (start: number) => region.slice(start, start + layerCount);
    const viewsOf = (buffer: Float32Array) => ({
      weights: layers.map((layer, index) => buffer.subarray(weightOffsets[index], weightOffsets[index] + layer.inputSize * layer.outputSize)),
      biases: layers.map((layer, index) => buffer.subarray(biasOffsets[index], biasOffsets[index] + layer.outputSize)),
    });
    const parameterViews = viewsOf(parameters);
    const gradientViews = viewsOf(parameterGradients);
    if (previous) {
      parameters.set(previous.parameters);
      parameterGradients.set(previous.parameterGradients);
      optimizerState.set(previous.optimizerState);
    } else {
      optimizer.initializeState(optimizerState);
    }
    const stagingStart = 3 + 3 * layerCount;
    return {
      rows,
      parameters,
      parameterGradients,
      optimizerState,
      weights: parameterViews.weights,
      biases: parameterViews.biases,
      weightGradients: gradientViews.weights,
      biasGradients: gradientViews.biases,
      preActivations: perLayer(3),
      activations: perLayer(3 + layerCount),
      gradients: perLayer(3 + 2 * layerCount),
      staging: products.readsAnyArray ? null : { inputs: region[stagingStart], targets: region[stagingStart + 1], noise: region.slice(stagingStart + 2) },
    };
  };

  let buffers = allocateBuffers(training.batchSize, null);
  layers.forEach((layer, index) => {
    const kernel = options.engine.initialParameters.weights[index];
    const bias = options.engine.initialParameters.biases[index];
    if (kernel.length !== layer.inputSize * layer.outputSize || bias.length !== layer.outputSize) {
      throw new Error(`initialParameters of layer ${index} have the wrong size for ${layer.inputSize}×${layer.outputSize}`);
    }
    buffers.weights[index].set(kernel);
    buffers.biases[index].set(bias);
  });
  /** The buffers, grown (with the parameters carried over) when a pass has more rows than they hold. */
  const buffersFor = (rows: number): Buffers => {
    if (rows > buffers.rows) buffers = allocateBuffers(rows, buffers);
    return buffers;
  };

  /**
   * Runs every layer on `inputs`, writing into the given buffers; noise is added before activation.
   * With `activateLast` false the last layer stops at its pre-activation (a training step's output
   * layer goes on in outputLayerLossAndGradient).
   */
  const forwardInto = (
    inputs: Float32Array, rows: number, preActivations: Float32Array[], activations: Float32Array[],
    noise?: (Float32Array | null)[], activateLast = true,
  ): void => {
    let current = inputs;
    for (let index = 0; index < layerCount; index++) {
      const layer = layers[index];
      const columns = layer.outputSize;
      const preActivation = preActivations[index];
      // Start from the bias in every row so that the product adds onto it.
      kernels.broadcastRows(buffers.biases[index], preActivation, rows);
      products.forward({ rows, inputSize: layer.inputSize, outputSize: columns }, current, buffers.weights[index], preActivation);
      const layerNoise = noise?.[index];
      if (layerNoise) {
        const count = rows * columns;
        for (let position = 0; position < count; position++) preActivation[position] += layerNoise[position];
      }
      if (activateLast || index < layerCount - 1) kernels.applyActivation(layer.activation, preActivation, activations[index], rows * columns);
      current = activations[index];
    }
  };

  /** The batch where the products can read it: itself, or copied into the staging buffers. */
  const readableBatch = (batch: Batch, current: Buffers): Batch => {
    if (!current.staging) return batch;
    const { staging } = current;
    const rows = batch.batchSize;
    staging.inputs.set(batch.inputs.subarray(0, rows * inputSize));
    const targets = batch.targets === batch.inputs ? staging.inputs : staging.targets;
    if (targets !== staging.inputs) targets.set(batch.targets.subarray(0, rows * outputSize));
    const preActivationNoise = batch.preActivationNoise?.map((noise, index) => {
      if (!noise) return null;
      const length = rows * layers[index].outputSize;
      staging.noise[index].set(noise.subarray(0, length));
      return staging.noise[index];
    });
    return { inputs: staging.inputs, targets, batchSize: rows, preActivationNoise };
  };

  /** Forward and backward pass: fills the parameter gradient and returns the objective's parts. */
  const computeGradients = (givenBatch: Batch): { loss: number; reconstructionLoss: number } => {
    const batchSize = givenBatch.batchSize;
    checkBatch(givenBatch, inputSize, outputSize, layers.map((layer) => layer.outputSize));
    const current = buffersFor(batchSize);
    const batch = readableBatch(givenBatch, current);
    const { preActivations, activations, gradients, weights, weightGradients, biasGradients } = current;
    forwardInto(batch.inputs, batchSize, preActivations, activations, batch.preActivationNoise, false);

    const last = layerCount - 1;
    const reconstructionLoss = kernels.outputLayerLossAndGradient(
      layers[last].activation, training.loss, preActivations[last], activations[last], batch.targets, gradients[last], batchSize * outputSize);
    let activationPenaltySum = 0;
    const activationPenalty = training.l1ActivationPenalty;
    for (let index = last; index >= 0; index--) {
      const layer = layers[index];
      const columns = layer.outputSize;
      const count = batchSize * columns;
      const gradient = gradients[index];
      if (activationPenalty > 0 && index < last) {
        // d/da |a| is taken as +1 for a > 0 and −1 otherwise, tfjs's choice at 0.
        const activation = activations[index];
        const step = activationPenalty / batchSize;
        for (let position = 0; position < count; position++) {
          const value = activation[position];
          activationPenaltySum += Math.abs(value);
          gradient[position] += value > 0 ? step : -step;
        }
      }
      // The output layer's derivative was applied with its loss's gradient.
      if (index < last) kernels.derivativeAndColumnSums(layer.activation, preActivations[index], activations[index], gradient, batchSize, biasGradients[index]);
      else kernels.sumColumns(gradient, batchSize, biasGradients[index]);
      const shape = { rows: batchSize, inputSize: layer.inputSize, outputSize: columns };
      products.weightGradient(shape, index === 0 ? batch.inputs : activations[index - 1], gradient, weightGradients[index]);
      if (index > 0) products.inputGradient(shape, gradient, weights[index], gradients[index - 1]);
    }

    let loss = reconstructionLoss + activationPenalty * activationPenaltySum / batchSize;
    const weightPenalty = training.l1WeightPenalty;
    if (weightPenalty > 0) {
      let weightSum = 0;
      for (let index = 0; index < layerCount; index++) {
        const kernel = weights[index];
        const kernelGradient = weightGradients[index];
        for (let position = 0; position < kernel.length; position++) {
          const value = kernel[position];
          weightSum += Math.abs(value);
          kernelGradient[position] += value > 0 ? weightPenalty : -weightPenalty;
        }
      }
      loss += weightPenalty * weightSum;
    }
    return { loss, reconstructionLoss };
  };

  /** The forward pass over a whole set, in slices of the workspace's rows (products with their own memory). */
  const forwardInSlices = (inputs: Float32Array, count: number, activations: Float32Array[]): void => {
    const current = buffers;
    const staging = current.staging as NonNullable<Buffers['staging']>;
    for (let start = 0; start < count; start += current.rows) {
      const rows = Math.min(current.rows, count - start);
      staging.inputs.set(inputs.subarray(start * inputSize, (start + rows) * inputSize));
      forwardInto(staging.inputs, rows, current.preActivations, current.activations);
      layers.forEach((layer, index) => {
        activations[index].set(current.activations[index].subarray(0, rows * layer.outputSize), start * layer.outputSize);
      });
    }
  };

  /**
   * The forward pass over a whole set straight into the outputs, FORWARD_SLICE_ROWS rows at a time:
   * the pre-activations need a slice's worth of scratch (2.4 MB for the bench's network, where a
   * 10,000-digit set at once needed 47 MB), and the products see the shapes that an evaluation in
   * slices gives them (evaluate.ts), so that both give the same bits.
   */
  const forwardDirectInSlices = (inputs: Float32Array, count: number, activations: Float32Array[]): void => {
    const sliceRows = Math.min(count, FORWARD_SLICE_ROWS);
    const preActivations = forwardPreActivations(sliceRows);
    for (let start = 0; start < count; start += sliceRows) {
      const rows = Math.min(sliceRows, count - start);
      const sliceActivations = layers.map((layer, index) => activations[index].subarray(start * layer.outputSize, (start + rows) * layer.outputSize));
      forwardInto(inputs.subarray(start * inputSize, (start + rows) * inputSize), rows, preActivations, sliceActivations);
    }
  };

  // Pre-activations of forward passes over whole sets, kept for the next pass: fresh memory every
  // epoch costs more in page faults than the products.
  let forwardScratch: Float32Array[] = [];
  const forwardPreActivations = (count: number): Float32Array[] => {
    if (!forwardScratch.length || forwardScratch[0].length < count * layers[0].outputSize) {
      forwardScratch = layers.map((layer) => new Float32Array(count * layer.outputSize));
    }
    return forwardScratch;
  };

  return {
    name: options.name,
    backend: products.backend,
    lossAndGradients(batch: Batch): LossAndGradients {
      const { loss, reconstructionLoss } = computeGradients(batch);
      return {
        loss,
        reconstructionLoss,
        weightGradients: buffers.weightGradients.map((gradient) => gradient.slice()),
        biasGradients: buffers.biasGradients.map((gradient) => gradient.slice()),
      };
    },
    trainStep(batch: Batch) {
      const result = computeGradients(batch);
      optimizer.step(buffers.parameters, buffers.parameterGradients, buffers.optimizerState);
      return result;
    },
    forward(inputs: Float32Array, count: number, outputs?: Float32Array[]): Float32Array[] {
      checkArray('inputs', inputs, count * inputSize);
      outputs?.forEach((output, index) => checkArray(`outputs[${index}]`, output, count * layers[index].outputSize));
      const activations = outputs ?? layers.map((layer) => new Float32Array(count * layer.outputSize));
      if (products.readsAnyArray) forwardDirectInSlices(inputs, count, activations);
      else forwardInSlices(inputs, count, activations);
      return activations;
    },
    addSquaredErrors(predictions: Float32Array, targets: Float32Array, count: number, sums: Float64Array): void {
      checkArray('predictions', predictions, count);
      checkArray('targets', targets, count);
      kernels.addSquaredErrors(predictions, targets, count, sums);
    },
    getParameters(): Parameters {
      return {
        weights: buffers.weights.map((kernel) => kernel.slice()),
        biases: buffers.biases.map((bias) => bias.slice()),
      };
    },
    dispose() {
      forwardScratch = [];
    },
  };
}

/**
 * Rows a forward pass over a whole set runs at a time where the products read any array (OpenBLAS
 * may sum a product of other shapes in another order, so this fixes the bits of a set's pass).
 */
export const FORWARD_SLICE_ROWS = 512;

/** The products read raw memory, so a short or non-float32 array must be refused before it gets there. */
function checkArray(field: string, array: unknown, minimumLength: number): void {
  if (!(array instanceof Float32Array)) throw new Error(`${field} must be a Float32Array`);
  if (array.length < minimumLength) throw new Error(`${field} has ${array.length} values, expected at least ${minimumLength}`);
}

function checkBatch(batch: Batch, inputSize: number, outputSize: number, layerSizes: number[]): void {
  if (!Number.isInteger(batch.batchSize) || batch.batchSize <= 0) throw new Error(`batchSize must be a positive integer, got ${batch.batchSize}`);
  checkArray('inputs', batch.inputs, batch.batchSize * inputSize);
  checkArray('targets', batch.targets, batch.batchSize * outputSize);
  batch.preActivationNoise?.forEach((noise, index) => {
    if (noise) checkArray(`preActivationNoise[${index}]`, noise, batch.batchSize * layerSizes[index]);
  });
}
