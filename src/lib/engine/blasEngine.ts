/**
 * The native fast engine: the whole MLP in plain Float32Arrays, every matrix product an OpenBLAS
 * sgemm through the optional `nblas` bindings, elementwise work in hand-written loops, and the
 * optimizer one loop over a single flat parameter buffer. It computes the same objective as the
 * tfjs engine (see tfjsEngine.ts), which is the reference it is tested against.
 *
 *   forward, per layer l:   Z_l = 1·b_lᵀ + A_{l−1}·W_l (+ noise)      A_l = f_l(Z_l)
 *   backward, from the top: dZ_l = dA_l ⊙ f_l'(Z_l)
 *                           dW_l = A_{l−1}ᵀ·dZ_l   db_l = dZ_lᵀ·1   dA_{l−1} = dZ_l·W_lᵀ
 *
 * Transposes are never materialized: sgemm's Trans flags read the row-major buffers as they are.
 * OpenBLAS runs on one thread in every process (BLAS_THREADS), so a run's numbers do not depend on
 * whether it ran in a notebook's own process or in a sweep's worker.
 */
import { reconstructionLossAndGradient } from '../losses';
import { Parameters } from '../spec';
import { applyActivation, multiplyByActivationDerivative } from './activations';
import { createFlatOptimizer } from './optimizers';
import { Batch, EngineOptions, LossAndGradients, TrainingEngine } from './types';

/** The part of nblas this engine uses (row-major CBLAS). */
interface NativeBlas {
  NoTrans: number;
  Trans: number;
  sgemm(
    transA: number, transB: number, rows: number, columns: number, inner: number, alpha: number,
    a: Float32Array, leadingA: number, b: Float32Array, leadingB: number, beta: number, c: Float32Array, leadingC: number,
  ): void;
  sgemv(
    trans: number, rows: number, columns: number, alpha: number, a: Float32Array, leadingA: number,
    x: Float32Array, strideX: number, beta: number, y: Float32Array, strideY: number,
  ): void;
}

/** OpenBLAS threads per process: always one (see loadBlas); part of the engine's identity. */
export const BLAS_THREADS = 1;

type BlasLoad = { blas: NativeBlas; reason?: undefined } | { blas: null; reason: string };

/** Loads nblas; it is an optional dependency whose native build can be missing or broken. */
function loadBlas(): BlasLoad {
  try {
    // OpenBLAS reads its thread count when the native module loads. One thread everywhere: a
    // matrix product split over two threads sums in another order, so the same run in this
    // process and in a one-thread worker would otherwise differ in the last bits.
    process.env.OPENBLAS_NUM_THREADS = String(BLAS_THREADS);
    // Required lazily so that merely importing the library never touches the native module.
    const blas = require('nblas') as NativeBlas;
    if (typeof blas.sgemm !== 'function' || typeof blas.sgemv !== 'function') {
      return { blas: null, reason: 'nblas loaded but has no sgemm/sgemv' };
    }
    return { blas };
  } catch (error) {
    return { blas: null, reason: `nblas did not load: ${(error as Error).message.split('\n')[0]}` };
  }
}

/** Whether the native engine can run here, and if not, why. */
export function blasAvailable(): { available: boolean; reason?: string } {
  const load = loadBlas();
  return load.blas ? { available: true } : { available: false, reason: load.reason };
}

/** Buffers for one batch size, allocated once so that a training step allocates nothing. */
interface Workspace {
  preActivations: Float32Array[];
  activations: Float32Array[];
  /** Gradient with respect to each layer's activations, turned in place into that of its pre-activations. */
  gradients: Float32Array[];
  ones: Float32Array;
}

/** How many batch sizes keep their buffers; an epoch's last, shorter batch is the usual second. */
const MAX_CACHED_WORKSPACES = 4;

