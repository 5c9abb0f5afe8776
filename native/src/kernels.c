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

/* multiplyByActivationDerivative, sigmoid: in float32. */
HOT void sigmoid_derivative(const float *output, float *gradient, size_t count) {
  for (size_t index = 0; index < count; index++) {
    const float value = output[index];
    gradient[index] = flush_subnormal(gradient[index] * (value * (1 - value)));
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

/* Values per chunk of the loss kernels: a chunk's differences (and activations) stay in L1. */
#define CHUNK 256

/*
 * Adds the squares of a chunk's float32 differences into the eight running sums, value i into sum
 * i mod 8 (losses.ts addSquaredErrors). Every chunk but the last is a multiple of eight long, so the
 * last one's partial block starts at a multiple of eight too. A float32 difference squares exactly
 * in double precision.
 */
static inline void add_squares(const float *differences, size_t length, double *sums) {
  const size_t blocks_end = length - length % SQUARE_SUM_LANES;
  for (size_t block = 0; block < blocks_end; block += SQUARE_SUM_LANES) {
    for (size_t lane = 0; lane < SQUARE_SUM_LANES; lane++) {
      const double difference = differences[block + lane];
      sums[lane] += difference * difference;
    }
  }
  for (size_t index = blocks_end; index < length; index++) {
    const double difference = differences[index];
    sums[index - blocks_end] += difference * difference;
  }
}

/*
 * losses.ts reconstructionLossAndGradient, mse (addSquaredErrors with a gradient): float32
 * differences and gradient, squares summed in double in eight running sums so that the sums fill a
 * vector register instead of waiting on each other.
 */
HOT double mean_squared_error_gradient(const float *predictions, const float *targets, float *gradient, size_t count) {
  const float scale = (float)(2.0 / (double)count);
  double sums[SQUARE_SUM_LANES] = {0};
  float differences[CHUNK];
  for (size_t start = 0; start < count; start += CHUNK) {
    const size_t length = count - start < CHUNK ? count - start : CHUNK;
    for (size_t index = 0; index < length; index++) {
      const float difference = predictions[start + index] - targets[start + index];
      differences[index] = difference;
      gradient[start + index] = difference * scale;
    }
    add_squares(differences, length, sums);
  }
  return combine_square_sums(sums) / (double)count;
}

/* losses.ts addSquaredErrors without a gradient: the running sums carried in `sums` (eight values). */
HOT void add_squared_errors(const float *predictions, const float *targets, size_t count, double *sums) {
  float differences[CHUNK];
  for (size_t start = 0; start < count; start += CHUNK) {
    const size_t length = count - start < CHUNK ? count - start : CHUNK;
    for (size_t index = 0; index < length; index++) differences[index] = predictions[start + index] - targets[start + index];
    add_squares(differences, length, sums);
  }
}

/*
 * kernels.ts outputLayerLossAndGradient for a sigmoid output and the MSE: the sigmoid, the loss and
 * its gradient, and the sigmoid's derivative in one pass over memory, with the bits of the three
 * kernels run one after the other (each intermediate rounded to float32 as the arrays between them
 * would round it). A chunk's activations go to a small buffer rather than to memory, in loops of
 * their own so that each vectorizes; the step does not need them afterwards.
 */
HOT double sigmoid_squared_error_gradient(const float *pre_activation, const float *targets, float *gradient, size_t count) {
  const float scale = (float)(2.0 / (double)count);
  double sums[SQUARE_SUM_LANES] = {0};
  float activations[CHUNK];
  float differences[CHUNK];
  for (size_t start = 0; start < count; start += CHUNK) {
    const size_t length = count - start < CHUNK ? count - start : CHUNK;
    for (size_t index = 0; index < length; index++) activations[index] = logistic(pre_activation[start + index]);
    for (size_t index = 0; index < length; index++) {
      const float activation = activations[index];
      const float difference = activation - targets[start + index];
      differences[index] = difference;
      gradient[start + index] = flush_subnormal((difference * scale) * (activation * (1 - activation)));
    }
    add_squares(differences, length, sums);
  }
  return combine_square_sums(sums) / (double)count;
}

/* kernels.ts sumColumns: one float32 running sum per column, in row order, from +0. */
HOT void sum_columns(const float *gradient, float *sums, size_t rows, size_t columns) {
  for (size_t column = 0; column < columns; column++) sums[column] = 0;
  for (size_t row = 0; row < rows; row++) {
    const float *values = gradient + row * columns;
    for (size_t column = 0; column < columns; column++) sums[column] += values[column];
  }
}

/*
 * kernels.ts derivativeAndColumnSums for relu: relu_derivative and sum_columns in one pass over the
 * gradient, row by row, with the bits of the two one after the other.
 */
HOT void relu_derivative_column_sums(const float *pre_activation, float *gradient, float *sums, size_t rows, size_t columns) {
  for (size_t column = 0; column < columns; column++) sums[column] = 0;
  for (size_t row = 0; row < rows; row++) {
    const float *pre = pre_activation + row * columns;
    float *values = gradient + row * columns;
    for (size_t column = 0; column < columns; column++) {
      const float value = (float)((double)values[column] * (pre[column] > 0 ? 1.0 : 0.0));
      values[column] = value;
      sums[column] += value;
    }
  }
}

/*
 * Rows of a training set picked by index, in order: destination row r is source row order[r]. The
 * set (188 MB for MNIST's 60,000 digits) is far out of cache and its rows come in random order, so
 * the rows a few places ahead are requested while the current one is copied: their latency then
 * overlaps the copying instead of adding to it.
 */
#define GATHER_PREFETCH_ROWS 4
void gather_rows(const float *source, const int32_t *order, size_t count, size_t width, float *destination) {
  for (size_t row = 0; row < count; row++) {
    if (row + GATHER_PREFETCH_ROWS < count) {
      const char *ahead = (const char *)(source + (size_t)order[row + GATHER_PREFETCH_ROWS] * width);
      for (size_t byte = 0; byte < width * sizeof(float); byte += 64) PREFETCH(ahead + byte);
    }
    memcpy(destination + row * width, source + (size_t)order[row] * width, width * sizeof(float));
  }
}

void broadcast_rows(const float *bias, float *output, size_t rows, size_t columns) {
  for (size_t row = 0; row < rows; row++) memcpy(output + row * columns, bias, columns * sizeof(float));
}
