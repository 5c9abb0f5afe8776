/**
 * The plain, serializable descriptions that every part of the library shares: the autoencoder's
 * architecture, how it is trained, and the dense network both are turned into.
 *
 *   AutoencoderSpec ─┐
 *                    ├─ networkFromSpec ─> NetworkSpec (dense layers) ─> an engine trains it
 *   TrainingSpec ────┘
 */

export const ACTIVATION_NAMES = ['relu', 'leakyRelu', 'elu', 'sigmoid', 'tanh', 'softplus', 'linear'] as const;
export type ActivationName = (typeof ACTIVATION_NAMES)[number];

/** An activation function; `slope` applies to leakyRelu (negative-side slope), `alpha` to elu. */
export interface Activation {
  name: ActivationName;
  /** leakyRelu only: slope for negative inputs. Default DEFAULT_LEAKY_RELU_SLOPE. */
  slope?: number;
  /** elu only: saturation value -alpha for very negative inputs. Default 1. */
  alpha?: number;
}
/** An activation written either as its name or as an object with parameters. */
export type ActivationInput = ActivationName | Activation;

export const DEFAULT_LEAKY_RELU_SLOPE = 0.01;
export const DEFAULT_ELU_ALPHA = 1;

export const INITIALIZER_NAMES = ['glorotUniform', 'heUniform'] as const;
export type InitializerName = (typeof INITIALIZER_NAMES)[number];

/** The architecture of a symmetric fully connected autoencoder. */
export interface AutoencoderSpec {
  /** Units per layer from input to output; odd length ≥ 3, the middle entry is the bottleneck (code). */
  layerSizes: number[];
  /** Activation of every hidden layer except the bottleneck. */
  hiddenActivation: ActivationInput;
  /** Activation of the bottleneck (code) layer. */
  bottleneckActivation: ActivationInput;
  /** Activation of the reconstruction (output) layer. */
  outputActivation: ActivationInput;
  /** Kernel initializer; biases start at zero. glorotUniform is Keras's default. */
  initializer: InitializerName;
  /**
   * Standard deviation of Gaussian noise added to every hidden layer's pre-activation while training
   * (the "noise before the rectifier" of the denoising recipe). 0 turns it off.
   */
  preActivationNoiseStddev: number;
}

/** Defaults: the Q&A thread's architecture, ReLU hidden layers, linear code, sigmoid output. */
export const DEFAULT_AUTOENCODER_SPEC: AutoencoderSpec = {
  layerSizes: [784, 128, 64, 2, 64, 128, 784],
  hiddenActivation: 'relu',
  bottleneckActivation: 'linear',
  outputActivation: 'sigmoid',
  initializer: 'glorotUniform',
  preActivationNoiseStddev: 0,
};

export const OPTIMIZER_NAMES = ['adam', 'sgd', 'momentum', 'rmsprop', 'adagrad'] as const;
export type OptimizerName = (typeof OPTIMIZER_NAMES)[number];

/** An optimizer with the same defaults as tf.train's constructors (epsilon 1e-7 where used). */
export interface OptimizerSpec {
  name: OptimizerName;
  learningRate: number;
  /** momentum only: the momentum coefficient. Default 0.9. */
  momentum?: number;
}

export const LOSS_NAMES = ['mse', 'binaryCrossEntropy'] as const;
export type LossName = (typeof LOSS_NAMES)[number];

/** Corruption of the training inputs (the targets stay clean), as in a denoising autoencoder. */
export type InputCorruption =
  | { kind: 'none' }
  /** Masking noise: each input value is set to 0 with probability `fraction`. */
  | { kind: 'mask'; fraction: number }
  /** Additive Gaussian noise of standard deviation `stddev`. */
  | { kind: 'gaussian'; stddev: number };

/** How a network is trained. */
export interface TrainingSpec {
  optimizer: OptimizerSpec;
  /** Reconstruction loss, averaged over every output value of the batch. */
  loss: LossName;
  epochs: number;
  batchSize: number;
  inputCorruption: InputCorruption;
  /** λ of λ·Σ|w| over every kernel weight (not biases), added to the loss. 0 turns it off. */
  l1WeightPenalty: number;
  /**
   * λ of λ·Σ_hidden layers Σ_units mean_batch|a|, an L1 penalty on the hidden activations (sparse
   * rectifier codes). 0 turns it off.
   */
  l1ActivationPenalty: number;
}

/** Defaults: the reference protocol of the report (Adam 1e-3, MSE, batch 128, 20 epochs). */
export const DEFAULT_TRAINING_SPEC: TrainingSpec = {
  optimizer: { name: 'adam', learningRate: 1e-3 },
  loss: 'mse',
  epochs: 20,
  batchSize: 128,
  inputCorruption: { kind: 'none' },
  l1WeightPenalty: 0,
  l1ActivationPenalty: 0,
};

/** One dense layer y = activation(x·W + b), W stored row-major as [inputSize × outputSize]. */
export interface DenseLayerSpec {
  inputSize: number;
  outputSize: number;
  activation: Activation;
  /** Standard deviation of the Gaussian noise added to the pre-activation while training. */
  preActivationNoiseStddev: number;
}

/** A stack of dense layers; the last layer's output is the reconstruction. */
export interface NetworkSpec {
  layers: DenseLayerSpec[];
  /** Index into `layers` of the layer whose output is the code (bottleneck). */
  codeLayerIndex: number;
}

/** Weights and biases of a network; `weights[l]` is [inputSize × outputSize] row-major. */
export interface Parameters {
  weights: Float32Array[];
  biases: Float32Array[];
}
