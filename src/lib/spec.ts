/**
 * The plain, serializable descriptions that every part of the library shares, as schemas: the
 * autoencoder's architecture, how it is trained, and which data it sees. Each TypeScript type is
 * derived from its schema, in two forms: the *input* a user writes (every field optional, an
 * activation may be a bare name) and the *resolved* spec the library works with (every default
 * filled in, exactly once, here at the boundary). Engine code only ever sees resolved specs.
 *
 *   AutoencoderSpecInput ─resolveAutoencoderSpec─▶ AutoencoderSpec ─┐
 *                                                                   ├─ networkFromSpec ─▶ NetworkSpec ─▶ an engine
 *   TrainingSpecInput ────resolveTrainingSpec────▶ TrainingSpec ────┘
 *
 * Schemas are strict: an unknown field is an error that names the field and, where a likely
 * intended field exists, suggests it (`alpha` on a leaky ReLU → "did you mean slope?").
 */
import { z } from 'zod';
import { parseWithSchema, positiveInteger, nonNegativeNumber, positiveNumber } from './specErrors';

export { SpecError } from './specErrors';

export const ACTIVATION_NAMES = ['relu', 'leakyRelu', 'elu', 'sigmoid', 'tanh', 'softplus', 'linear'] as const;
export type ActivationName = (typeof ACTIVATION_NAMES)[number];

export const DEFAULT_LEAKY_RELU_SLOPE = 0.01;
export const DEFAULT_ELU_ALPHA = 1;

const choiceMessage = (names: readonly string[]): string => `unknown value {value}; expected one of ${names.join(', ')}`;

/** An activation in object form; leakyRelu has a `slope` (negative side), elu an `alpha`. */
export const activationSchema = z.discriminatedUnion(
  'name',
  [
    z.strictObject({ name: z.literal('relu') }),
    z.strictObject({
      name: z.literal('leakyRelu'),
      /** Slope for negative inputs, in [0, 1). Default DEFAULT_LEAKY_RELU_SLOPE. */
      slope: z.number({ error: 'must be a number in [0, 1)' }).min(0, { error: 'must be a number in [0, 1)' }).lt(1, { error: 'must be a number in [0, 1)' }).default(DEFAULT_LEAKY_RELU_SLOPE),
    }),
    z.strictObject({
      name: z.literal('elu'),
      /** Saturation value −alpha for very negative inputs, > 0. Default DEFAULT_ELU_ALPHA. */
      alpha: positiveNumber().default(DEFAULT_ELU_ALPHA),
    }),
    z.strictObject({ name: z.literal('sigmoid') }),
    z.strictObject({ name: z.literal('tanh') }),
    z.strictObject({ name: z.literal('softplus') }),
    z.strictObject({ name: z.literal('linear') }),
  ],
  { error: choiceMessage(ACTIVATION_NAMES) },
);
/** An activation written either as its name or as an object with parameters. */
const activationInputSchema = z.preprocess((value) => (typeof value === 'string' ? { name: value } : value), activationSchema);

/** A resolved activation: every parameter present. */
export type Activation = z.output<typeof activationSchema>;
export type ActivationInput = ActivationName | z.input<typeof activationSchema>;

export const INITIALIZER_NAMES = ['glorotUniform', 'heUniform', 'heNormal', 'pytorchDefault'] as const;
/**
 * How initial weights are drawn (fan_in and fan_out of the layer):
 * - glorotUniform: W ~ U(±√(6/(fan_in+fan_out))), b = 0 (Keras's and tfjs's default);
 * - heUniform: W ~ U(±√(6/fan_in)), b = 0;
 * - heNormal: W ~ N(0, 2/fan_in) truncated at two standard deviations and rescaled as Keras does, b = 0;
 * - pytorchDefault: W, b ~ U(±1/√fan_in) (PyTorch's nn.Linear).
 */
export type InitializerName = (typeof INITIALIZER_NAMES)[number];

export const autoencoderSpecSchema = z
  .strictObject({
    /** Units per layer from input to output; odd length ≥ 3, the middle entry is the bottleneck (code). */
    layerSizes: z.array(positiveInteger(), { error: 'must be an array of layer sizes' }).default([784, 128, 64, 2, 64, 128, 784]),
    /** Activation of every hidden layer except the bottleneck. */
    hiddenActivation: activationInputSchema.default({ name: 'relu' }),
    /** Activation of the bottleneck (code) layer. */
    bottleneckActivation: activationInputSchema.default({ name: 'linear' }),
    /** Activation of the reconstruction (output) layer. */
    outputActivation: activationInputSchema.default({ name: 'sigmoid' }),
    initializer: z.enum(INITIALIZER_NAMES, { error: choiceMessage(INITIALIZER_NAMES) }).default('glorotUniform'),
    /**
     * Standard deviation of Gaussian noise added to every hidden layer's pre-activation while
     * training (the "noise before the rectifier" of the denoising recipe). 0 turns it off.
     */
    preActivationNoiseStddev: nonNegativeNumber().default(0),
  })
  .superRefine((spec, context) => {
    const sizes = spec.layerSizes;
    if (sizes.length < 3 || sizes.length % 2 === 0) {
      context.addIssue({ code: 'custom', path: ['layerSizes'], message: 'must list an odd number (≥ 3) of layer sizes, input to output, got {value}' });
    } else if (sizes[0] !== sizes[sizes.length - 1]) {
      context.addIssue({
        code: 'custom',
        path: ['layerSizes'],
        message: `an autoencoder's output size must equal its input size, got ${sizes[0]} and ${sizes[sizes.length - 1]}`,
      });
    }
  });

