/*
 * The Node-API face of kernels.c and optimizers.c: each export checks its arguments (arguments.h)
 * and calls one kernel.
 * Node-API is ABI-stable, so one build serves every Node version from 20 on.
 */
#include <node_api.h>
#include <stdint.h>

#include "arguments.h"
#include "kernels.h"
#include "optimizers.h"

/* (preActivation, output, count) */
#define ACTIVATION_EXPORT(name, kernel)                                          \
  static napi_value name(napi_env env, napi_callback_info info) {                \
    Arguments arguments;                                                         \
    if (!read_arguments(env, info, &arguments, 3)) return NULL;                  \
    const size_t count = count_argument(&arguments, 2);                          \
    const float *pre_activation = float_array(&arguments, 0, count);             \
    float *output = float_array(&arguments, 1, count);                           \
    if (arguments.failed) return NULL;                                           \
    kernel(pre_activation, output, count);                                       \
    return NULL;                                                                 \
  }

ACTIVATION_EXPORT(export_relu, apply_relu)
ACTIVATION_EXPORT(export_sigmoid, apply_sigmoid)
/* (preActivation, gradient, count): the derivative read from the pre-activation. */
ACTIVATION_EXPORT(export_relu_derivative, relu_derivative)
ACTIVATION_EXPORT(export_softplus_derivative, softplus_derivative)
/* (output, gradient, count): the derivative read from the activation. */
ACTIVATION_EXPORT(export_sigmoid_derivative, sigmoid_derivative)
ACTIVATION_EXPORT(export_tanh_derivative, tanh_derivative)

/* (preActivation, output, count, slope) */
static napi_value export_leaky_relu(napi_env env, napi_callback_info info) {
  Arguments arguments;
  if (!read_arguments(env, info, &arguments, 4)) return NULL;
  const size_t count = count_argument(&arguments, 2);
  const float *pre_activation = float_array(&arguments, 0, count);
  float *output = float_array(&arguments, 1, count);
  const double slope = number_argument(&arguments, 3);
  if (arguments.failed) return NULL;
  apply_leaky_relu(pre_activation, output, count, slope);
  return NULL;
}

/* (preActivation, gradient, count, slope) */
static napi_value export_leaky_relu_derivative(napi_env env, napi_callback_info info) {
  Arguments arguments;
  if (!read_arguments(env, info, &arguments, 4)) return NULL;
  const size_t count = count_argument(&arguments, 2);
  const float *pre_activation = float_array(&arguments, 0, count);
  float *gradient = float_array(&arguments, 1, count);
  const double slope = number_argument(&arguments, 3);
  if (arguments.failed) return NULL;
  leaky_relu_derivative(pre_activation, gradient, count, slope);
  return NULL;
}

/* (preActivation, output, gradient, count, alpha) */
static napi_value export_elu_derivative(napi_env env, napi_callback_info info) {
  Arguments arguments;
  if (!read_arguments(env, info, &arguments, 5)) return NULL;
  const size_t count = count_argument(&arguments, 3);
  const float *pre_activation = float_array(&arguments, 0, count);
  const float *output = float_array(&arguments, 1, count);
  float *gradient = float_array(&arguments, 2, count);
  const double alpha = number_argument(&arguments, 4);
  if (arguments.failed) return NULL;
  elu_derivative(pre_activation, output, gradient, count, alpha);
  return NULL;
}

/* (predictions, targets, gradient, count) → loss */
static napi_value export_mean_squared_error_gradient(napi_env env, napi_callback_info info) {
  Arguments arguments;
  if (!read_arguments(env, info, &arguments, 4)) return NULL;
  const size_t count = count_argument(&arguments, 3);
  const float *predictions = float_array(&arguments, 0, count);
  const float *targets = float_array(&arguments, 1, count);
  float *gradient = float_array(&arguments, 2, count);
  if (arguments.failed) return NULL;
  return number_result(env, mean_squared_error_gradient(predictions, targets, gradient, count));
}

/* (preActivation, targets, gradient, count) → loss */
static napi_value export_sigmoid_squared_error_gradient(napi_env env, napi_callback_info info) {
  Arguments arguments;
  if (!read_arguments(env, info, &arguments, 4)) return NULL;
  const size_t count = count_argument(&arguments, 3);
  const float *pre_activation = float_array(&arguments, 0, count);
  const float *targets = float_array(&arguments, 1, count);
  float *gradient = float_array(&arguments, 2, count);
  if (arguments.failed) return NULL;
  return number_result(env, sigmoid_squared_error_gradient(pre_activation, targets, gradient, count));
}

