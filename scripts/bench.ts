/**
 * Training throughput of the project against tfjs and PyTorch, on the model of the issue
 * (784-128-64-2-64-128-784, ReLU hidden, linear code, sigmoid output, MSE, Adam 1e-3) and the
 * 10,000 digits of the `mnist` package. Prints one JSON line per measurement, then the ratio of
 * the project's speed to PyTorch's. Not a test: timings are not golden.
 *
 *   parent ── for each measurement, one at a time ──> child process (OPENBLAS_NUM_THREADS=1)
 *                                                      └─ warm up, time steady-state steps, print one JSON line
 *
 * Every measurement runs in its own process so that each gets one core, a fresh heap, and
 * OpenBLAS loaded with one thread; running them sequentially keeps them from sharing the machine.
 *
 * The project's lines time trainNetwork as experiments use it: whole epochs, including the
 * evaluation of 2,000 test digits and its diagnostics after every epoch, on the native path (blas)
 * and on the path of machines without a compiler (wasm, forced with --engine wasm, as
 * RELU_AE_ENGINE=wasm would).
 *
 * usage: npm run bench            (all measurements, two to three minutes)
 *        node build/scripts/bench.js --measure KIND --batch SIZE [--engine auto|blas|wasm|tfjs]
 *                                  (one measurement, in this process)
 *        node build/scripts/bench.js --profile blas|blas-typescript|wasm|wasm-typescript --batch SIZE
 *                                  (time per kernel of one training step; see scripts/bench/profile.ts)
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import { positiveNumber, readFlags, runCommand, UsageError } from '../src/lib/commandLine';
import { findProjectRoot } from '../src/lib/paths';
import { ENGINE_PREFERENCES } from '../src/lib/settings';
import type { TrainingEngine } from '../src/lib/engine/types';
import { Measurement, measureTorch, measureTorchProducts, runChild } from './bench/children';
import { defaultModel, digitBatches } from './bench/fixtures';

const MEASUREMENT_KINDS = ['project', 'stepLimit', 'fullScale', 'fullScaleValidated', 'blasEngine', 'wasmEngine', 'tfjsEngine', 'modelFit'] as const;
type MeasurementKind = (typeof MEASUREMENT_KINDS)[number];

/**
 * The measurements in the order they run. The native project line and PyTorch's of the same batch
 * size run alternately, PAIRED_REPEATS times each (see main).
 */
const PLAN: { kind: MeasurementKind; batchSize: number; engine?: string }[] = [
  { kind: 'project', batchSize: 128, engine: 'auto' },
  { kind: 'project', batchSize: 512, engine: 'auto' },
  { kind: 'project', batchSize: 128, engine: 'wasm' },
  { kind: 'project', batchSize: 512, engine: 'wasm' },
  { kind: 'fullScale', batchSize: 128 },
  { kind: 'fullScaleValidated', batchSize: 128 },
  { kind: 'stepLimit', batchSize: 128, engine: 'blas' },
  { kind: 'stepLimit', batchSize: 512, engine: 'blas' },
  { kind: 'stepLimit', batchSize: 128, engine: 'wasm' },
  { kind: 'stepLimit', batchSize: 512, engine: 'wasm' },
  { kind: 'blasEngine', batchSize: 128 },
  { kind: 'wasmEngine', batchSize: 128 },
  { kind: 'tfjsEngine', batchSize: 128 },
  { kind: 'modelFit', batchSize: 128 },
  { kind: 'modelFit', batchSize: 512 },
];
/** Test digits evaluated after every epoch of the project's path, as the report's runs do. */
const TEST_DIGITS = 2000;
const TORCH_BATCH_SIZES = [128, 512];
/**
 * How often the native project line and PyTorch's run, alternately, at each batch size; each
 * reports its best run (load from other processes only ever slows a run down) and lists them all.
 */
const PAIRED_REPEATS = 3;
/** Fast paths train this many epochs and report all but the first. */
const FAST_EPOCHS = 4;
/** Slow paths (tfjs on wasm) are timed over steps after a warm-up, for at least this long. */
const SLOW_MEASURE_SECONDS = 5;
const SLOW_WARMUP_STEPS = 5;

