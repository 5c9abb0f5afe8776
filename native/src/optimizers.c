/*
 * See optimizers.h: the update loops of src/lib/engine/optimizers.ts, each in the TypeScript's
 * order and precision: double, rounded to float32 where it stores, except Adam, which is float32
 * throughout. sqrt is correctly rounded in C as in JavaScript, and the vector square roots and
 * divisions compute each lane as the scalar ones do.
 */
#include "optimizers.h"

#include "hot.h"

#include <math.h>

/* optimizers.ts's constants, written the same way so that they round the same. */
#define ADAM_BETA1 0.9
#define ADAM_BETA2 0.999
#define RMSPROP_DECAY 0.9
#define OPTIMIZER_EPSILON 1e-7

/* createFlatOptimizer, sgd. */
HOT void sgd_step(float *parameters, const float *gradients, size_t count, double learning_rate) {
  for (size_t index = 0; index < count; index++) {
    parameters[index] = (float)((double)parameters[index] - learning_rate * (double)gradients[index]);
  }
}

/* createFlatOptimizer, momentum: the parameter moves by the unrounded accumulation. */
HOT void momentum_step(float *parameters, const float *gradients, float *accumulation, size_t count, double learning_rate, double momentum) {
  for (size_t index = 0; index < count; index++) {
    const double accumulated = momentum * (double)accumulation[index] + (double)gradients[index];
    accumulation[index] = (float)accumulated;
    parameters[index] = (float)((double)parameters[index] - learning_rate * accumulated);
  }
}

/* createFlatOptimizer, rmsprop. */
HOT void rmsprop_step(float *parameters, const float *gradients, float *mean_square, size_t count, double learning_rate) {
  for (size_t index = 0; index < count; index++) {
    const double gradient = gradients[index];
    const double square = RMSPROP_DECAY * (double)mean_square[index] + (1 - RMSPROP_DECAY) * gradient * gradient;
    mean_square[index] = (float)square;
    parameters[index] = (float)((double)parameters[index] - (learning_rate * gradient) / sqrt(square + OPTIMIZER_EPSILON));
  }
}

/* createFlatOptimizer, adagrad. */
HOT void adagrad_step(float *parameters, const float *gradients, float *accumulated, size_t count, double learning_rate) {
  for (size_t index = 0; index < count; index++) {
    const double gradient = gradients[index];
    const double sum = (double)accumulated[index] + gradient * gradient;
    accumulated[index] = (float)sum;
    parameters[index] = (float)((double)parameters[index] - (learning_rate * gradient) / sqrt(sum + OPTIMIZER_EPSILON));
  }
}

/*
 * adamUpdate: in float32, every operation rounded to float32 as the TypeScript's Math.fround after
 * each one rounds (see there). The complements are taken in double first, as the TypeScript does.
 */
HOT void adam_step(float *parameters, const float *gradients, float *first_moment, float *second_moment, size_t count,
                   double learning_rate, double first_correction, double second_correction) {
  const float beta1 = (float)ADAM_BETA1;
  const float one_minus_beta1 = (float)(1 - ADAM_BETA1);
  const float beta2 = (float)ADAM_BETA2;
  const float one_minus_beta2 = (float)(1 - ADAM_BETA2);
  const float epsilon = (float)OPTIMIZER_EPSILON;
  /* ADAM_FLOAT32_CONSTANTS.momentFloor, 2^-100: smaller moments are set to 0 (see there). */
  const float moment_floor = 0x1p-100f;
  const float rate = (float)learning_rate;
  const float first_scale = (float)first_correction;
  const float second_scale = (float)second_correction;
  for (size_t index = 0; index < count; index++) {
    const float gradient = gradients[index];
    float first = beta1 * first_moment[index] + one_minus_beta1 * gradient;
    float second = beta2 * second_moment[index] + one_minus_beta2 * gradient * gradient;
    first = fabsf(first) < moment_floor ? 0.0f : first;
    second = second < moment_floor ? 0.0f : second;
    first_moment[index] = first;
    second_moment[index] = second;
    parameters[index] = parameters[index] - (rate * first * first_scale) / (sqrtf(second * second_scale) + epsilon);
  }
}