/* (predictions, targets, count, sums): sums a Float64Array of at least eight running sums. */
static napi_value export_add_squared_errors(napi_env env, napi_callback_info info) {
  Arguments arguments;
  if (!read_arguments(env, info, &arguments, 4)) return NULL;
  const size_t count = count_argument(&arguments, 2);
  const float *predictions = float_array(&arguments, 0, count);
  const float *targets = float_array(&arguments, 1, count);
  size_t length;
  double *sums = typed_array(&arguments, 3, napi_float64_array, 8, &length);
  if (arguments.failed) return NULL;
  add_squared_errors(predictions, targets, count, sums);
  return NULL;
}

/* (parameters, gradients, count, learningRate) */
static napi_value export_sgd_step(napi_env env, napi_callback_info info) {
  Arguments arguments;
  if (!read_arguments(env, info, &arguments, 4)) return NULL;
  const size_t count = count_argument(&arguments, 2);
  float *parameters = float_array(&arguments, 0, count);
  const float *gradients = float_array(&arguments, 1, count);
  const double learning_rate = number_argument(&arguments, 3);
  if (arguments.failed) return NULL;
  sgd_step(parameters, gradients, count, learning_rate);
  return NULL;
}

/* (parameters, gradients, state, count, learningRate): RMSprop's mean square, Adagrad's sum. */
#define STATEFUL_OPTIMIZER_EXPORT(name, kernel)                                  \
  static napi_value name(napi_env env, napi_callback_info info) {                \
    Arguments arguments;                                                         \
    if (!read_arguments(env, info, &arguments, 5)) return NULL;                  \
    const size_t count = count_argument(&arguments, 3);                          \
    float *parameters = float_array(&arguments, 0, count);                       \
    const float *gradients = float_array(&arguments, 1, count);                  \
    float *state = float_array(&arguments, 2, count);                            \
    const double learning_rate = number_argument(&arguments, 4);                 \
    if (arguments.failed) return NULL;                                           \
    kernel(parameters, gradients, state, count, learning_rate);                  \
    return NULL;                                                                 \
  }

STATEFUL_OPTIMIZER_EXPORT(export_rmsprop_step, rmsprop_step)
STATEFUL_OPTIMIZER_EXPORT(export_adagrad_step, adagrad_step)

/* (parameters, gradients, accumulation, count, learningRate, momentum) */
static napi_value export_momentum_step(napi_env env, napi_callback_info info) {
  Arguments arguments;
  if (!read_arguments(env, info, &arguments, 6)) return NULL;
  const size_t count = count_argument(&arguments, 3);
  float *parameters = float_array(&arguments, 0, count);
  const float *gradients = float_array(&arguments, 1, count);
  float *accumulation = float_array(&arguments, 2, count);
  const double learning_rate = number_argument(&arguments, 4);
  const double momentum = number_argument(&arguments, 5);
  if (arguments.failed) return NULL;
  momentum_step(parameters, gradients, accumulation, count, learning_rate, momentum);
  return NULL;
}

/* (parameters, gradients, firstMoment, secondMoment, count, learningRate, firstCorrection, secondCorrection) */
static napi_value export_adam_step(napi_env env, napi_callback_info info) {
  Arguments arguments;
  if (!read_arguments(env, info, &arguments, 8)) return NULL;
  const size_t count = count_argument(&arguments, 4);
  float *parameters = float_array(&arguments, 0, count);
  const float *gradients = float_array(&arguments, 1, count);
  float *first_moment = float_array(&arguments, 2, count);
  float *second_moment = float_array(&arguments, 3, count);
  const double learning_rate = number_argument(&arguments, 5);
  const double first_correction = number_argument(&arguments, 6);
  const double second_correction = number_argument(&arguments, 7);
  if (arguments.failed) return NULL;
  adam_step(parameters, gradients, first_moment, second_moment, count, learning_rate, first_correction, second_correction);
  return NULL;
}

/* (bias, output, rows, columns) */
static napi_value export_broadcast_rows(napi_env env, napi_callback_info info) {
  Arguments arguments;
  if (!read_arguments(env, info, &arguments, 4)) return NULL;
  const size_t rows = count_argument(&arguments, 2);
  const size_t columns = count_argument(&arguments, 3);
  const float *bias = float_array(&arguments, 0, columns);
  float *output = float_array(&arguments, 1, rows * columns);
  if (arguments.failed) return NULL;
  broadcast_rows(bias, output, rows, columns);
  return NULL;
}

/* (gradient, sums, rows, columns) */
static napi_value export_sum_columns(napi_env env, napi_callback_info info) {
  Arguments arguments;
  if (!read_arguments(env, info, &arguments, 4)) return NULL;
  const size_t rows = count_argument(&arguments, 2);
  const size_t columns = count_argument(&arguments, 3);
  const float *gradient = float_array(&arguments, 0, rows * columns);
  float *sums = float_array(&arguments, 1, columns);
  if (arguments.failed) return NULL;
  sum_columns(gradient, sums, rows, columns);
  return NULL;
}

