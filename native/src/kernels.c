/*
 * See kernels.h. Each function names the TypeScript it ports; keep the two in step (the
 * bit-identity test fails otherwise).
 */
#include "kernels.h"

#include "hot.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

/* Constants of activations.ts's logistic, written the same way so that they round the same. */
#define EXPONENT_ARGUMENT_LIMIT 87.0f
#define LOG2E ((float)1.4426950408889634)
#define LN2_HIGH 0.693359375f
#define LN2_LOW ((float)(0.6931471805599453 - 0.693359375))
#define TAYLOR_2 ((float)(1.0 / 2.0))
#define TAYLOR_3 ((float)(1.0 / 6.0))
#define TAYLOR_4 ((float)(1.0 / 24.0))
#define TAYLOR_5 ((float)(1.0 / 120.0))
#define TAYLOR_6 ((float)(1.0 / 720.0))
#define TAYLOR_7 ((float)(1.0 / 5040.0))

/*
 * 2^exponent for an integer-valued float in [−126, 126], as activations.ts's POWERS_OF_TWO table
 * holds it: built from the exponent bits. A NaN exponent (from a NaN input) gives some power; the
 * result is NaN either way (see logistic).
 */
static inline float power_of_two(float exponent) {
  const int32_t bits = ((int32_t)exponent + 127) << 23;
  float result;
  memcpy(&result, &bits, sizeof result);
  return result;
}

/*
 * activations.ts logistic(), in float32: every operation below rounds to float32 as the
 * TypeScript's Math.fround after each one does, in the same order. A NaN input makes the
 * TypeScript's table look-up undefined, and the result V8's positive quiet NaN; returning that NaN
 * explicitly keeps even the NaN's bits equal.
 */
static inline float logistic(float value) {
  if (isnan(value)) return NAN;
  float argument = -value;
  argument = argument > EXPONENT_ARGUMENT_LIMIT ? EXPONENT_ARGUMENT_LIMIT : argument < -EXPONENT_ARGUMENT_LIMIT ? -EXPONENT_ARGUMENT_LIMIT : argument;
  const float exponent = floorf(argument * LOG2E + 0.5f);
  const float reduced = (argument - exponent * LN2_HIGH) - exponent * LN2_LOW;
  const float squared = reduced * reduced;
  const float fourth = squared * squared;
  const float low = (1 + reduced) + squared * (TAYLOR_2 + reduced * TAYLOR_3);
  const float high = (TAYLOR_4 + reduced * TAYLOR_5) + squared * (TAYLOR_6 + reduced * TAYLOR_7);
  const float polynomial = low + fourth * high;
  return 1 / (1 + polynomial * power_of_two(exponent));
}

/* applyActivation, relu. */
HOT void apply_relu(const float *pre_activation, float *output, size_t count) {
  for (size_t index = 0; index < count; index++) {
    const double value = pre_activation[index];
    output[index] = (float)((value + fabs(value)) * 0.5);
  }
}

/* applyActivation, leakyRelu. */
HOT void apply_leaky_relu(const float *pre_activation, float *output, size_t count, double slope) {
  for (size_t index = 0; index < count; index++) {
    const double value = pre_activation[index];
    output[index] = (float)(value > 0 ? value : slope * value);
  }
}

/* applyActivation, sigmoid. */
HOT void apply_sigmoid(const float *pre_activation, float *output, size_t count) {
  for (size_t index = 0; index < count; index++) output[index] = logistic(pre_activation[index]);
}

/* multiplyByActivationDerivative, relu: the gradient times the 0/1 step, as a product (−0, NaN kept). */
HOT void relu_derivative(const float *pre_activation, float *gradient, size_t count) {
  for (size_t index = 0; index < count; index++) {
    gradient[index] = (float)((double)gradient[index] * (pre_activation[index] > 0 ? 1.0 : 0.0));
  }
}

/* multiplyByActivationDerivative, leakyRelu. */
HOT void leaky_relu_derivative(const float *pre_activation, float *gradient, size_t count, double slope) {
  for (size_t index = 0; index < count; index++) {
    const double value = gradient[index];
    gradient[index] = (float)(pre_activation[index] > 0 ? value : value * slope);
  }
}

/* multiplyByActivationDerivative, elu. */
HOT void elu_derivative(const float *pre_activation, const float *output, float *gradient, size_t count, double alpha) {
  for (size_t index = 0; index < count; index++) {
    const double value = gradient[index];
    gradient[index] = (float)(pre_activation[index] > 0 ? value : value * ((double)output[index] + alpha));
  }
}

/* activations.ts FLOAT32_SMALLEST_NORMAL: the sigmoid's derivative sets smaller results to +0 (see there). */
static inline float flush_subnormal(float value) {
  return fabsf(value) < 0x1p-126f ? 0.0f : value;
}

/* multiplyByActivationDerivative, sigmoid. */
HOT void sigmoid_derivative(const float *output, float *gradient, size_t count) {
  for (size_t index = 0; index < count; index++) {
    const double value = output[index];
    gradient[index] = flush_subnormal((float)((double)gradient[index] * (value * (1 - value))));
  }
}

