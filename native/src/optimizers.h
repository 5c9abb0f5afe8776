/*
 * The optimizers' update loops of the native engine over one flat parameter buffer, ports of
 * src/lib/engine/optimizers.ts with its bits (see kernels.h for how). Each updates `count`
 * parameters and their state in place; Adam's caller tracks the powers of beta and passes the
 * bias corrections.
 */
#ifndef RELU_AE_OPTIMIZERS_H
#define RELU_AE_OPTIMIZERS_H

#include <stddef.h>

void sgd_step(float *parameters, const float *gradients, size_t count, double learning_rate);
void momentum_step(float *parameters, const float *gradients, float *accumulation, size_t count, double learning_rate, double momentum);
void rmsprop_step(float *parameters, const float *gradients, float *mean_square, size_t count, double learning_rate);
void adagrad_step(float *parameters, const float *gradients, float *accumulated, size_t count, double learning_rate);
void adam_step(float *parameters, const float *gradients, float *first_moment, float *second_moment, size_t count,
               double learning_rate, double first_correction, double second_correction);

#endif