function packageVersion(name: string): string {
  try {
    return JSON.parse(fs.readFileSync(require.resolve(`${name}/package.json`), 'utf8')).version;
  } catch {
    return 'absent';
  }
}

function versions(): Record<string, string> {
  const result: Record<string, string> = { node: process.version, tfjs: packageVersion('@tensorflow/tfjs'), nblas: packageVersion('nblas') };
  const dpkg = spawnSync('dpkg-query', ['-W', '-f=${Version}', 'libopenblas0-pthread'], { encoding: 'utf8' });
  if (dpkg.status === 0 && dpkg.stdout) result.openblas = dpkg.stdout.trim();
  return result;
}

/**
 * The project's own training path: trainNetwork with the given engine preference, timed over whole
 * epochs (steps, then the evaluation of TEST_DIGITS test digits with its diagnostics) after the first.
 */
async function measureProject(batchSize: number, enginePreference: string): Promise<Measurement> {
  const { trainNetwork } = await import('../src/lib/train');
  const { engineIdentity, prepareEngine } = await import('../src/lib/engine/index');
  const engine = await prepareEngine(enginePreference);
  const { network, training } = defaultModel();
  const { images } = digitBatches(batchSize);
  const trainCount = images.length / 784;
  const epochEnds: number[] = [];
  const outcome = trainNetwork({
    network,
    training: { ...training, batchSize, epochs: FAST_EPOCHS },
    trainInputs: images,
    testInputs: images.subarray(0, TEST_DIGITS * 784),
    seed: 1,
    engine,
    onEpoch: () => void epochEnds.push(performance.now()),
  });
  outcome.trainedEngine.dispose();
  const epochs = epochEnds.length - 1;
  const wallSeconds = (epochEnds[epochEnds.length - 1] - epochEnds[0]) / 1000;
  const stepSeconds = outcome.history.slice(1).reduce((total, record) => total + record.seconds, 0);
  return {
    impl: `project (trainNetwork, ${TEST_DIGITS} test digits evaluated per epoch)`,
    backend: `${outcome.engine}/${outcome.backend}`,
    path: engine.name === 'blas' ? 'native' : 'no-native',
    identity: engineIdentity(engine),
    batchSize,
    samplesPerSecond: Math.round((epochs * trainCount) / wallSeconds),
    stepsOnlySamplesPerSecond: Math.round((epochs * trainCount) / stepSeconds),
    evaluationMillisecondsPerEpoch: Math.round(((wallSeconds - stepSeconds) / epochs) * 1000 * 10) / 10,
    epochsMeasured: epochs,
    versions: versions(),
  };
}