/* (preActivation, gradient, sums, rows, columns) */
static napi_value export_relu_derivative_column_sums(napi_env env, napi_callback_info info) {
  Arguments arguments;
  if (!read_arguments(env, info, &arguments, 5)) return NULL;
  const size_t rows = count_argument(&arguments, 3);
  const size_t columns = count_argument(&arguments, 4);
  const float *pre_activation = float_array(&arguments, 0, rows * columns);
  float *gradient = float_array(&arguments, 1, rows * columns);
  float *sums = float_array(&arguments, 2, columns);
  if (arguments.failed) return NULL;
  relu_derivative_column_sums(pre_activation, gradient, sums, rows, columns);
  return NULL;
}

/* (source, order, start, count, width, destination): rows order[start…start+count) of source, checked against its length. */
static napi_value export_gather_rows(napi_env env, napi_callback_info info) {
  Arguments arguments;
  if (!read_arguments(env, info, &arguments, 6)) return NULL;
  const size_t start = count_argument(&arguments, 2);
  const size_t count = count_argument(&arguments, 3);
  const size_t width = count_argument(&arguments, 4);
  size_t source_length = 0, order_length = 0;
  const float *source = typed_array(&arguments, 0, napi_float32_array, 0, &source_length);
  const int32_t *order = typed_array(&arguments, 1, napi_int32_array, start + count, &order_length);
  float *destination = float_array(&arguments, 5, count * width);
  if (arguments.failed) return NULL;
  const int32_t *rows = order + start;
  for (size_t row = 0; row < count; row++) {
    if (rows[row] < 0 || ((size_t)rows[row] + 1) * width > source_length) {
      napi_throw_type_error(env, NULL, "relu-ae kernels: gatherRows was given a row outside the source");
      return NULL;
    }
  }
  gather_rows(source, rows, count, width, destination);
  return NULL;
}

static napi_value initialize(napi_env env, napi_value exports) {
  const napi_property_descriptor properties[] = {
    {"relu", NULL, export_relu, NULL, NULL, NULL, napi_enumerable, NULL},
    {"leakyRelu", NULL, export_leaky_relu, NULL, NULL, NULL, napi_enumerable, NULL},
    {"sigmoid", NULL, export_sigmoid, NULL, NULL, NULL, napi_enumerable, NULL},
    {"reluDerivative", NULL, export_relu_derivative, NULL, NULL, NULL, napi_enumerable, NULL},
    {"leakyReluDerivative", NULL, export_leaky_relu_derivative, NULL, NULL, NULL, napi_enumerable, NULL},
    {"eluDerivative", NULL, export_elu_derivative, NULL, NULL, NULL, napi_enumerable, NULL},
    {"sigmoidDerivative", NULL, export_sigmoid_derivative, NULL, NULL, NULL, napi_enumerable, NULL},
    {"tanhDerivative", NULL, export_tanh_derivative, NULL, NULL, NULL, napi_enumerable, NULL},
    {"softplusDerivative", NULL, export_softplus_derivative, NULL, NULL, NULL, napi_enumerable, NULL},
    {"meanSquaredErrorGradient", NULL, export_mean_squared_error_gradient, NULL, NULL, NULL, napi_enumerable, NULL},
    {"sigmoidSquaredErrorGradient", NULL, export_sigmoid_squared_error_gradient, NULL, NULL, NULL, napi_enumerable, NULL},
    {"addSquaredErrors", NULL, export_add_squared_errors, NULL, NULL, NULL, napi_enumerable, NULL},
    {"sgdStep", NULL, export_sgd_step, NULL, NULL, NULL, napi_enumerable, NULL},
    {"momentumStep", NULL, export_momentum_step, NULL, NULL, NULL, napi_enumerable, NULL},
    {"rmspropStep", NULL, export_rmsprop_step, NULL, NULL, NULL, napi_enumerable, NULL},
    {"adagradStep", NULL, export_adagrad_step, NULL, NULL, NULL, napi_enumerable, NULL},
    {"adamStep", NULL, export_adam_step, NULL, NULL, NULL, napi_enumerable, NULL},
    {"broadcastRows", NULL, export_broadcast_rows, NULL, NULL, NULL, napi_enumerable, NULL},
    {"sumColumns", NULL, export_sum_columns, NULL, NULL, NULL, napi_enumerable, NULL},
    {"gatherRows", NULL, export_gather_rows, NULL, NULL, NULL, napi_enumerable, NULL},
    {"reluDerivativeColumnSums", NULL, export_relu_derivative_column_sums, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  if (napi_define_properties(env, exports, sizeof properties / sizeof properties[0], properties) != napi_ok) return NULL;
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, initialize)
