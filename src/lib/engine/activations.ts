/**
 * Elementwise activation functions and their derivatives on flat Float32Arrays, for the native
 * (BLAS) engine. Each function dispatches on the activation once and then runs one tight loop, so
 * the hot loops stay monomorphic. The derivatives follow tfjs's gradient definitions exactly
 * (including the value chosen at kinks), because the tfjs engine is the reference these are
 * checked against.
 */
import { Activation } from '../spec';

/*
 * A fast logistic function. V8's Math.exp is a scalar software routine costing about 10 ns, and the
 * output layer of a 784-wide autoencoder evaluates it 100,000 times per batch of 128, which made it
 * the largest elementwise cost of a step. The exponential below reduces its argument to
 * r = x − k·ln2 with |r| ≤ ln2/2, evaluates the degree-8 Taylor polynomial of e^r (relative error
 * below 3e-10, far under float32's 6e-8 resolution, so results match Math.exp's after rounding to
 * float32 almost always and never by more than one unit in the last place) and scales by 2^k from a
 * table. It costs about 4.5 ns.
 */
const EXPONENT_TABLE_OFFSET = 160;
/** 2^k for k in [−160, 160]; the argument clamp below keeps k inside. */
const POWERS_OF_TWO = Float64Array.from({ length: 2 * EXPONENT_TABLE_OFFSET + 1 }, (_, index) => 2 ** (index - EXPONENT_TABLE_OFFSET));
/**
 * The logistic function's constants, exported for its ports (the WebAssembly kernels here; the C
 * in native/src/kernels.c writes them out), which tests hold to this function's bits.
 */
export const LOGISTIC_CONSTANTS = {
  /** Beyond ±100 the logistic function is 0 or 1 in float32, so clamping there changes nothing. */
  argumentLimit: 100,
  ln2High: 0.6931471803691238,
  ln2Low: 1.9082149292705877e-10,
  taylor: [1, 1, 1 / 2, 1 / 6, 1 / 24, 1 / 120, 1 / 720, 1 / 5040, 1 / 40320],
} as const;
const EXPONENT_ARGUMENT_LIMIT = LOGISTIC_CONSTANTS.argumentLimit;
const LN2_HIGH = LOGISTIC_CONSTANTS.ln2High;
const LN2_LOW = LOGISTIC_CONSTANTS.ln2Low;
const [, , TAYLOR_2, TAYLOR_3, TAYLOR_4, TAYLOR_5, TAYLOR_6, TAYLOR_7, TAYLOR_8] = LOGISTIC_CONSTANTS.taylor;

/** 1 / (1 + e^−z), computed with the fast exponential described above. */
export function logistic(value: number): number {
  let argument = -value;
  argument = argument > EXPONENT_ARGUMENT_LIMIT ? EXPONENT_ARGUMENT_LIMIT : argument < -EXPONENT_ARGUMENT_LIMIT ? -EXPONENT_ARGUMENT_LIMIT : argument;
  const exponent = Math.floor(argument * Math.LOG2E + 0.5);
  const reduced = argument - exponent * LN2_HIGH - exponent * LN2_LOW;
  const squared = reduced * reduced;
  const fourth = squared * squared;
  // Estrin's scheme: shorter dependency chains than Horner's, so consecutive elements overlap.
  const polynomial =
    1 + reduced +
    squared * (TAYLOR_2 + reduced * TAYLOR_3) +
    fourth * (TAYLOR_4 + reduced * TAYLOR_5 + squared * (TAYLOR_6 + reduced * TAYLOR_7) + fourth * TAYLOR_8);
  return 1 / (1 + polynomial * POWERS_OF_TWO[exponent + EXPONENT_TABLE_OFFSET]);
}

/**
 * Writes activation(preActivation) into `output` for the first `count` values. `output` may be
 * the same array as `preActivation` only for the linear activation; the derivative needs both.
 */
export function applyActivation(activation: Activation, preActivation: Float32Array, output: Float32Array, count: number): void {
  switch (activation.name) {
    case 'relu':
      // (z + |z|) / 2 is exact for every finite z and has no branch: with about half the units
      // negative, a branch mispredicts so often that the branchy form is five times slower.
      for (let index = 0; index < count; index++) {
        const value = preActivation[index];
        output[index] = (value + Math.abs(value)) * 0.5;
      }
      return;
    case 'leakyRelu': {
      const slope = activation.slope;
      for (let index = 0; index < count; index++) {
        const value = preActivation[index];
        output[index] = value > 0 ? value : slope * value;
      }
      return;
    }
    case 'elu': {
      const alpha = activation.alpha;
      for (let index = 0; index < count; index++) {
        const value = preActivation[index];
        output[index] = value > 0 ? value : alpha * Math.expm1(value);
      }
      return;
    }
    case 'sigmoid':
      for (let index = 0; index < count; index++) output[index] = logistic(preActivation[index]);
      return;
    case 'tanh':
      for (let index = 0; index < count; index++) output[index] = Math.tanh(preActivation[index]);
      return;
    case 'softplus':
      // The stable form max(z, 0) + log(1 + e^-|z|) neither overflows nor loses small values.
      for (let index = 0; index < count; index++) {
        const value = preActivation[index];
        output[index] = (value > 0 ? value : 0) + Math.log1p(Math.exp(-Math.abs(value)));
      }
      return;
    case 'linear':
      if (output !== preActivation) output.set(preActivation.subarray(0, count));
      return;
  }
}

/**
 * Multiplies the gradient with respect to the activations, in place, by the activation's
 * derivative, turning it into the gradient with respect to the pre-activations. The derivative is
 * taken from the pre-activation or from the activation, whichever tfjs uses: relu uses z > 0,
 * leaky ReLU gives the slope at z = 0, sigmoid and tanh use their output.
 */
export function multiplyByActivationDerivative(
  activation: Activation,
  preActivation: Float32Array,
  output: Float32Array,
  gradient: Float32Array,
  count: number,
): void {
  switch (activation.name) {
    case 'relu':
      // Multiplying by the 0/1 step (as tfjs does) instead of branching avoids mispredictions.
      for (let index = 0; index < count; index++) gradient[index] *= +(preActivation[index] > 0);
      return;
    case 'leakyRelu': {
      const slope = activation.slope;
      for (let index = 0; index < count; index++) if (!(preActivation[index] > 0)) gradient[index] *= slope;
      return;
    }
    case 'elu': {
      // For z ≤ 0, d/dz α(e^z − 1) = α·e^z = a + α, read from the stored output.
      const alpha = activation.alpha;
      for (let index = 0; index < count; index++) if (!(preActivation[index] > 0)) gradient[index] *= output[index] + alpha;
      return;
    }
    case 'sigmoid':
      for (let index = 0; index < count; index++) {
        const value = output[index];
        gradient[index] *= value * (1 - value);
      }
      return;
    case 'tanh':
      for (let index = 0; index < count; index++) {
        const value = output[index];
        gradient[index] *= 1 - value * value;
      }
      return;
    case 'softplus':
      for (let index = 0; index < count; index++) gradient[index] *= logistic(preActivation[index]);
      return;
    case 'linear':
      return;
  }
}