export function createBlasEngine(options: EngineOptions): TrainingEngine {
  const load = loadBlas();
  if (!load.blas) throw new Error(`the blas engine is unavailable: ${load.reason}`);
  const blas = load.blas;
  const { network, training } = options;
  const layers = network.layers;
  const layerCount = layers.length;
  const inputSize = layers[0].inputSize;
  const outputSize = layers[layerCount - 1].outputSize;

  // One flat buffer holds every layer's kernel then bias, so that the optimizer is a single loop;
  // the per-layer arrays are views into it. The gradient buffer has the same layout.
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
  const parameters = new Float32Array(parameterCount);
  const parameterGradients = new Float32Array(parameterCount);
  const viewsOf = (buffer: Float32Array) => ({
    weights: layers.map((layer, index) => buffer.subarray(weightOffsets[index], weightOffsets[index] + layer.inputSize * layer.outputSize)),
    biases: layers.map((layer, index) => buffer.subarray(biasOffsets[index], biasOffsets[index] + layer.outputSize)),
  });
  const parameterViews = viewsOf(parameters);
  const gradientViews = viewsOf(parameterGradients);
  layers.forEach((layer, index) => {
    const kernel = options.initialParameters.weights[index];
    const bias = options.initialParameters.biases[index];
    if (kernel.length !== layer.inputSize * layer.outputSize || bias.length !== layer.outputSize) {
      throw new Error(`initialParameters of layer ${index} have the wrong size for ${layer.inputSize}×${layer.outputSize}`);
    }
    parameterViews.weights[index].set(kernel);
    parameterViews.biases[index].set(bias);
  });
  const optimizer = createFlatOptimizer({ spec: training.optimizer, parameterCount });

  const workspaces = new Map<number, Workspace>();
  const workspaceFor = (batchSize: number): Workspace => {
    let workspace = workspaces.get(batchSize);
    if (!workspace) {
      if (workspaces.size >= MAX_CACHED_WORKSPACES) workspaces.clear();
      workspace = {
        preActivations: layers.map((layer) => new Float32Array(batchSize * layer.outputSize)),
        activations: layers.map((layer) => new Float32Array(batchSize * layer.outputSize)),
        gradients: layers.map((layer) => new Float32Array(batchSize * layer.outputSize)),
        ones: new Float32Array(batchSize).fill(1),
      };
      workspaces.set(batchSize, workspace);
    }
    return workspace;
  };

  /** Runs every layer on `inputs`, writing into the given buffers; noise is added before activation. */
  const forwardInto = (
    inputs: Float32Array, batchSize: number, preActivations: Float32Array[], activations: Float32Array[],
    noise?: (Float32Array | null)[],
  ): void => {
    let current = inputs;
    for (let index = 0; index < layerCount; index++) {
      const layer = layers[index];
      const columns = layer.outputSize;
      const preActivation = preActivations[index];
      // Start from the bias in every row so that sgemm's beta = 1 adds the product onto it.
      const bias = parameterViews.biases[index];
      for (let row = 0; row < batchSize; row++) preActivation.set(bias, row * columns);
      blas.sgemm(blas.NoTrans, blas.NoTrans, batchSize, columns, layer.inputSize, 1, current, layer.inputSize,
        parameterViews.weights[index], columns, 1, preActivation, columns);
      const layerNoise = noise?.[index];
      if (layerNoise) {
        const count = batchSize * columns;
        for (let position = 0; position < count; position++) preActivation[position] += layerNoise[position];
      }
      applyActivation(layer.activation, preActivation, activations[index], batchSize * columns);
      current = activations[index];
    }
  };

  /** Forward and backward pass: fills parameterGradients and returns the objective's parts. */
  const computeGradients = (batch: Batch): { loss: number; reconstructionLoss: number } => {
    const batchSize = batch.batchSize;
    checkBatch(batch, inputSize, outputSize, layers.map((layer) => layer.outputSize));
    const workspace = workspaceFor(batchSize);
    const { preActivations, activations, gradients } = workspace;
    forwardInto(batch.inputs, batchSize, preActivations, activations, batch.preActivationNoise);

    const last = layerCount - 1;
    const reconstructionLoss = reconstructionLossAndGradient(training.loss, activations[last], batch.targets, gradients[last], batchSize * outputSize);
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
      multiplyByActivationDerivative(layer.activation, preActivations[index], activations[index], gradient, count);
      const layerInputs = index === 0 ? batch.inputs : activations[index - 1];
      blas.sgemm(blas.Trans, blas.NoTrans, layer.inputSize, columns, batchSize, 1, layerInputs, layer.inputSize,
        gradient, columns, 0, gradientViews.weights[index], columns);
      blas.sgemv(blas.Trans, batchSize, columns, 1, gradient, columns, workspace.ones, 1, 0, gradientViews.biases[index], 1);
      if (index > 0) {
        blas.sgemm(blas.NoTrans, blas.Trans, batchSize, layer.inputSize, columns, 1, gradient, columns,
          parameterViews.weights[index], columns, 0, gradients[index - 1], layer.inputSize);
      }
    }

    let loss = reconstructionLoss + activationPenalty * activationPenaltySum / batchSize;
    const weightPenalty = training.l1WeightPenalty;
    if (weightPenalty > 0) {
      let weightSum = 0;
      for (let index = 0; index < layerCount; index++) {
        const kernel = parameterViews.weights[index];
        const kernelGradient = gradientViews.weights[index];
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

  return {
    name: 'blas',
    backend: 'openblas',
    lossAndGradients(batch: Batch): LossAndGradients {
      const { loss, reconstructionLoss } = computeGradients(batch);
      return {
        loss,
        reconstructionLoss,
        weightGradients: gradientViews.weights.map((gradient) => gradient.slice()),
        biasGradients: gradientViews.biases.map((gradient) => gradient.slice()),
      };
    },
    trainStep(batch: Batch) {
      const result = computeGradients(batch);
      optimizer.step(parameters, parameterGradients);
      return result;
    },
    forward(inputs: Float32Array, count: number): Float32Array[] {
      checkArray('inputs', inputs, count * inputSize);
      const preActivations = layers.map((layer) => new Float32Array(count * layer.outputSize));
      const activations = layers.map((layer) => new Float32Array(count * layer.outputSize));
      forwardInto(inputs, count, preActivations, activations);
      return activations;
    },
    getParameters(): Parameters {
      return {
        weights: parameterViews.weights.map((kernel) => kernel.slice()),
        biases: parameterViews.biases.map((bias) => bias.slice()),
      };
    },
    dispose() {
      workspaces.clear();
    },
  };
}

/** sgemm reads raw memory, so a short or non-float32 array must be refused before it gets there. */
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
