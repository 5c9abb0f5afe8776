/**
 * The general training engine: the network as tf.Variables, the objective written with tfjs ops,
 * gradients from tfjs autodiff, and tf.train's optimizers. It runs on whichever tfjs backend is
 * active and is the reference the native fast path is checked against.
 */
import * as tf from '@tensorflow/tfjs';
import { addSquaredErrors } from '../losses';
import { applyActivationTensor, createTfOptimizer, reconstructionLossTensor } from '../tfjs/ops';
import { Batch, EngineOptions, LossAndGradients, TrainingEngine } from './types';

export function createTfjsEngine(options: EngineOptions): TrainingEngine {
  const { network, training } = options;
  const layers = network.layers;
  // tf.variable copies its initial value, so the tensors it is made from are freed at once (tidy);
  // unnamed variables get process-unique names, so several engines can be alive at once.
  const kernels = layers.map((layer, index) =>
    tf.tidy(() => tf.variable(tf.tensor2d(options.initialParameters.weights[index], [layer.inputSize, layer.outputSize]), true)),
  );
  const biases = layers.map((_, index) => tf.tidy(() => tf.variable(tf.tensor1d(options.initialParameters.biases[index]), true)));
  const variables = [...kernels, ...biases];
  const optimizer = createTfOptimizer(training.optimizer);

  /** Every layer's activations for a batch, with optional pre-activation noise. */
  const forwardTensors = (inputs: tf.Tensor2D, noise?: (Float32Array | null)[]): tf.Tensor[] => {
    const outputs: tf.Tensor[] = [];
    let current: tf.Tensor = inputs;
    layers.forEach((layer, index) => {
      let preActivation: tf.Tensor = tf.add(tf.matMul(current as tf.Tensor2D, kernels[index]), biases[index]);
      const layerNoise = noise?.[index];
      if (layerNoise) preActivation = tf.add(preActivation, tf.tensor2d(layerNoise, preActivation.shape as [number, number]));
      current = applyActivationTensor(preActivation, layer.activation);
      outputs.push(current);
    });
    return outputs;
  };

  /** The objective and the reconstruction loss as scalars. */
  const objective = (batch: Batch): { total: tf.Scalar; reconstruction: tf.Scalar } => {
    const outputSize = layers[layers.length - 1].outputSize;
    const inputs = tf.tensor2d(batch.inputs, [batch.batchSize, layers[0].inputSize]);
    const targets = tf.tensor2d(batch.targets, [batch.batchSize, outputSize]);
    const activations = forwardTensors(inputs, batch.preActivationNoise);
    const reconstruction = reconstructionLossTensor(activations[activations.length - 1], targets, training.loss);
    let total: tf.Scalar = reconstruction;
    if (training.l1WeightPenalty > 0) {
      const weightSum = tf.addN(kernels.map((kernel) => tf.sum(tf.abs(kernel)))) as tf.Scalar;
      total = tf.add(total, tf.mul(training.l1WeightPenalty, weightSum));
    }
    if (training.l1ActivationPenalty > 0) {
      const hidden = activations.slice(0, -1).map((activation) => tf.div(tf.sum(tf.abs(activation)), batch.batchSize));
      total = tf.add(total, tf.mul(training.l1ActivationPenalty, tf.addN(hidden)));
    }
    return { total, reconstruction };
  };

  return {
    name: 'tfjs',
    backend: tf.getBackend(),
    lossAndGradients(batch: Batch): LossAndGradients {
      let reconstructionValue = 0;
      const { value, grads } = tf.variableGrads(() => {
        const { total, reconstruction } = objective(batch);
        reconstructionValue = reconstruction.dataSync()[0];
        return total;
      }, variables);
      const result: LossAndGradients = {
        loss: value.dataSync()[0],
        reconstructionLoss: reconstructionValue,
        weightGradients: kernels.map((kernel) => grads[kernel.name].dataSync() as Float32Array),
        biasGradients: biases.map((bias) => grads[bias.name].dataSync() as Float32Array),
      };
      tf.dispose([value, ...Object.values(grads)]);
      return result;
    },
    trainStep(batch: Batch) {
      let reconstructionTensor: tf.Scalar | null = null;
      const loss = optimizer.minimize(() => {
        const { total, reconstruction } = objective(batch);
        reconstructionTensor = tf.keep(reconstruction);
        return total;
      }, true, variables) as tf.Scalar;
      const result = { loss: loss.dataSync()[0], reconstructionLoss: (reconstructionTensor as unknown as tf.Scalar).dataSync()[0] };
      tf.dispose([loss, reconstructionTensor as unknown as tf.Scalar]);
      return result;
    },
    forward(inputs: Float32Array, count: number, outputs?: Float32Array[]): Float32Array[] {
      return tf.tidy(() => {
        const activations = forwardTensors(tf.tensor2d(inputs.subarray(0, count * layers[0].inputSize), [count, layers[0].inputSize]));
        return activations.map((activation, index) => {
          const values = activation.dataSync() as Float32Array;
          if (!outputs) return values;
          outputs[index].set(values);
          return outputs[index];
        });
      });
    },
    addSquaredErrors: (predictions, targets, count, sums) => addSquaredErrors(predictions, targets, null, 0, count, sums),
    getParameters() {
      return {
        weights: kernels.map((kernel) => kernel.dataSync().slice() as Float32Array),
        biases: biases.map((bias) => bias.dataSync().slice() as Float32Array),
      };
    },
    dispose() {
      optimizer.dispose();
      tf.dispose(variables);
    },
  };
}