/** The architecture of a symmetric fully connected autoencoder, every default filled in. */
export type AutoencoderSpec = z.output<typeof autoencoderSpecSchema>;
/** What a user writes: any field may be left out and takes its default. */
export type AutoencoderSpecInput = z.input<typeof autoencoderSpecSchema>;

export const OPTIMIZER_NAMES = ['adam', 'sgd', 'momentum', 'rmsprop', 'adagrad'] as const;
export type OptimizerName = (typeof OPTIMIZER_NAMES)[number];

/** The momentum coefficient of the momentum optimizer when none is given (tf.train's usual choice). */
export const DEFAULT_MOMENTUM = 0.9;
/** Each optimizer's learning rate when none is given: Keras's defaults (Adam 1e-3 is also the thread's). */
export const DEFAULT_LEARNING_RATES: Record<OptimizerName, number> = { adam: 1e-3, sgd: 1e-2, momentum: 1e-2, rmsprop: 1e-3, adagrad: 1e-3 };

const learningRate = (name: OptimizerName) =>
  z.number({ error: 'must be a finite number > 0' }).positive({ error: 'must be a finite number > 0' }).default(DEFAULT_LEARNING_RATES[name]);

/** An optimizer with tf.train's update rules and defaults (epsilon 1e-7 where used). */
export const optimizerSchema = z.discriminatedUnion(
  'name',
  [
    z.strictObject({ name: z.literal('adam'), learningRate: learningRate('adam') }),
    z.strictObject({ name: z.literal('sgd'), learningRate: learningRate('sgd') }),
    z.strictObject({
      name: z.literal('momentum'),
      learningRate: learningRate('momentum'),
      /** The momentum coefficient, in [0, 1). Default DEFAULT_MOMENTUM. */
      momentum: z.number({ error: 'must be a number in [0, 1)' }).min(0, { error: 'must be a number in [0, 1)' }).lt(1, { error: 'must be a number in [0, 1)' }).default(DEFAULT_MOMENTUM),
    }),
    z.strictObject({ name: z.literal('rmsprop'), learningRate: learningRate('rmsprop') }),
    z.strictObject({ name: z.literal('adagrad'), learningRate: learningRate('adagrad') }),
  ],
  { error: choiceMessage(OPTIMIZER_NAMES) },
);
export type OptimizerSpec = z.output<typeof optimizerSchema>;
export type OptimizerInput = z.input<typeof optimizerSchema>;

export const LOSS_NAMES = ['mse', 'binaryCrossEntropy'] as const;
export type LossName = (typeof LOSS_NAMES)[number];

const maskFraction = z.number({ error: 'must be a number in [0, 1)' }).min(0, { error: 'must be a number in [0, 1)' }).lt(1, { error: 'must be a number in [0, 1)' });

/** Corruption of the training inputs (the targets stay clean), as in a denoising autoencoder. */
export const inputCorruptionSchema = z.discriminatedUnion(
  'kind',
  [
    z.strictObject({ kind: z.literal('none') }),
    /** Masking noise: each input value is set to 0 with probability `fraction`. */
    z.strictObject({ kind: z.literal('mask'), fraction: maskFraction }),
    /** Additive Gaussian noise of standard deviation `stddev`. */
    z.strictObject({ kind: z.literal('gaussian'), stddev: nonNegativeNumber() }),
  ],
  { error: choiceMessage(['none', 'mask', 'gaussian']) },
);
export type InputCorruption = z.output<typeof inputCorruptionSchema>;

export const trainingSpecSchema = z.strictObject({
  optimizer: optimizerSchema.default({ name: 'adam', learningRate: 1e-3 }),
  /** Reconstruction loss, averaged over every output value of the batch. */
  loss: z.enum(LOSS_NAMES, { error: choiceMessage(LOSS_NAMES) }).default('mse'),
  epochs: positiveInteger().default(20),
  batchSize: positiveInteger().default(128),
  inputCorruption: inputCorruptionSchema.default({ kind: 'none' }),
  /** λ of λ·Σ|w| over every kernel weight (not biases), added to the loss. 0 turns it off. */
  l1WeightPenalty: nonNegativeNumber().default(0),
  /**
   * λ of λ·Σ_hidden layers Σ_units mean_batch|a|, an L1 penalty on the hidden activations (sparse
   * rectifier codes). 0 turns it off.
   */
  l1ActivationPenalty: nonNegativeNumber().default(0),
});
/** How a network is trained, every default filled in (the report's reference protocol). */
export type TrainingSpec = z.output<typeof trainingSpecSchema>;
export type TrainingSpecInput = z.input<typeof trainingSpecSchema>;

/** Fills defaults into an autoencoder spec and validates it; errors name the field (under `root`). */
export function resolveAutoencoderSpec(input: AutoencoderSpecInput = {}, root = ''): AutoencoderSpec {
  return parseWithSchema(autoencoderSpecSchema, input, root);
}

/** Fills defaults into a training spec and validates it; errors name the field (under `root`). */
export function resolveTrainingSpec(input: TrainingSpecInput = {}, root = ''): TrainingSpec {
  return parseWithSchema(trainingSpecSchema, input, root);
}

/** Normalizes one activation to its object form with every parameter filled in. */
export function resolveActivation(input: ActivationInput, field = 'activation'): Activation {
  return parseWithSchema(activationInputSchema, input, field);
}

/** The defaults: the Q&A thread's architecture (ReLU hidden layers, linear code, sigmoid output). */
export const DEFAULT_AUTOENCODER_SPEC: AutoencoderSpec = resolveAutoencoderSpec();
/** The defaults: the reference protocol of the report (Adam 1e-3, MSE, batch 128, 20 epochs). */
export const DEFAULT_TRAINING_SPEC: TrainingSpec = resolveTrainingSpec();

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
