/**
 * Seeded training. The trainer owns every random choice (batch order, input corruption,
 * pre-activation noise) and draws each from a named stream of the run's seed; the engine only does
 * arithmetic. Same (config, data, seed) on the same engine and backend → the same history, bit for bit.
 *
 *   for each epoch: permutation(seed, epoch) → batches → corrupt(seed, epoch) → engine.trainStep
 *                   → evaluate on the test set → onEpoch(record)
 */
import { createEngine } from './engine/index';
import { Batch, TrainingEngine } from './engine/types';
import { deadUnitFractions, meanSquaredError, reconstructionLoss } from './evaluate';
import { initializeParameters } from './model';
import { createRandom, permutation, RandomSource } from './random';
import { InitializerName, InputCorruption, NetworkSpec, Parameters, TrainingSpec } from './spec';
import { SpecError } from './validate';

/** One epoch's record in a run's history. */
export interface EpochRecord {
  epoch: number;
  /** Mean objective (loss + penalties) over the epoch's batches, weighted by batch size. */
  trainLoss: number;
  /** Mean reconstruction loss over the epoch's batches (on corrupted inputs when corruption is on). */
  trainReconstructionLoss: number;
  /** Reconstruction loss (the training loss function) on the clean test set after the epoch. */
  testLoss: number;
  /** Mean squared error on the clean test set after the epoch: the report's metric. */
  testMse: number;
  /** Per layer, fraction of dead units on the test set (null for non-ReLU layers). */
  deadFraction: (number | null)[];
  /** Wall-clock seconds of the epoch's training steps. */
  seconds: number;
}

/** Where a run diverged (a non-finite loss), if it did. */
export interface Divergence {
  epoch: number;
  step: number;
  /** The non-finite loss as text ('NaN', 'Infinity', '-Infinity'), which JSON keeps; null when the test MSE was. */
  loss: string | null;
}

export interface TrainNetworkOptions {
  network: NetworkSpec;
  training: TrainingSpec;
  /** Row-major [trainCount × inputSize]. */
  trainInputs: Float32Array;
  /** Reconstruction targets; default trainInputs (an autoencoder). */
  trainTargets?: Float32Array;
  testInputs: Float32Array;
  testTargets?: Float32Array;
  seed: number;
  /** Default: initializeParameters with `initializer` and `seed`. */
  initialParameters?: Parameters;
  initializer?: InitializerName;
  /** Engine preference: 'auto' (default, or RELU_AE_ENGINE), 'blas', 'tfjs'. */
  engine?: string;
  onEpoch?: (record: EpochRecord) => void;
}

export interface NetworkTrainingOutcome {
  history: EpochRecord[];
  diverged: Divergence | null;
  engine: string;
  backend: string;
  /** Training samples per second over all epochs (steps only, evaluation excluded). */
  samplesPerSecond: number;
  /** The trained engine, still holding the final parameters; the caller disposes it. */
  trainedEngine: TrainingEngine;
}

/** Corrupts a batch of inputs in place (the targets are separate and stay clean). */
function corruptInPlace(values: Float32Array, corruption: InputCorruption, random: RandomSource): void {
  if (corruption.kind === 'mask') {
    for (let index = 0; index < values.length; index++) if (random.next() < corruption.fraction) values[index] = 0;
  } else if (corruption.kind === 'gaussian') {
    for (let index = 0; index < values.length; index++) values[index] += corruption.stddev * random.nextNormal();
  }
}

function rowCount(values: Float32Array, width: number, field: string): number {
  if (values.length % width !== 0) {
    throw new SpecError(field, `has ${values.length} values, not a multiple of the network's input size ${width}`);
  }
  return values.length / width;
}

/** Test loss, MSE and dead fractions of the engine's current parameters. */
export function evaluateOnSet(
  engine: TrainingEngine,
  network: NetworkSpec,
  loss: TrainingSpec['loss'],
  inputs: Float32Array,
  targets: Float32Array,
): { testLoss: number; testMse: number; deadFraction: (number | null)[]; activations: Float32Array[] } {
  const count = inputs.length / network.layers[0].inputSize;
  const activations = engine.forward(inputs, count);
  const reconstructions = activations[activations.length - 1];
  return {
    testLoss: reconstructionLoss(loss, reconstructions, targets),
    testMse: meanSquaredError(reconstructions, targets),
    deadFraction: deadUnitFractions(network, activations, count),
    activations,
  };
}