/* multiplyByActivationDerivative, tanh. */
HOT void tanh_derivative(const float *output, float *gradient, size_t count) {
  for (size_t index = 0; index < count; index++) {
    const double value = output[index];
    gradient[index] = (float)((double)gradient[index] * (1 - value * value));
  }
}

/* multiplyByActivationDerivative, softplus. */
HOT void softplus_derivative(const float *pre_activation, float *gradient, size_t count) {
  for (size_t index = 0; index < count; index++) {
    gradient[index] = (float)((double)gradient[index] * logistic(pre_activation[index]));
  }
}

/* losses.ts SQUARE_SUM_LANES and combineSquareSums. */
#define SQUARE_SUM_LANES 8

static inline double combine_square_sums(const double *sums) {
  return ((sums[0] + sums[1]) + (sums[2] + sums[3])) + ((sums[4] + sums[5]) + (sums[6] + sums[7]));
}

/*
 * losses.ts reconstructionLossAndGradient, mse (squaredErrorSum with a gradient): value i goes into
 * running sum i mod 8, so that the eight sums fill a vector register instead of waiting on each other.
 */
HOT double mean_squared_error_gradient(const float *predictions, const float *targets, float *gradient, size_t count) {
  const double scale = 2.0 / (double)count;
  double sums[SQUARE_SUM_LANES] = {0};
  const size_t blocks_end = count - count % SQUARE_SUM_LANES;
  for (size_t block = 0; block < blocks_end; block += SQUARE_SUM_LANES) {
    for (size_t lane = 0; lane < SQUARE_SUM_LANES; lane++) {
      const double difference = (double)predictions[block + lane] - (double)targets[block + lane];
      gradient[block + lane] = (float)(scale * difference);
      sums[lane] += difference * difference;
    }
  }
  for (size_t position = blocks_end; position < count; position++) {
    const double difference = (double)predictions[position] - (double)targets[position];
    gradient[position] = (float)(scale * difference);
    sums[position - blocks_end] += difference * difference;
  }
  return combine_square_sums(sums) / (double)count;
}

/* losses.ts meanSquaredError (squaredErrorSum without a gradient). */
HOT double mean_squared_error(const float *predictions, const float *targets, size_t count) {
  double sums[SQUARE_SUM_LANES] = {0};
  const size_t blocks_end = count - count % SQUARE_SUM_LANES;
  for (size_t block = 0; block < blocks_end; block += SQUARE_SUM_LANES) {
    for (size_t lane = 0; lane < SQUARE_SUM_LANES; lane++) {
      const double difference = (double)predictions[block + lane] - (double)targets[block + lane];
      sums[lane] += difference * difference;
    }
  }
  for (size_t position = blocks_end; position < count; position++) {
    const double difference = (double)predictions[position] - (double)targets[position];
    sums[position - blocks_end] += difference * difference;
  }
  return combine_square_sums(sums) / (double)count;
}

/* Values per chunk of the fused output layer: its activations stay in a stack buffer in L1. */
#define OUTPUT_CHUNK 256

/*
 * kernels.ts outputLayerLossAndGradient for a sigmoid output and the MSE: the sigmoid, the loss and
 * its gradient, and the sigmoid's derivative in one pass over memory, with the bits of the three
 * kernels run one after the other (each intermediate rounded to float32 as the arrays between them
 * would round it). A chunk's activations go to a small buffer rather than to memory, in a loop of
 * their own so that both loops vectorize; the step does not need them afterwards.
 */
HOT double sigmoid_squared_error_gradient(const float *pre_activation, const float *targets, float *gradient, size_t count) {
  const double scale = 2.0 / (double)count;
  double sums[SQUARE_SUM_LANES] = {0};
  float activations[OUTPUT_CHUNK];
  for (size_t start = 0; start < count; start += OUTPUT_CHUNK) {
    const size_t length = count - start < OUTPUT_CHUNK ? count - start : OUTPUT_CHUNK;
    const float *chunk_targets = targets + start;
    float *chunk_gradient = gradient + start;
    for (size_t index = 0; index < length; index++) activations[index] = logistic(pre_activation[start + index]);
    const size_t blocks_end = length - length % SQUARE_SUM_LANES;
    for (size_t block = 0; block < blocks_end; block += SQUARE_SUM_LANES) {
      for (size_t lane = 0; lane < SQUARE_SUM_LANES; lane++) {
        const double difference = (double)activations[block + lane] - (double)chunk_targets[block + lane];
        chunk_gradient[block + lane] = (float)(scale * difference);
        sums[lane] += difference * difference;
      }
    }
    /* Only the last chunk can end in a partial block, and it starts at a multiple of eight. */
    for (size_t index = blocks_end; index < length; index++) {
      const double difference = (double)activations[index] - (double)chunk_targets[index];
      chunk_gradient[index] = (float)(scale * difference);
      sums[index - blocks_end] += difference * difference;
    }
    for (size_t index = 0; index < length; index++) {
      const double activation = activations[index];
      chunk_gradient[index] = flush_subnormal((float)((double)chunk_gradient[index] * (activation * (1 - activation))));
    }
  }
  return combine_square_sums(sums) / (double)count;
}

void broadcast_rows(const float *bias, float *output, size_t rows, size_t columns) {
  for (size_t row = 0; row < rows; row++) memcpy(output + row * columns, bias, columns * sizeof(float));
}
