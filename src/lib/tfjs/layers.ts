/**
 * The equivalent tf.LayersModel of a trained network, for users who want tfjs's own predict and
 * save (`import { buildTfModel } from "relu-ae-lab/tfjs"`).
 */
import * as tf from '@tensorflow/tfjs';
import { Activation, NetworkSpec, Parameters } from '../spec';
import { applyActivationTensor } from './ops';

/**
 * An activation from a spec as a tfjs layer, for the activations Keras has no string for (leaky
 * ReLU with any slope, ELU with alpha ≠ 1). Registered, so models holding it can be saved and loaded.
 */
export class SpecActivationLayer extends tf.layers.Layer {
  static readonly className = 'ReluAeLabActivation';
  readonly activation: Activation;

  constructor(config: { activation: Activation; name?: string }) {
    super({ name: config.name });
    this.activation = config.activation;
  }

  call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return applyActivationTensor(Array.isArray(inputs) ? inputs[0] : inputs, this.activation);
  }

  computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }

  getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), activation: { ...this.activation } };
  }
}
tf.serialization.registerClass(SpecActivationLayer);

/**
 * Builds a tf.Sequential autoencoder holding the given parameters. Activations Keras lacks as
 * strings (leaky ReLU with a slope, ELU with alpha ≠ 1) are added as SpecActivationLayer layers
 * after a linear dense layer.
 */
export function buildTfModel(network: NetworkSpec, parameters: Parameters): tf.Sequential {
  const model = tf.sequential();
  network.layers.forEach((layer, index) => {
    const simple = ['relu', 'sigmoid', 'tanh', 'softplus', 'linear'].includes(layer.activation.name) ||
      (layer.activation.name === 'elu' && layer.activation.alpha === 1);
    model.add(
      tf.layers.dense({
        units: layer.outputSize,
        inputShape: index === 0 ? [layer.inputSize] : undefined,
        activation: simple ? (layer.activation.name as 'relu') : 'linear',
        name: `dense_${index}`,
      }),
    );
    if (!simple) model.add(new SpecActivationLayer({ activation: layer.activation, name: `activation_${index}` }));
    // setWeights copies the values into the layer's variables; tidy frees the temporary tensors.
    tf.tidy(() => model.getLayer(`dense_${index}`).setWeights([
      tf.tensor2d(parameters.weights[index], [layer.inputSize, layer.outputSize]),
      tf.tensor1d(parameters.biases[index]),
    ]));
  });
  return model;
}