/** Trains a dense network; see the module comment for what is seeded how. */
export function trainNetwork(options: TrainNetworkOptions): NetworkTrainingOutcome {
  const { network, training, seed } = options;
  const inputSize = network.layers[0].inputSize;
  const outputSize = network.layers[network.layers.length - 1].outputSize;
  const trainTargets = options.trainTargets ?? options.trainInputs;
  const testTargets = options.testTargets ?? options.testInputs;
  const trainCount = rowCount(options.trainInputs, inputSize, 'trainInputs');
  rowCount(options.testInputs, inputSize, 'testInputs');
  if (trainTargets.length !== trainCount * outputSize) {
    throw new SpecError('trainTargets', `has ${trainTargets.length} values; expected ${trainCount} × ${outputSize}`);
  }
  const initialParameters =
    options.initialParameters ?? initializeParameters({ network, initializer: options.initializer, seed });
  const engine = createEngine({ network, training, initialParameters }, options.engine);

  const history: EpochRecord[] = [];
  let diverged: Divergence | null = null;
  let trainingSeconds = 0;
  let samplesSeen = 0;
  const noisyLayers = network.layers.map((layer) => layer.preActivationNoiseStddev > 0);
  for (let epoch = 1; epoch <= training.epochs && diverged === null; epoch++) {
    const order = permutation(trainCount, createRandom(seed, `shuffle/${epoch}`));
    const corruptionRandom = createRandom(seed, `corruption/${epoch}`);
    const noiseRandom = createRandom(seed, `preActivationNoise/${epoch}`);
    let lossSum = 0;
    let reconstructionSum = 0;
    const started = process.hrtime.bigint();
    for (let start = 0, step = 0; start < trainCount; start += training.batchSize, step++) {
      const batchSize = Math.min(training.batchSize, trainCount - start);
      const inputs = new Float32Array(batchSize * inputSize);
      const targets = new Float32Array(batchSize * outputSize);
      for (let row = 0; row < batchSize; row++) {
        const source = order[start + row];
        inputs.set(options.trainInputs.subarray(source * inputSize, (source + 1) * inputSize), row * inputSize);
        targets.set(trainTargets.subarray(source * outputSize, (source + 1) * outputSize), row * outputSize);
      }
      corruptInPlace(inputs, training.inputCorruption, corruptionRandom);
      const batch: Batch = { inputs, targets, batchSize };
      if (noisyLayers.some(Boolean)) {
        batch.preActivationNoise = network.layers.map((layer, index) => {
          if (!noisyLayers[index]) return null;
          const noise = new Float32Array(batchSize * layer.outputSize);
          for (let position = 0; position < noise.length; position++) {
            noise[position] = layer.preActivationNoiseStddev * noiseRandom.nextNormal();
          }
          return noise;
        });
      }
      const { loss, reconstructionLoss: batchReconstruction } = engine.trainStep(batch);
      if (!Number.isFinite(loss)) {
        diverged = { epoch, step, loss: String(loss) };
        break;
      }
      lossSum += loss * batchSize;
      reconstructionSum += batchReconstruction * batchSize;
      samplesSeen += batchSize;
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    trainingSeconds += seconds;
    if (diverged !== null) break;
    const evaluation = evaluateOnSet(engine, network, training.loss, options.testInputs, testTargets);
    if (!Number.isFinite(evaluation.testMse)) {
      diverged = { epoch, step: -1, loss: null };
      break;
    }
    const record: EpochRecord = {
      epoch,
      trainLoss: lossSum / trainCount,
      trainReconstructionLoss: reconstructionSum / trainCount,
      testLoss: evaluation.testLoss,
      testMse: evaluation.testMse,
      deadFraction: evaluation.deadFraction,
      seconds,
    };
    history.push(record);
    options.onEpoch?.(record);
  }
  return {
    history,
    diverged,
    engine: engine.name,
    backend: engine.backend,
    samplesPerSecond: trainingSeconds > 0 ? samplesSeen / trainingSeconds : 0,
    trainedEngine: engine,
  };
}
