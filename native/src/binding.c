/*
 * The Node-API face of kernels.c: each export checks its arguments (the kernels read raw memory,
 * so a short or non-float32 array must be refused before it gets there) and calls one kernel.
 * Node-API is ABI-stable, so one build serves every Node version from 20 on.
 */
#include <node_api.h>
#include <stdint.h>

#include "kernels.h"
#include "optimizers.h"

#define MAX_ARGUMENTS 8

typedef struct {
  napi_env env;
  napi_value values[MAX_ARGUMENTS];
  size_t count;
  int failed;
} Arguments;

static int read_arguments(napi_env env, napi_callback_info info, Arguments *arguments, size_t expected) {
  arguments->env = env;
  arguments->count = MAX_ARGUMENTS;
  arguments->failed = 0;
  if (napi_get_cb_info(env, info, &arguments->count, arguments->values, NULL, NULL) != napi_ok) return 0;
  if (arguments->count < expected) {
    napi_throw_type_error(env, NULL, "relu-ae kernels: too few arguments");
    return 0;
  }
  return 1;
}

static void fail(Arguments *arguments, const char *message) {
  if (!arguments->failed) napi_throw_type_error(arguments->env, NULL, message);
  arguments->failed = 1;
}

/* A Float32Array argument with at least minimum values, or NULL (and a pending exception). */
static float *float_array(Arguments *arguments, size_t index, size_t minimum) {
  napi_typedarray_type type;
  size_t length;
  void *data;
  napi_value buffer;
  size_t offset;
  if (arguments->failed) return NULL;
  if (napi_get_typedarray_info(arguments->env, arguments->values[index], &type, &length, &data, &buffer, &offset) != napi_ok ||
      type != napi_float32_array) {
    fail(arguments, "relu-ae kernels: expected a Float32Array");
    return NULL;
  }
  if (length < minimum) {
    fail(arguments, "relu-ae kernels: a Float32Array is shorter than the count");
    return NULL;
  }
  return (float *)data;
}

static size_t count_argument(Arguments *arguments, size_t index) {
  int64_t value = -1;
  if (arguments->failed) return 0;
  if (napi_get_value_int64(arguments->env, arguments->values[index], &value) != napi_ok || value < 0) {
    fail(arguments, "relu-ae kernels: a count must be a non-negative integer");
    return 0;
  }
  return (size_t)value;
}

static double number_argument(Arguments *arguments, size_t index) {
  double value = 0;
  if (arguments->failed) return 0;
  if (napi_get_value_double(arguments->env, arguments->values[index], &value) != napi_ok) fail(arguments, "relu-ae kernels: expected a number");
  return value;
}

static napi_value number_result(napi_env env, double value) {
  napi_value result;
  napi_create_double(env, value, &result);
  return result;
}

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
  if (arguments.failed) return NULL;
  napi_typedarray_type type;
  size_t length, offset;
  void *sums;
  napi_value buffer;
  if (napi_get_typedarray_info(env, arguments.values[3], &type, &length, &sums, &buffer, &offset) != napi_ok || type != napi_float64_array || length < 8) {
    napi_throw_type_error(env, NULL, "relu-ae kernels: addSquaredErrors takes a Float64Array of eight sums");
    return NULL;
  }
  add_squared_errors(predictions, targets, count, (double *)sums);
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
  float *destination = float_array(&arguments, 5, count * width);
  napi_typedarray_type type;
  size_t source_length = 0, order_length = 0, offset;
  void *source = NULL, *order = NULL;
  napi_value buffer;
  if (arguments.failed) return NULL;
  if (napi_get_typedarray_info(env, arguments.values[0], &type, &source_length, &source, &buffer, &offset) != napi_ok || type != napi_float32_array ||
      napi_get_typedarray_info(env, arguments.values[1], &type, &order_length, &order, &buffer, &offset) != napi_ok || type != napi_int32_array) {
    napi_throw_type_error(env, NULL, "relu-ae kernels: gatherRows takes a Float32Array and an Int32Array");
    return NULL;
  }
  if (start + count > order_length) {
    napi_throw_type_error(env, NULL, "relu-ae kernels: gatherRows asks for more rows than the order holds");
    return NULL;
  }
  const int32_t *rows = (const int32_t *)order + start;
  for (size_t row = 0; row < count; row++) {
    if (rows[row] < 0 || ((size_t)rows[row] + 1) * width > source_length) {
      napi_throw_type_error(env, NULL, "relu-ae kernels: gatherRows was given a row outside the source");
      return NULL;
    }
  }
  gather_rows((const float *)source, rows, count, width, destination);
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
