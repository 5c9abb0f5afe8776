/**
 * Elementwise activation functions and their derivatives on flat Float32Arrays, for the native
 * (BLAS) engine. Each function dispatches on the activation once and then runs one tight loop, so
 * the hot loops stay monomorphic. The derivatives follow tfjs's gradient definitions exactly
 * (including the value chosen at kinks), because the tfjs engine is the reference these are
 * checked against.
 */
import { Activation } from '../spec';

/*
 * A fast logistic function in float32 arithmetic. V8's Math.exp is a scalar software routine
 * costing about 10 ns, and the output layer of a 784-wide autoencoder evaluates the logistic
 * function 100,000 times per batch of 128, which made it the largest elementwise cost of a step.
 * The exponential below reduces its argument to r = x − k·ln2 with |r| ≤ ln2/2, evaluates the
 * degree-7 Taylor polynomial of e^r and scales by 2^k from a table; the logistic function is then
 * 1 / (1 + e^−z). Every operation rounds to float32 (Math.fround after each +, −, × and ÷ gives
 * exactly the float32 operation's result, since double carries more than twice float32's precision
 * plus two bits), so its ports in C and WebAssembly compute in float32 — sixteen values per
 * AVX-512 instruction, four per WebAssembly one — with the same bits. The result is within a few
 * units in the last place of the exact logistic function.
 */
const EXPONENT_TABLE_OFFSET = 126;
/** 2^k for k in [−126, 126], all normal float32 values; the argument clamp below keeps k inside. */
const POWERS_OF_TWO = Float64Array.from({ length: 2 * EXPONENT_TABLE_OFFSET + 1 }, (_, index) => 2 ** (index - EXPONENT_TABLE_OFFSET));
/**
 * The logistic function's constants, all float32 values, exported for its ports (the WebAssembly
 * kernels here; the C in native/src/kernels.c writes them out), which tests hold to this
 * function's bits.
 */
export const LOGISTIC_CONSTANTS = {
  /**
   * The argument is clamped to ±87, where e^87 still fits float32 and 2^k stays normal. The
   * logistic function is then exactly 1 above 87 and held at 1.6e-38 below −87 (where the exact
   * value is smaller still): nothing a float32 network can tell from 0.
   */
  argumentLimit: 87,
  log2e: Math.fround(Math.LOG2E),
  /** ln 2 in two parts: the first has 9 significant bits, so that k·ln2High is exact for |k| ≤ 126. */
  ln2High: 0.693359375,
  ln2Low: Math.fround(Math.LN2 - 0.693359375),
  taylor: [1, 1, 1 / 2, 1 / 6, 1 / 24, 1 / 120, 1 / 720, 1 / 5040].map(Math.fround),
} as const;
const EXPONENT_ARGUMENT_LIMIT = LOGISTIC_CONSTANTS.argumentLimit;
const LOG2E = LOGISTIC_CONSTANTS.log2e;
const LN2_HIGH = LOGISTIC_CONSTANTS.ln2High;
const LN2_LOW = LOGISTIC_CONSTANTS.ln2Low;
const [, , TAYLOR_2, TAYLOR_3, TAYLOR_4, TAYLOR_5, TAYLOR_6, TAYLOR_7] = LOGISTIC_CONSTANTS.taylor;

/** 1 / (1 + e^−z) in float32 arithmetic, for a float32 z; see above. */
export function logistic(value: number): number {
  const round = Math.fround;
  let argument = -value;
  argument = argument > EXPONENT_ARGUMENT_LIMIT ? EXPONENT_ARGUMENT_LIMIT : argument < -EXPONENT_ARGUMENT_LIMIT ? -EXPONENT_ARGUMENT_LIMIT : argument;
  const exponent = Math.floor(round(round(argument * LOG2E) + 0.5));
  const reduced = round(round(argument - round(exponent * LN2_HIGH)) - round(exponent * LN2_LOW));
  const squared = round(reduced * reduced);
  const fourth = round(squared * squared);
  // Estrin's scheme: shorter dependency chains than Horner's, so consecutive elements overlap.
  const low = round(round(1 + reduced) + round(squared * round(TAYLOR_2 + round(reduced * TAYLOR_3))));
  const high = round(round(TAYLOR_4 + round(reduced * TAYLOR_5)) + round(squared * round(TAYLOR_6 + round(reduced * TAYLOR_7))));
  const polynomial = round(low + round(fourth * high));
  return round(1 / round(1 + round(polynomial * POWERS_OF_TWO[exponent + EXPONENT_TABLE_OFFSET])));
}

/** 2^−126, the smallest normal float32; see the sigmoid's derivative. */
export const FLOAT32_SMALLEST_NORMAL = 2 ** -126;

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
      // A saturated unit's gradient can land among float32's subnormals, and products that read
      // subnormals take microcode assists: after a thousand steps of MNIST, the output layer's
      // gradient held a few hundred of them and the step's products ran a fifth slower. They are
      // set to 0 (as a GPU flushing subnormals would); every other value keeps its bits.
      // In float32, as tfjs computes dy·(y·(1 − y)).
      for (let index = 0; index < count; index++) {
        const value = output[index];
        const product = Math.fround(gradient[index] * Math.fround(value * Math.fround(1 - value)));
        gradient[index] = Math.abs(product) < FLOAT32_SMALLEST_NORMAL ? 0 : product;
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