/** An engine driven directly over pre-shuffled batches: epochs for the fast engines, steps for the slow one. */
async function measureEngine(kind: 'blasEngine' | 'wasmEngine' | 'tfjsEngine', batchSize: number): Promise<Measurement> {
  const options = defaultModel();
  const { batches } = digitBatches(batchSize);
  const fast = kind !== 'tfjsEngine';
  let engine: TrainingEngine;
  if (kind === 'blasEngine') {
    engine = (await import('../src/lib/engine/blasEngine')).createBlasEngine(options);
  } else if (kind === 'wasmEngine') {
    engine = (await import('../src/lib/engine/wasmEngine')).createWasmEngine(options);
  } else {
    await (await import('../src/lib/backend')).initializeBackend('wasm');
    engine = (await import('../src/lib/engine/tfjsEngine')).createTfjsEngine(options);
  }
  const step = (index: number) => {
    const batch = batches[index % batches.length];
    engine.trainStep({ inputs: batch.inputs, targets: batch.inputs, batchSize: batch.batchSize });
    return batch.batchSize;
  };
  let samples = 0;
  let steps = 0;
  let started: bigint;
  if (fast) {
    for (let index = 0; index < batches.length; index++) step(index);
    started = process.hrtime.bigint();
    for (let epoch = 1; epoch < FAST_EPOCHS; epoch++) for (let index = 0; index < batches.length; index++, steps++) samples += step(index);
  } else {
    for (let index = 0; index < SLOW_WARMUP_STEPS; index++) step(index);
    started = process.hrtime.bigint();
    while (Number(process.hrtime.bigint() - started) / 1e9 < SLOW_MEASURE_SECONDS) samples += step(SLOW_WARMUP_STEPS + steps++);
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const result: Measurement = {
    impl: `${kind.replace('Engine', '')} engine (direct, steps only)`, backend: engine.backend, batchSize,
    samplesPerSecond: Math.round(samples / seconds), versions: versions(),
  };
  if (fast) result.epochsMeasured = FAST_EPOCHS - 1;
  else result.stepsMeasured = steps;
  engine.dispose();
  return result;
}

/** Plain tfjs: a tf.sequential with the same layers and model.fit, timed on its second epoch. */
async function measureModelFit(batchSize: number): Promise<Measurement> {
  await (await import('../src/lib/backend')).initializeBackend('wasm');
  const tf = await import('@tensorflow/tfjs');
  const { buildTfModel } = await import('../src/lib/tfjs/layers');
  const { network, initialParameters } = defaultModel();
  const { images } = digitBatches(batchSize);
  const model = buildTfModel(network, initialParameters);
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'meanSquaredError' });
  const inputs = tf.tensor2d(images, [images.length / 784, 784]);
  const epochStarts: number[] = [];
  const epochEnds: number[] = [];
  await model.fit(inputs, inputs, {
    batchSize, epochs: 2, shuffle: false, verbose: 0,
    callbacks: { onEpochBegin: async () => void epochStarts.push(performance.now()), onEpochEnd: async () => void epochEnds.push(performance.now()) },
  });
  const seconds = (epochEnds[1] - epochStarts[1]) / 1000;
  inputs.dispose();
  model.dispose();
  return {
    impl: 'tfjs model.fit', backend: tf.getBackend(), batchSize, samplesPerSecond: Math.round(images.length / 784 / seconds),
    epochsMeasured: 1, versions: versions(),
  };
}

