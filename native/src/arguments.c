/* See arguments.h. */
#include "arguments.h"

#include <stdint.h>

int read_arguments(napi_env env, napi_callback_info info, Arguments *arguments, size_t expected) {
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

float *float_array(Arguments *arguments, size_t index, size_t minimum) {
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

size_t count_argument(Arguments *arguments, size_t index) {
  int64_t value = -1;
  if (arguments->failed) return 0;
  if (napi_get_value_int64(arguments->env, arguments->values[index], &value) != napi_ok || value < 0) {
    fail(arguments, "relu-ae kernels: a count must be a non-negative integer");
    return 0;
  }
  return (size_t)value;
}

double number_argument(Arguments *arguments, size_t index) {
  double value = 0;
  if (arguments->failed) return 0;
  if (napi_get_value_double(arguments->env, arguments->values[index], &value) != napi_ok) fail(arguments, "relu-ae kernels: expected a number");
  return value;
}

napi_value number_result(napi_env env, double value) {
  napi_value result;
  napi_create_double(env, value, &result);
  return result;
}


void *typed_array(Arguments *arguments, size_t index, napi_typedarray_type type, size_t minimum, size_t *length) {
  napi_typedarray_type actual;
  void *data;
  napi_value buffer;
  size_t offset;
  if (arguments->failed) return NULL;
  if (napi_get_typedarray_info(arguments->env, arguments->values[index], &actual, length, &data, &buffer, &offset) != napi_ok || actual != type) {
    fail(arguments, "relu-ae kernels: a typed array has the wrong type");
    return NULL;
  }
  if (*length < minimum) {
    fail(arguments, "relu-ae kernels: a typed array is shorter than the count");
    return NULL;
  }
  return data;
}
