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
  /** The update loops: OPTIMIZER_UPDATES, or ports of them with the same bits (kernels.ts). */
  updates: OptimizerUpdates;
}

/** The optimizer described by a spec; a step allocates nothing. */
export function createFlatOptimizer(options: FlatOptimizerOptions): FlatOptimizer {
  const { spec, parameterCount, updates } = options;
  const learningRate = spec.learningRate;
  const zeroState = (state: Float32Array) => state.fill(0);
  switch (spec.name) {
    case 'sgd':
      return {
        stateLength: 0,
        initializeState: zeroState,
        step: (parameters, gradients) => updates.sgd(parameters, gradients, parameterCount, learningRate),
      };
    case 'momentum': {
      const momentum = spec.momentum;
      return {
        stateLength: parameterCount,
        initializeState: zeroState,
        step: (parameters, gradients, accumulation) => updates.momentum(parameters, gradients, accumulation, parameterCount, learningRate, momentum),
      };
    }
    case 'rmsprop':
      return {
        stateLength: parameterCount,
        initializeState: zeroState,
        step: (parameters, gradients, meanSquare) => updates.rmsprop(parameters, gradients, meanSquare, parameterCount, learningRate),
      };
    case 'adagrad':
      return {
        stateLength: parameterCount,
        initializeState: (state) => state.fill(ADAGRAD_INITIAL_ACCUMULATOR),
        step: (parameters, gradients, accumulated) => updates.adagrad(parameters, gradients, accumulated, parameterCount, learningRate),
      };
    case 'adam':
      return createAdam(learningRate, parameterCount, updates.adam);
  }
}

/** One SGD update of `count` parameters in place. */
export type SgdUpdate = (parameters: Float32Array, gradients: Float32Array, count: number, learningRate: number) => void;
/** One momentum update of `count` parameters and their accumulation in place. */
export type MomentumUpdate = (
  parameters: Float32Array, gradients: Float32Array, accumulation: Float32Array, count: number, learningRate: number, momentum: number,
) => void;
/** One update of `count` parameters and one state value each (RMSprop's mean square, Adagrad's sum) in place. */
export type ScaledUpdate = (parameters: Float32Array, gradients: Float32Array, state: Float32Array, count: number, learningRate: number) => void;

/**
 * Every optimizer's update loop. OPTIMIZER_UPDATES are the definitions; native/src/optimizers.c
 * ports them, and a test holds each port to the same bits.
 */
export interface OptimizerUpdates {
  sgd: SgdUpdate;
  momentum: MomentumUpdate;
  rmsprop: ScaledUpdate;
  adagrad: ScaledUpdate;
  adam: AdamUpdate;
}

/**
 * One Adam update of `count` parameters in place, given the bias corrections 1 / (1 − βᵗ). It is
 * the definition that native/src/optimizers.c ports; a test holds the two to the same bits.
 */
export type AdamUpdate = (
  parameters: Float32Array, gradients: Float32Array, firstMoment: Float32Array, secondMoment: Float32Array, count: number,
  learningRate: number, firstCorrection: number, secondCorrection: number,
) => void;

/**
 * Adam's constants as float32 values, the precision its update runs in. The complements are taken
 * in double precision first, as tfjs takes `1 - beta` in JavaScript before making a float32 scalar.
 */
export const ADAM_FLOAT32_CONSTANTS = {
  beta1: Math.fround(ADAM_BETA1),
  oneMinusBeta1: Math.fround(1 - ADAM_BETA1),
  beta2: Math.fround(ADAM_BETA2),
  oneMinusBeta2: Math.fround(1 - ADAM_BETA2),
  epsilon: Math.fround(OPTIMIZER_EPSILON),
  /**
   * Moments smaller than this (2^−100) are set to 0. A moment that stops receiving gradient (a
   * weight of a pixel that is almost always blank) decays by β every step into float32's subnormal
   * range, where every operation on it costs a microcode assist of about a hundred cycles: after a
   * thousand steps of MNIST, Adam took five times as long. Below 2^−100 a moment moves its
   * parameter by less than 1e−21 per step, and the cut keeps every product of the update normal.
   */
  momentFloor: 2 ** -100,
} as const;

/**
 * Adam's update loop as tfjs writes it (see createAdam), in float32 arithmetic as tfjs's tensors
 * compute it: every operation rounds to float32. Math.fround after each +, −, ×, ÷ and √ gives
 * exactly the float32 operation's result (the exact result rounded to double and then to float32
 * is the exact result rounded to float32 for these operations, since double carries more than twice
 * float32's precision plus two bits), so a port in C or WebAssembly that computes in float32,
 * without fused multiply-adds, gives these bits. Float32 rather than double: the division and square
 * root per parameter run on twice as many lanes at a time and in fewer cycles.
 */
export const adamUpdate: AdamUpdate = (parameters, gradients, firstMoment, secondMoment, count, learningRate, firstCorrection, secondCorrection) => {
  const round = Math.fround;
  const { beta1, oneMinusBeta1, beta2, oneMinusBeta2, epsilon, momentFloor } = ADAM_FLOAT32_CONSTANTS;
  const rate = round(learningRate);
  const firstScale = round(firstCorrection);
  const secondScale = round(secondCorrection);
  for (let index = 0; index < count; index++) {
    const gradient = gradients[index];
    let first = round(round(beta1 * firstMoment[index]) + round(oneMinusBeta1 * gradient));
    let second = round(round(beta2 * secondMoment[index]) + round(round(oneMinusBeta2 * gradient) * gradient));
    first = Math.abs(first) < momentFloor ? 0 : first;
    second = second < momentFloor ? 0 : second;
    firstMoment[index] = first;
    secondMoment[index] = second;
    const step = round(round(round(rate * first) * firstScale) / round(round(Math.sqrt(round(second * secondScale))) + epsilon));
    parameters[index] = parameters[index] - step;
  }
};

/** The update loops as tf.train writes them. */
export const OPTIMIZER_UPDATES: OptimizerUpdates = {
  sgd(parameters, gradients, count, learningRate) {
    for (let index = 0; index < count; index++) parameters[index] -= learningRate * gradients[index];
  },
  // tfjs's form: the accumulator sums raw gradients and the learning rate scales it afterwards.
  momentum(parameters, gradients, accumulation, count, learningRate, momentum) {
    for (let index = 0; index < count; index++) {
      const accumulated = momentum * accumulation[index] + gradients[index];
      accumulation[index] = accumulated;
      parameters[index] -= learningRate * accumulated;
    }
  },
  // tf.train.rmsprop(learningRate): decay 0.9, momentum 0, not centered, so the moment
  // accumulator is just the current scaled gradient and needs no buffer.
  rmsprop(parameters, gradients, meanSquare, count, learningRate) {
    for (let index = 0; index < count; index++) {
      const gradient = gradients[index];
      const square = RMSPROP_DECAY * meanSquare[index] + (1 - RMSPROP_DECAY) * gradient * gradient;
      meanSquare[index] = square;
      parameters[index] -= (learningRate * gradient) / Math.sqrt(square + OPTIMIZER_EPSILON);
    }
  },
  adagrad(parameters, gradients, accumulated, count, learningRate) {
    for (let index = 0; index < count; index++) {
      const gradient = gradients[index];
      const sum = accumulated[index] + gradient * gradient;
      accumulated[index] = sum;
      parameters[index] -= (learningRate * gradient) / Math.sqrt(sum + OPTIMIZER_EPSILON);
    }
  },
  adam: adamUpdate,
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
