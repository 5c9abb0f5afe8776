/**
 * Seeded training. The trainer owns every random choice (batch order, input corruption,
 * pre-activation noise) and draws each from a named stream of the run's seed; the engine only does
 * arithmetic. Same (config, data, seed) on the same engine → the same history, bit for bit. With a
 * constant learning rate, the first k epochs of a long run are exactly a k-epoch run, so one long
 * run answers every shorter training budget.
 *
 *   untrained test MSE (the divergence reference)
 *   for each epoch: permutation(seed, epoch) → batches → corrupt(seed, epoch) → engine.trainStep
 *                   → validation and test evaluation → divergence check → onEpoch(record)
 */
import { Batch, TrainingEngine } from './engine/types';
import { rowGatherer } from './engine/gather';
import { createEngine, EngineChoice } from './engine/index';
import { activationBuffers, evaluateInSlices, SetEvaluation, SetMetrics } from './evaluate';
import { initializeParameters } from './model';
import { createRandom, permutation, RandomSource } from './random';
import { InitializerName, InputCorruption, NetworkSpec, Parameters, SpecError, TrainingSpec } from './spec';

/** One epoch's record in a run's history. */
export interface EpochRecord {
  epoch: number;
  /** Mean objective (loss + penalties) over the epoch's batches, weighted by batch size. */
  trainLoss: number;
  /** Mean reconstruction loss over the epoch's batches (on corrupted inputs when corruption is on). */
  trainReconstructionLoss: number;
  /** MSE on the validation examples after the epoch; null without a validation set. */
  validationMse: number | null;
  /** Reconstruction loss (the training loss function) on the clean test set after the epoch. */
  testLoss: number;
  /** Mean squared error on the clean test set after the epoch: the report's metric. */
  testMse: number;
  /** Per layer, fraction of dead units on the test set (null for non-ReLU layers). */
  deadFraction: (number | null)[];
  /** Wall-clock seconds of the epoch's training steps. */
  seconds: number;
}

/**
 * A run's test MSE counts as diverged once it exceeds this multiple of the untrained network's:
 * training that ends a hundred times worse than where it started has blown up, even while every
 * number is still finite (Adam at rate 10 reaches 1e21).
 */
export const DIVERGENCE_FACTOR = 100;

/** Where and why a run diverged. */
export interface Divergence {
  epoch: number;
  /** The batch within the epoch, or -1 when the evaluation after the epoch found it. */
  step: number;
  /** The non-finite loss as text ('NaN', 'Infinity'), which JSON keeps; null when not a loss. */
  loss: string | null;
  reason: string;
}

export interface TrainNetworkOptions {
  network: NetworkSpec;
  training: TrainingSpec;
  /** Row-major [trainCount × inputSize]. */
  trainInputs: Float32Array;
  /** Reconstruction targets; default trainInputs (an autoencoder). */
  trainTargets?: Float32Array;
  /** Validation inputs (reconstructed as targets), evaluated after every epoch; optional. */
  validationInputs?: Float32Array;
  testInputs: Float32Array;
  testTargets?: Float32Array;
  seed: number;
  /** Default: initializeParameters with `initializer` and `seed`. */
  initialParameters?: Parameters;
  initializer?: InitializerName;
  /** The engine, from `await prepareEngine()`. */
  engine: EngineChoice;
  onEpoch?: (record: EpochRecord) => void;
}

export interface NetworkTrainingOutcome {
  history: EpochRecord[];
  diverged: Divergence | null;
  /** The untrained network's test MSE, the reference of the divergence rule. */
  initialTestMse: number;
  engine: string;
  backend: string;
  /** Training samples per second over all epochs (steps only, evaluation excluded). */
  samplesPerSecond: number;
  /** The evaluation on the test set after the last finished epoch (with every layer's activations). */
  finalTestEvaluation: SetEvaluation | null;
  /** The trained engine, still holding the final parameters; the caller disposes it. */
  trainedEngine: TrainingEngine;
}

/** Corrupts a batch of inputs in place (the targets are separate and stay clean). */
function corruptInPlace(values: Float32Array, count: number, corruption: InputCorruption, random: RandomSource): void {
  if (corruption.kind === 'mask') {
    for (let index = 0; index < count; index++) if (random.next() < corruption.fraction) values[index] = 0;
  } else if (corruption.kind === 'gaussian') {
    for (let index = 0; index < count; index++) values[index] += corruption.stddev * random.nextNormal();
  }
}

function rowCount(values: Float32Array, width: number, field: string): number {
  if (values.length % width !== 0) {
    throw new SpecError(field, `has ${values.length} values, not a multiple of the network's input size ${width}`);
  }
  if (values.length === 0) throw new SpecError(field, 'is empty: there is nothing to train or evaluate on');
  return values.length / width;
}

