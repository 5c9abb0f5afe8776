/**
 * Checks of user-supplied specs. Every failure names the field and the offending value, because a
 * sweep declared as data is easy to mistype and a silent default would poison a whole report.
 */
import {
  ACTIVATION_NAMES,
  Activation,
  ActivationInput,
  AutoencoderSpec,
  DEFAULT_AUTOENCODER_SPEC,
  DEFAULT_ELU_ALPHA,
  DEFAULT_LEAKY_RELU_SLOPE,
  DEFAULT_TRAINING_SPEC,
  INITIALIZER_NAMES,
  InputCorruption,
  LOSS_NAMES,
  OPTIMIZER_NAMES,
  OptimizerSpec,
  TrainingSpec,
} from './spec';

/** An error in a spec or data file; `field` names what was wrong. */
export class SpecError extends Error {
  constructor(readonly field: string, message: string) {
    super(`${field}: ${message}`);
    this.name = 'SpecError';
  }
}

/** A value as it should appear in an error message (NaN and Infinity as themselves, not JSON's null). */
function describe(value: unknown): string {
  if (typeof value === 'number') return String(value);
  return typeof value === 'string' ? JSON.stringify(value) : String(JSON.stringify(value) ?? value);
}

export function requirePositiveInteger(field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw new SpecError(field, `must be a positive integer, got ${describe(value)}`);
  }
  return value;
}

export function requireNonNegativeNumber(field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new SpecError(field, `must be a finite number ≥ 0, got ${describe(value)}`);
  }
  return value;
}

function requireOneOf<T extends string>(field: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new SpecError(field, `unknown value ${describe(value)}; expected one of ${allowed.join(', ')}`);
  }
  return value as T;
}

/** Normalizes an activation to its object form with every parameter filled in. */
export function normalizeActivation(field: string, input: ActivationInput): Activation {
  const activation: Activation = typeof input === 'string' ? { name: input } : { ...input };
  const name = requireOneOf(`${field}.name`, activation?.name, ACTIVATION_NAMES);
  if (typeof input === 'string' && input !== name) throw new SpecError(field, `unknown activation ${describe(input)}`);
  if (name === 'leakyRelu') {
    const slope = activation.slope ?? DEFAULT_LEAKY_RELU_SLOPE;
    return { name, slope: requireNonNegativeNumber(`${field}.slope`, slope) };
  }
  if (name === 'elu') {
    const alpha = activation.alpha ?? DEFAULT_ELU_ALPHA;
    return { name, alpha: requireNonNegativeNumber(`${field}.alpha`, alpha) };
  }
  return { name };
}

/** Fills defaults into a partial autoencoder spec and validates it. */
export function resolveAutoencoderSpec(partial: Partial<AutoencoderSpec> = {}): AutoencoderSpec {
  const spec: AutoencoderSpec = { ...DEFAULT_AUTOENCODER_SPEC, ...partial };
  if (!Array.isArray(spec.layerSizes) || spec.layerSizes.length < 3 || spec.layerSizes.length % 2 === 0) {
    throw new SpecError(
      'layerSizes',
      `must list an odd number (≥ 3) of layer sizes, input to output, got ${describe(spec.layerSizes)}`,
    );
  }
  spec.layerSizes.forEach((size, index) => requirePositiveInteger(`layerSizes[${index}]`, size));
  const last = spec.layerSizes.length - 1;
  if (spec.layerSizes[0] !== spec.layerSizes[last]) {
    throw new SpecError(
      'layerSizes',
      `an autoencoder's output size must equal its input size, got ${spec.layerSizes[0]} and ${spec.layerSizes[last]}`,
    );
  }
  return {
    layerSizes: [...spec.layerSizes],
    hiddenActivation: normalizeActivation('hiddenActivation', spec.hiddenActivation),
    bottleneckActivation: normalizeActivation('bottleneckActivation', spec.bottleneckActivation),
    outputActivation: normalizeActivation('outputActivation', spec.outputActivation),
    initializer: requireOneOf('initializer', spec.initializer, INITIALIZER_NAMES),
    preActivationNoiseStddev: requireNonNegativeNumber('preActivationNoiseStddev', spec.preActivationNoiseStddev),
  };
}

function resolveOptimizer(input: OptimizerSpec): OptimizerSpec {
  const name = requireOneOf('optimizer.name', input?.name, OPTIMIZER_NAMES);
  const learningRate = input.learningRate;
  if (typeof learningRate !== 'number' || !Number.isFinite(learningRate) || learningRate <= 0) {
    throw new SpecError('optimizer.learningRate', `must be a finite number > 0, got ${describe(learningRate)}`);
  }
  if (name === 'momentum') {
    return { name, learningRate, momentum: requireNonNegativeNumber('optimizer.momentum', input.momentum ?? 0.9) };
  }
  return { name, learningRate };
}

function resolveCorruption(input: InputCorruption): InputCorruption {
  const kind = requireOneOf('inputCorruption.kind', input?.kind, ['none', 'mask', 'gaussian'] as const);
  if (kind === 'mask') {
    const fraction = (input as { fraction?: unknown }).fraction;
    if (typeof fraction !== 'number' || !(fraction >= 0 && fraction < 1)) {
      throw new SpecError('inputCorruption.fraction', `must be in [0, 1), got ${describe(fraction)}`);
    }
    return { kind, fraction };
  }
  if (kind === 'gaussian') {
    return { kind, stddev: requireNonNegativeNumber('inputCorruption.stddev', (input as { stddev?: unknown }).stddev) };
  }
  return { kind: 'none' };
}

/** Fills defaults into a partial training spec and validates it. */
export function resolveTrainingSpec(partial: Partial<TrainingSpec> = {}): TrainingSpec {
  const spec: TrainingSpec = { ...DEFAULT_TRAINING_SPEC, ...partial };
  return {
    optimizer: resolveOptimizer(spec.optimizer),
    loss: requireOneOf('loss', spec.loss, LOSS_NAMES),
    epochs: requirePositiveInteger('epochs', spec.epochs),
    batchSize: requirePositiveInteger('batchSize', spec.batchSize),
    inputCorruption: resolveCorruption(spec.inputCorruption),
    l1WeightPenalty: requireNonNegativeNumber('l1WeightPenalty', spec.l1WeightPenalty),
    l1ActivationPenalty: requireNonNegativeNumber('l1ActivationPenalty', spec.l1ActivationPenalty),
  };
}