/** Runs one measurement in this process and prints its line. */
async function measure(kind: MeasurementKind, batchSize: number, enginePreference: string): Promise<void> {
  const result =
    kind === 'project' ? await measureProject(batchSize, enginePreference)
      : kind === 'fullScale' || kind === 'fullScaleValidated'
        ? await (await import('./bench/fullScale')).measureFullScale({ batchSize, validation: kind === 'fullScaleValidated' })
      : kind === 'stepLimit' ? (await import('./bench/stepLimit')).measureStepLimit({ engine: enginePreference === 'wasm' ? 'wasm' : 'blas', batchSize })
      : kind === 'modelFit' ? await measureModelFit(batchSize)
        : await measureEngine(kind, batchSize);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

function main(): void {
  const root = findProjectRoot(__dirname);
  const results: (Measurement & Record<string, unknown>)[] = [];
  const emit = (line: Measurement & Record<string, unknown>) => {
    results.push(line);
    process.stdout.write(`${JSON.stringify(line)}\n`);
  };
  const measureChild = (kind: MeasurementKind, batchSize: number, engine?: string) => {
    const args = [__filename, '--measure', kind, '--batch', String(batchSize), ...(engine ? ['--engine', engine] : [])];
    return runChild(process.execPath, args, { impl: kind, backend: engine ?? '', batchSize });
  };
  /** The best of several runs (by samples/s), listing every run's figure. */
  const best = (runs: (Measurement & Record<string, unknown>)[]) => ({
    ...runs.reduce((fastest, run) => ((run.samplesPerSecond ?? 0) > (fastest.samplesPerSecond ?? 0) ? run : fastest)),
    runs: runs.map((run) => run.samplesPerSecond),
  });
  for (const { kind, batchSize, engine } of PLAN) {
    if (!(kind === 'project' && engine === 'auto' && TORCH_BATCH_SIZES.includes(batchSize))) {
      emit(measureChild(kind, batchSize, engine));
      continue;
    }
    // The ratio is only as good as its two measurements are close in time under the same load:
    // the native path and PyTorch take turns.
    const projectRuns: (Measurement & Record<string, unknown>)[] = [];
    const torchRuns: (Measurement & Record<string, unknown>)[] = [];
    for (let repeat = 0; repeat < PAIRED_REPEATS; repeat++) {
      projectRuns.push(measureChild(kind, batchSize, engine));
      torchRuns.push(measureTorch(root, batchSize));
    }
    emit(best(projectRuns));
    emit(best(torchRuns));
  }
  measureTorchProducts(root, TORCH_BATCH_SIZES).forEach(emit);
  for (const batchSize of TORCH_BATCH_SIZES) {
    const torch = results.find((line) => line.impl === 'pytorch' && line.batchSize === batchSize)?.samplesPerSecond;
    for (const path of ['native', 'no-native']) {
      const project = results.find((line) => line.path === path && line.batchSize === batchSize)?.samplesPerSecond;
      if (project && torch) {
        const ratio = Math.round((project / torch) * 100) / 100;
        process.stdout.write(`${JSON.stringify({ impl: `ratio project/pytorch (${path})`, batchSize, ratio, project, pytorch: torch })}\n`);
      }
    }
  }
}

const PROFILED_ENGINES = ['blas', 'blas-typescript', 'wasm', 'wasm-typescript'] as const;
const BENCH_USAGE = `usage: npm run bench  |  node build/scripts/bench.js --measure ${MEASUREMENT_KINDS.join('|')} [--batch SIZE] [--engine ${ENGINE_PREFERENCES.join('|')}]  |  node build/scripts/bench.js --profile ${PROFILED_ENGINES.join('|')} [--batch SIZE]`;

/** What the command line asks for: every measurement, one measurement, or one engine's step profile. */
type BenchRequest = { mode: 'all' } | { mode: 'measure'; kind: MeasurementKind; batchSize: number; engine: string } | { mode: 'profile'; engine: string; batchSize: number };

/** Reads the bench's command line; a mistake is a UsageError. */
export function parseBenchArguments(argv: ReadonlyArray<string>): BenchRequest {
  const flags = readFlags(argv, { '--measure': 'value', '--profile': 'value', '--batch': 'value', '--engine': 'value' }, BENCH_USAGE);
  const batchText = flags.get('--batch');
  const batchSize = batchText === undefined ? 128 : positiveNumber('--batch', batchText, BENCH_USAGE, true);
  const oneOf = (flag: string, value: string, allowed: ReadonlyArray<string>): string => {
    if (!allowed.includes(value)) throw new UsageError(`${flag} must be one of ${allowed.join(', ')}, not ${JSON.stringify(value)}`, BENCH_USAGE);
    return value;
  };
  const measure = flags.get('--measure');
  const profile = flags.get('--profile');
  if (measure !== undefined && profile !== undefined) throw new UsageError('give --measure or --profile, not both', BENCH_USAGE);
  if (flags.has('--engine') && measure === undefined) throw new UsageError('--engine goes with --measure', BENCH_USAGE);
  if (measure !== undefined) {
    return { mode: 'measure', kind: oneOf('--measure', measure, MEASUREMENT_KINDS) as MeasurementKind, batchSize, engine: oneOf('--engine', flags.get('--engine') ?? 'auto', ENGINE_PREFERENCES) };
  }
  if (profile !== undefined) return { mode: 'profile', engine: oneOf('--profile', profile, PROFILED_ENGINES), batchSize };
  if (batchText !== undefined) throw new UsageError('--batch goes with --measure or --profile; the whole bench chooses its own batch sizes', BENCH_USAGE);
  return { mode: 'all' };
}

async function benchMain(): Promise<number> {
  const request = parseBenchArguments(process.argv.slice(2));
  if (request.mode === 'measure') await measure(request.kind, request.batchSize, request.engine);
  else if (request.mode === 'profile') {
    const { profileStep } = await import('./bench/profile');
    profileStep({ engine: request.engine, batchSize: request.batchSize });
  } else main();
  return 0;
}

if (require.main === module) runCommand('bench', benchMain);
