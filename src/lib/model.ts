/**
 * Turns an autoencoder spec into a dense network and draws its seeded initial parameters. (The
 * equivalent tf.LayersModel, for users who want tfjs's own predict and save, is in tfjs/layers.ts,
 * behind the `relu-ae-lab/tfjs` entry.)
 */
import { createRandom } from './random';
import { Activation, AutoencoderSpec, DenseLayerSpec, InitializerName, NetworkSpec, Parameters } from './spec';

/** The dense layers of a resolved autoencoder spec: encoder, bottleneck, decoder, output. */
export function networkFromSpec(spec: AutoencoderSpec): NetworkSpec {
  const sizes = spec.layerSizes;
  const layerCount = sizes.length - 1;
  const codeLayerIndex = layerCount / 2 - 1;
  const layers: DenseLayerSpec[] = [];
  for (let index = 0; index < layerCount; index++) {
    const isOutput = index === layerCount - 1;
    const isCode = index === codeLayerIndex;
    const activation: Activation = isOutput ? spec.outputActivation : isCode ? spec.bottleneckActivation : spec.hiddenActivation;
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
  initializer: InitializerName;
  seed: number;
}

/**
 * Keras's truncated normal keeps draws within two standard deviations, which shrinks the variance
 * by this factor; dividing by it restores the intended variance (Keras's VarianceScaling constant).
 */
const TRUNCATED_NORMAL_STDDEV_CORRECTION = 0.87962566103423978;

/**
 * Draws initial parameters from a seeded generator; see INITIALIZER_NAMES in spec.ts for each rule.
 * Each layer draws its kernel from its own named stream (and its bias from another) so that
 * changing one layer's size does not change another's initial weights.
 */
export function initializeParameters(options: InitializeOptions): Parameters {
  const weights: Float32Array[] = [];
  const biases: Float32Array[] = [];
  options.network.layers.forEach((layer, index) => {
    const random = createRandom(options.seed, `init/${index}`);
    const kernel = new Float32Array(layer.inputSize * layer.outputSize);
    const bias = new Float32Array(layer.outputSize);
    const uniform = (target: Float32Array, limit: number, source = random): void => {
      for (let position = 0; position < target.length; position++) target[position] = (2 * source.next() - 1) * limit;
    };
    switch (options.initializer) {
      case 'glorotUniform':
        uniform(kernel, Math.sqrt(6 / (layer.inputSize + layer.outputSize)));
        break;
      case 'heUniform':
        uniform(kernel, Math.sqrt(6 / layer.inputSize));
        break;
      case 'heNormal': {
        const scale = Math.sqrt(2 / layer.inputSize) / TRUNCATED_NORMAL_STDDEV_CORRECTION;
        for (let position = 0; position < kernel.length; position++) {
          let draw = random.nextNormal();
          while (Math.abs(draw) > 2) draw = random.nextNormal();
          kernel[position] = draw * scale;
        }
        break;
      }
      case 'pytorchDefault': {
        const limit = 1 / Math.sqrt(layer.inputSize);
        uniform(kernel, limit);
        uniform(bias, limit, createRandom(options.seed, `init/bias/${index}`));
        break;
      }
    }
    weights.push(kernel);
    biases.push(bias);
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
