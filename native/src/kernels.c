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
#define EXPONENT_ARGUMENT_LIMIT 100.0
#define LOG2E 1.4426950408889634
#define LN2_HIGH 0.6931471803691238
#define LN2_LOW 1.9082149292705877e-10
#define TAYLOR_2 (1.0 / 2.0)
#define TAYLOR_3 (1.0 / 6.0)
#define TAYLOR_4 (1.0 / 24.0)
#define TAYLOR_5 (1.0 / 120.0)
#define TAYLOR_6 (1.0 / 720.0)
#define TAYLOR_7 (1.0 / 5040.0)
#define TAYLOR_8 (1.0 / 40320.0)
#define EXPONENT_TABLE_OFFSET 160


/*
 * 2^exponent for an integer-valued double, as activations.ts's POWERS_OF_TWO table holds it: built
 * from the exponent bits, which is exact for every exponent the clamped argument can produce
 * (|k| ≤ 145). A NaN exponent (from a NaN input) gives some finite power; the polynomial is NaN
 * then, so the result is NaN either way, as in the TypeScript.
 */
static inline double power_of_two(double exponent) {
  int64_t index = (int64_t)(int32_t)exponent;
  index = index < -EXPONENT_TABLE_OFFSET ? -EXPONENT_TABLE_OFFSET : index > EXPONENT_TABLE_OFFSET ? EXPONENT_TABLE_OFFSET : index;
  uint64_t bits = (uint64_t)(index + 1023) << 52;
  double result;
  memcpy(&result, &bits, sizeof result);
  return result;
}

/*
 * activations.ts logistic(). A NaN input makes the TypeScript's table look-up undefined, and the
 * result V8's positive quiet NaN; returning that NaN explicitly keeps even the NaN's bits equal (the
 * arithmetic below would carry the input's NaN with its sign flipped).
 */
static inline double logistic(double value) {
  if (isnan(value)) return NAN;
  double argument = -value;
  argument = argument > EXPONENT_ARGUMENT_LIMIT ? EXPONENT_ARGUMENT_LIMIT : argument < -EXPONENT_ARGUMENT_LIMIT ? -EXPONENT_ARGUMENT_LIMIT : argument;
  const double exponent = floor(argument * LOG2E + 0.5);
  const double reduced = argument - exponent * LN2_HIGH - exponent * LN2_LOW;
  const double squared = reduced * reduced;
  const double fourth = squared * squared;
  const double polynomial =
    1 + reduced +
    squared * (TAYLOR_2 + reduced * TAYLOR_3) +
    fourth * (TAYLOR_4 + reduced * TAYLOR_5 + squared * (TAYLOR_6 + reduced * TAYLOR_7) + fourth * TAYLOR_8);
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
  for (size_t index = 0; index < count; index++) output[index] = (float)logistic(pre_activation[index]);
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

/* multiplyByActivationDerivative, sigmoid. */
HOT void sigmoid_derivative(const float *output, float *gradient, size_t count) {
  for (size_t index = 0; index < count; index++) {
    const double value = output[index];
    gradient[index] = (float)((double)gradient[index] * (value * (1 - value)));
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

/*
 * losses.ts reconstructionLossAndGradient, mse. The gradient is a separate, vectorizable pass; the
 * sum must stay one running double in index order, as the TypeScript adds.
 */
HOT double mean_squared_error_gradient(const float *predictions, const float *targets, float *gradient, size_t count) {
  const double scale = 2.0 / (double)count;
  for (size_t position = 0; position < count; position++) {
    gradient[position] = (float)(scale * ((double)predictions[position] - (double)targets[position]));
  }
  return mean_squared_error(predictions, targets, count);
}

/* losses.ts meanSquaredError. */
double mean_squared_error(const float *predictions, const float *targets, size_t count) {
  double sum = 0;
  for (size_t index = 0; index < count; index++) {
    const double difference = (double)predictions[index] - (double)targets[index];
    sum += difference * difference;
  }
  return sum / (double)count;
}

void broadcast_rows(const float *bias, float *output, size_t rows, size_t columns) {
  for (size_t row = 0; row < rows; row++) memcpy(output + row * columns, bias, columns * sizeof(float));
}
