/**
 * tf.train's optimizers rewritten as single loops over one flat parameter buffer, for the native
 * (BLAS) engine. Each update rule copies tfjs's own (tfjs-core 4.x `*_optimizer.js`), including its
 * defaults and its form of Adam's bias correction, so that a run on the native engine follows the
 * same trajectory as one on the tfjs engine up to float rounding.
 */
import { OptimizerSpec } from '../spec';

/** tfjs's backend epsilon, which tf.train uses wherever an optimizer's epsilon is left unset. */
export const OPTIMIZER_EPSILON = 1e-7;
export const ADAM_BETA1 = 0.9;
export const ADAM_BETA2 = 0.999;
export const RMSPROP_DECAY = 0.9;
export const ADAGRAD_INITIAL_ACCUMULATOR = 0.1;

/**
 * An optimizer that updates a flat parameter buffer in place from a gradient of the same layout.
 * Its per-parameter state (moments, accumulators) is a buffer the caller owns, so that an engine
 * can keep it where its kernels read (a WebAssembly memory) and carry it over when it reallocates.
 */
export interface FlatOptimizer {
  /** Floats of state: 0, or a multiple of the parameter count. */
  readonly stateLength: number;
  /** Sets a new state buffer (stateLength floats) to the optimizer's initial state. */
  initializeState(state: Float32Array): void;
  step(parameters: Float32Array, gradients: Float32Array, state: Float32Array): void;
}

/** Options of createFlatOptimizer. */
export interface FlatOptimizerOptions {
  spec: OptimizerSpec;
  /** Length of the flat parameter buffer. */
  parameterCount: number;
  /** Adam's update loop: adamUpdate, or a port of it with the same bits (kernels.ts). */
  adamUpdate: AdamUpdate;
}

/** The optimizer described by a spec; a step allocates nothing. */
export function createFlatOptimizer(options: FlatOptimizerOptions): FlatOptimizer {
  const { spec, parameterCount } = options;
  const learningRate = spec.learningRate;
  const zeroState = (state: Float32Array) => state.fill(0);
  switch (spec.name) {
    case 'sgd':
      return {
        stateLength: 0,
        initializeState: zeroState,
        step(parameters, gradients) {
          for (let index = 0; index < parameterCount; index++) parameters[index] -= learningRate * gradients[index];
        },
      };
    case 'momentum': {
      // tfjs's form: the accumulator sums raw gradients and the learning rate scales it afterwards.
      const momentum = spec.momentum;
      return {
        stateLength: parameterCount,
        initializeState: zeroState,
        step(parameters, gradients, accumulation) {
          for (let index = 0; index < parameterCount; index++) {
            const accumulated = momentum * accumulation[index] + gradients[index];
            accumulation[index] = accumulated;
            parameters[index] -= learningRate * accumulated;
          }
        },
      };
    }
    case 'rmsprop':
      // tf.train.rmsprop(learningRate): decay 0.9, momentum 0, not centered, so the moment
      // accumulator is just the current scaled gradient and needs no buffer.
      return {
        stateLength: parameterCount,
        initializeState: zeroState,
        step(parameters, gradients, meanSquare) {
          for (let index = 0; index < parameterCount; index++) {
            const gradient = gradients[index];
            const square = RMSPROP_DECAY * meanSquare[index] + (1 - RMSPROP_DECAY) * gradient * gradient;
            meanSquare[index] = square;
            parameters[index] -= (learningRate * gradient) / Math.sqrt(square + OPTIMIZER_EPSILON);
          }
        },
      };
    case 'adagrad':
      return {
        stateLength: parameterCount,
        initializeState: (state) => state.fill(ADAGRAD_INITIAL_ACCUMULATOR),
        step(parameters, gradients, accumulated) {
          for (let index = 0; index < parameterCount; index++) {
            const gradient = gradients[index];
            const sum = accumulated[index] + gradient * gradient;
            accumulated[index] = sum;
            parameters[index] -= (learningRate * gradient) / Math.sqrt(sum + OPTIMIZER_EPSILON);
          }
        },
      };
    case 'adam':
      return createAdam(learningRate, parameterCount, options.adamUpdate);
  }
}

/**
 * One Adam update of `count` parameters in place, given the bias corrections 1 / (1 − βᵗ). It is
 * the definition that native/src/kernels.c ports; a test holds the two to the same bits.
 */
export type AdamUpdate = (
  parameters: Float32Array, gradients: Float32Array, firstMoment: Float32Array, secondMoment: Float32Array, count: number,
  learningRate: number, firstCorrection: number, secondCorrection: number,
) => void;

/** Adam's update loop as tfjs writes it: see createAdam. */
export const adamUpdate: AdamUpdate = (parameters, gradients, firstMoment, secondMoment, count, learningRate, firstCorrection, secondCorrection) => {
  for (let index = 0; index < count; index++) {
    const gradient = gradients[index];
    const first = ADAM_BETA1 * firstMoment[index] + (1 - ADAM_BETA1) * gradient;
    const second = ADAM_BETA2 * secondMoment[index] + (1 - ADAM_BETA2) * gradient * gradient;
    firstMoment[index] = first;
    secondMoment[index] = second;
    parameters[index] -= (learningRate * first * firstCorrection) / (Math.sqrt(second * secondCorrection) + OPTIMIZER_EPSILON);
  }
};

/**
 * Adam as tfjs writes it: the bias corrections divide the moments (m / (1 − β1ᵗ), v / (1 − β2ᵗ))
 * and epsilon is added after the square root. The running powers βᵗ are float32 variables in
 * tfjs, so they are rounded to float32 here too.
 */
function createAdam(learningRate: number, parameterCount: number, update: AdamUpdate): FlatOptimizer {
  let beta1Power = Math.fround(ADAM_BETA1);
  let beta2Power = Math.fround(ADAM_BETA2);
  return {
    // The first moments, then the second.
    stateLength: 2 * parameterCount,
    initializeState: (state) => state.fill(0),
    step(parameters, gradients, state) {
      const firstMoment = state.subarray(0, parameterCount);
      const secondMoment = state.subarray(parameterCount, 2 * parameterCount);
      update(parameters, gradients, firstMoment, secondMoment, parameterCount, learningRate, 1 / (1 - beta1Power), 1 / (1 - beta2Power));
      beta1Power = Math.fround(beta1Power * ADAM_BETA1);
      beta2Power = Math.fround(beta2Power * ADAM_BETA2);
    },
  };
}
