/**
 * The library's definitions written as TensorFlow.js ops: activations, optimizers and losses for the
 * tfjs engine (the reference the native engine is tested against) and for the tf.LayersModel
 * builder. Kept apart so that the main entry's types never mention tfjs.
 */
import * as tf from '@tensorflow/tfjs';
import { CROSS_ENTROPY_EPSILON } from '../losses';
import { Activation, LossName, OptimizerSpec } from '../spec';

/** Applies an activation to a tensor, the tfjs way. */
export function applyActivationTensor(input: tf.Tensor, activation: Activation): tf.Tensor {
  switch (activation.name) {
    case 'relu':
      return tf.relu(input);
    case 'leakyRelu':
      return tf.leakyRelu(input, activation.slope);
    case 'elu':
      // tf.elu has alpha fixed at 1. α·elu(x) + (1−α)·relu(x) equals ELU with slope α for x < 0 and
      // is x for x > 0, built only from ops tfjs can differentiate (tf.where over tf.greater is not).
      return activation.alpha === 1
        ? tf.elu(input)
        : tf.add(tf.mul(activation.alpha, tf.elu(input)), tf.mul(1 - activation.alpha, tf.relu(input)));
    case 'sigmoid':
      return tf.sigmoid(input);
    case 'tanh':
      return tf.tanh(input);
    case 'softplus':
      return tf.softplus(input);
    case 'linear':
      return input;
  }
}

/** tf.train's optimizer for a resolved spec (epsilon left at tfjs's default of 1e-7). */
export function createTfOptimizer(spec: OptimizerSpec): tf.Optimizer {
  switch (spec.name) {
    case 'adam':
      return tf.train.adam(spec.learningRate);
    case 'sgd':
      return tf.train.sgd(spec.learningRate);
    case 'momentum':
      return tf.train.momentum(spec.learningRate, spec.momentum);
    case 'rmsprop':
      return tf.train.rmsprop(spec.learningRate);
    case 'adagrad':
      return tf.train.adagrad(spec.learningRate);
  }
}

/** The reconstruction loss of predictions against targets, averaged over every value (losses.ts). */
export function reconstructionLossTensor(predictions: tf.Tensor, targets: tf.Tensor, loss: LossName): tf.Scalar {
  if (loss === 'mse') return tf.mean(tf.squaredDifference(predictions, targets));
  const clipped = tf.clipByValue(predictions, CROSS_ENTROPY_EPSILON, 1 - CROSS_ENTROPY_EPSILON);
  const positive = tf.mul(targets, tf.log(clipped));
  const negative = tf.mul(tf.sub(1, targets), tf.log(tf.sub(1, clipped)));
  return tf.neg(tf.mean(tf.add(positive, negative))) as tf.Scalar;
}