/** Trains a dense network; see the module comment for what is seeded how. */
export function trainNetwork(options: TrainNetworkOptions): NetworkTrainingOutcome {
  const { network, training, seed } = options;
  const inputSize = network.layers[0].inputSize;
  const outputSize = network.layers[network.layers.length - 1].outputSize;
  const trainCount = rowCount(options.trainInputs, inputSize, 'trainInputs');
  rowCount(options.testInputs, inputSize, 'testInputs');
  if (options.validationInputs) rowCount(options.validationInputs, inputSize, 'validationInputs');
  const separateTargets = options.trainTargets !== undefined && options.trainTargets !== options.trainInputs;
  const trainTargets = options.trainTargets ?? options.trainInputs;
  if (trainTargets.length !== trainCount * outputSize) {
    throw new SpecError('trainTargets', `has ${trainTargets.length} values; expected ${trainCount} × ${outputSize}`);
  }
  const testTargets = options.testTargets ?? options.testInputs;
  const initialParameters =
    options.initialParameters ?? initializeParameters({ network, initializer: options.initializer ?? 'glorotUniform', seed });
  const engine = createEngine({ network, training, initialParameters }, options.engine);

  // Evaluations run slice by slice and keep no activations (evaluateInSlices), except the one after
  // the last epoch, whose activations the result keeps (finalTestEvaluation).
  const testCount = options.testInputs.length / inputSize;
  const evaluateTest = (activations?: Float32Array[]): SetMetrics =>
    evaluateInSlices(engine, network, training.loss, options.testInputs, testTargets, activations);
  const initialTestMse = evaluateTest().meanSquaredError;
  const divergenceLimit = DIVERGENCE_FACTOR * initialTestMse;

  // Batch buffers are allocated once. Without corruption and separate targets, an autoencoder's
  // targets are its inputs: one buffer serves both. With corruption, the targets stay a clean copy.
  const corrupted = training.inputCorruption.kind !== 'none';
  const inputBuffer = new Float32Array(training.batchSize * inputSize);
  const targetBuffer = separateTargets || corrupted ? new Float32Array(training.batchSize * outputSize) : inputBuffer;
  const noisyLayers = network.layers.map((layer) => layer.preActivationNoiseStddev > 0);
  const noiseBuffers = noisyLayers.some(Boolean)
    ? network.layers.map((layer, index) => (noisyLayers[index] ? new Float32Array(training.batchSize * layer.outputSize) : null))
    : null;

  const gatherRows = rowGatherer();
  const history: EpochRecord[] = [];
  let diverged: Divergence | null = null;
  let finalTestEvaluation: SetEvaluation | null = null;
  let trainingSeconds = 0;
  let samplesSeen = 0;
  for (let epoch = 1; epoch <= training.epochs && diverged === null; epoch++) {
    const order = permutation(trainCount, createRandom(seed, `shuffle/${epoch}`));
    const corruptionRandom = createRandom(seed, `corruption/${epoch}`);
    const noiseRandom = createRandom(seed, `preActivationNoise/${epoch}`);
    let lossSum = 0;
    let reconstructionSum = 0;
    const started = process.hrtime.bigint();
    for (let start = 0, step = 0; start < trainCount; start += training.batchSize, step++) {
      const batchSize = Math.min(training.batchSize, trainCount - start);
      const inputs = batchSize === training.batchSize ? inputBuffer : inputBuffer.subarray(0, batchSize * inputSize);
      const targets = batchSize === training.batchSize ? targetBuffer : targetBuffer.subarray(0, batchSize * outputSize);
      gatherRows(options.trainInputs, order, start, batchSize, inputSize, inputs);
      if (targets !== inputs) gatherRows(trainTargets, order, start, batchSize, outputSize, targets);
      corruptInPlace(inputs, batchSize * inputSize, training.inputCorruption, corruptionRandom);
      const batch: Batch = { inputs, targets, batchSize };
      if (noiseBuffers) {
        batch.preActivationNoise = network.layers.map((layer, index) => {
          const buffer = noiseBuffers[index];
          if (!buffer) return null;
          const noise = buffer.subarray(0, batchSize * layer.outputSize);
          for (let position = 0; position < noise.length; position++) {
            noise[position] = layer.preActivationNoiseStddev * noiseRandom.nextNormal();
          }
          return noise;
        });
      }
      const { loss, reconstructionLoss: batchReconstruction } = engine.trainStep(batch);
      if (!Number.isFinite(loss)) {
        diverged = { epoch, step, loss: String(loss), reason: `the training loss became ${loss} at batch ${step} of epoch ${epoch}` };
        break;
      }
      lossSum += loss * batchSize;
      reconstructionSum += batchReconstruction * batchSize;
      samplesSeen += batchSize;
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    trainingSeconds += seconds;
    if (diverged !== null) break;
    const finalActivations = epoch === training.epochs ? activationBuffers(network, testCount) : undefined;
    const evaluation = evaluateTest(finalActivations);
    const testMse = evaluation.meanSquaredError;
    if (!Number.isFinite(testMse) || testMse > divergenceLimit) {
      diverged = {
        epoch,
        step: -1,
        loss: null,
        reason: `the test MSE after epoch ${epoch} is ${testMse.toPrecision(3)}, over ${DIVERGENCE_FACTOR}× the untrained network's ${initialTestMse.toPrecision(3)}`,
      };
      break;
    }
    const validationMse = options.validationInputs
      ? evaluateInSlices(engine, network, training.loss, options.validationInputs).meanSquaredError
      : null;
    const record: EpochRecord = {
      epoch,
      trainLoss: lossSum / trainCount,
      trainReconstructionLoss: reconstructionSum / trainCount,
      validationMse,
      testLoss: evaluation.loss,
      testMse,
      deadFraction: evaluation.deadFraction,
      seconds,
    };
    finalTestEvaluation = finalActivations ? { ...evaluation, activations: finalActivations } : null;
    history.push(record);
    options.onEpoch?.(record);
  }
  return {
    history,
    diverged,
    initialTestMse,
    engine: engine.name,
    backend: engine.backend,
    samplesPerSecond: trainingSeconds > 0 ? samplesSeen / trainingSeconds : 0,
    finalTestEvaluation: diverged === null ? finalTestEvaluation : null,
    trainedEngine: engine,
  };
}
