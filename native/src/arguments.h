/*
 * Reading a Node-API call's arguments for the kernels' exports (binding.c): each export checks its
 * arguments, because the kernels read raw memory, so a short or non-float32 array must be refused
 * before it gets there. The first failure throws a TypeError and makes every later read a no-op.
 */
#ifndef RELU_AE_ARGUMENTS_H
#define RELU_AE_ARGUMENTS_H

#include <node_api.h>
#include <stddef.h>

#define MAX_ARGUMENTS 8

typedef struct {
  napi_env env;
  napi_value values[MAX_ARGUMENTS];
  size_t count;
  int failed;
} Arguments;

/* Reads the call's arguments; 0 (with a pending exception) when there are fewer than expected. */
int read_arguments(napi_env env, napi_callback_info info, Arguments *arguments, size_t expected);
/* A Float32Array argument with at least minimum values, or NULL (and a pending exception). */
float *float_array(Arguments *arguments, size_t index, size_t minimum);
/* A non-negative integer argument, or 0 (and a pending exception). */
size_t count_argument(Arguments *arguments, size_t index);
/* A number argument, or 0 (and a pending exception). */
double number_argument(Arguments *arguments, size_t index);
/* A typed array argument of the given type with at least minimum elements, or NULL (and a pending exception). */
void *typed_array(Arguments *arguments, size_t index, napi_typedarray_type type, size_t minimum, size_t *length);
napi_value number_result(napi_env env, double value);

#endif
