/*
 * The elementwise kernels of the native engine, as plain C over float arrays (optimizers.h has the
 * optimizers' loops). Each is a line-for-line port of its TypeScript original (activations.ts,
 * kernels.ts, losses.ts in src/lib/): the same operations in the same precision (double, each
 * result rounded to float32 when stored; or float32 throughout where the TypeScript rounds with
 * Math.fround after every operation), in the same order. Built without fused multiply-add
 * (-ffp-contract=off) and without -ffast-math, every operation is an IEEE operation with one rounding,
 * so the results are the same bits as the TypeScript's; vector instructions compute each lane
 * exactly as the scalar ones do. test/lib/engine/kernelPorts.test.ts checks that, bit for bit.
 */
#ifndef RELU_AE_KERNELS_H
#define RELU_AE_KERNELS_H

#include <stddef.h>
#include <stdint.h>

/* The activations this library can run natively: the ones whose arithmetic is IEEE-exact. */
void apply_relu(const float *pre_activation, float *output, size_t count);
void apply_leaky_relu(const float *pre_activation, float *output, size_t count, double slope);
void apply_sigmoid(const float *pre_activation, float *output, size_t count);

void relu_derivative(const float *pre_activation, float *gradient, size_t count);
void leaky_relu_derivative(const float *pre_activation, float *gradient, size_t count, double slope);
void elu_derivative(const float *pre_activation, const float *output, float *gradient, size_t count, double alpha);
void sigmoid_derivative(const float *output, float *gradient, size_t count);
void tanh_derivative(const float *output, float *gradient, size_t count);
void softplus_derivative(const float *pre_activation, float *gradient, size_t count);

/* Mean squared error of count predictions and its gradient; returns the loss. */
double mean_squared_error_gradient(const float *predictions, const float *targets, float *gradient, size_t count);
/* The squared errors alone, added into eight running sums carried in `sums`, in the same order. */
void add_squared_errors(const float *predictions, const float *targets, size_t count, double *sums);
/* Sigmoid, MSE, its gradient and the sigmoid's derivative of an output layer in one pass; returns the loss. */
double sigmoid_squared_error_gradient(const float *pre_activation, const float *targets, float *gradient, size_t count);

/* Each column's sum over `rows` rows of `gradient` into `sums`, in row order (the bias gradient). */
void sum_columns(const float *gradient, float *sums, size_t rows, size_t columns);
/* relu_derivative, then sum_columns of the result, in one pass. */
void relu_derivative_column_sums(const float *pre_activation, float *gradient, float *sums, size_t rows, size_t columns);

/* Copies source row order[r] (width values) into destination row r, for r < count. */
void gather_rows(const float *source, const int32_t *order, size_t count, size_t width, float *destination);

/* Copies `bias` (columns values) into every one of `rows` rows of `output`. */
void broadcast_rows(const float *bias, float *output, size_t rows, size_t columns);

#endif
