/**
 * Turns an autoencoder spec into a dense network, draws its seeded initial parameters, and builds
 * the equivalent TensorFlow.js model for users who want a tf.LayersModel.
 */
import * as tf from '@tensorflow/tfjs';
import { createRandom } from './random';
import { Activation, AutoencoderSpec, DenseLayerSpec, NetworkSpec, Parameters } from './spec';
import { resolveAutoencoderSpec } from './validate';

/** The dense layers of an autoencoder: encoder, bottleneck, decoder, output. */
export function networkFromSpec(partial: Partial<AutoencoderSpec> = {}): NetworkSpec {
  const spec = resolveAutoencoderSpec(partial);
  const sizes = spec.layerSizes;
  const layerCount = sizes.length - 1;
  const codeLayerIndex = layerCount / 2 - 1;
  const layers: DenseLayerSpec[] = [];
  for (let index = 0; index < layerCount; index++) {
    const isOutput = index === layerCount - 1;
    const isCode = index === codeLayerIndex;
    const activation = (isOutput ? spec.outputActivation : isCode ? spec.bottleneckActivation : spec.hiddenActivation) as Activation;
    layers.push({
      inputSize: sizes[index],
      outputSize: sizes[index + 1],
      activation,
      preActivationNoiseStddev: isOutput ? 0 : spec.preActivationNoiseStddev,
    });
  }
  return { layers, codeLayerIndex };
}

/** Options of initializeParameters. */
export interface InitializeOptions {
  network: NetworkSpec;
  /** Kernel initializer (biases start at zero). Default 'glorotUniform'. */
  initializer?: AutoencoderSpec['initializer'];
  seed: number;
}

/**
 * Draws initial parameters from a seeded generator. Glorot uniform: U(±√(6/(in+out))), as Keras;
 * He uniform: U(±√(6/in)). Each layer draws from its own named stream so that changing one
 * layer's size does not change another's initial weights.
 */
export function initializeParameters(options: InitializeOptions): Parameters {
  const initializer = options.initializer ?? 'glorotUniform';
  const weights: Float32Array[] = [];
  const biases: Float32Array[] = [];
  options.network.layers.forEach((layer, index) => {
    const random = createRandom(options.seed, `init/${index}`);
    const limit =
      initializer === 'heUniform'
        ? Math.sqrt(6 / layer.inputSize)
        : Math.sqrt(6 / (layer.inputSize + layer.outputSize));
    const kernel = new Float32Array(layer.inputSize * layer.outputSize);
    for (let position = 0; position < kernel.length; position++) kernel[position] = (2 * random.next() - 1) * limit;
    weights.push(kernel);
    biases.push(new Float32Array(layer.outputSize));
  });
  return { weights, biases };
}

/** A deep copy of parameters. */
export function cloneParameters(parameters: Parameters): Parameters {
  return {
    weights: parameters.weights.map((kernel) => kernel.slice()),
    biases: parameters.biases.map((bias) => bias.slice()),
  };
}

/** Applies an activation to a tensor, the tfjs way (used by the tfjs engine and the built model). */
export function applyActivationTensor(input: tf.Tensor, activation: Activation): tf.Tensor {
  switch (activation.name) {
    case 'relu':
      return tf.relu(input);
    case 'leakyRelu':
      return tf.leakyRelu(input, activation.slope);
    case 'elu':
      // tf.elu has alpha fixed at 1. α·elu(x) + (1−α)·relu(x) equals ELU with slope α for x < 0 and
      // is x for x > 0, built only from ops tfjs can differentiate (tf.where over tf.greater is not).
      return activation.alpha === 1 || activation.alpha === undefined
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
 * Builds a tf.Sequential autoencoder holding the given parameters, for users who want to use
 * tfjs's own predict/save. Activations Keras lacks as strings (leaky ReLU with a slope, ELU with
 * alpha ≠ 1) are added as SpecActivationLayer layers after a linear dense layer.
 */
export function buildTfModel(network: NetworkSpec, parameters: Parameters): tf.Sequential {
  const model = tf.sequential();
  network.layers.forEach((layer, index) => {
    const simple = ['relu', 'sigmoid', 'tanh', 'softplus', 'linear'].includes(layer.activation.name) ||
      (layer.activation.name === 'elu' && (layer.activation.alpha ?? 1) === 1);
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
