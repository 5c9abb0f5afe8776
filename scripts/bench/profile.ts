/**
 * Where a training step's time goes: the dense engine of the bench's model with every matrix
 * product and every step kernel wrapped in a timer, over steady-state steps of the embedded
 * digits. Prints one line per kernel (milliseconds per step) and a summary line; the remainder is
 * what is neither (batch copies, calls, the engine's own loops). Timers add about a microsecond
 * per call, so the kernels of tiny layers read a little high.
 *
 * usage: node build/scripts/bench.js --profile blas|blas-typescript|wasm|wasm-typescript --batch SIZE
 */
import { createBlasProducts } from '../../src/lib/engine/blasEngine';
import { createDenseEngine } from '../../src/lib/engine/denseEngine';
import { StepKernels, TYPESCRIPT_KERNELS } from '../../src/lib/engine/kernels';
import { MatrixProducts, ProductShape } from '../../src/lib/engine/matrixProducts';
import { loadNativeKernels } from '../../src/lib/engine/nativeKernels';
import { createWasmArithmetic } from '../../src/lib/engine/wasm/arithmetic';
import { loadEmbeddedDigits } from '../../src/lib/data';
import { initializeParameters, networkFromSpec } from '../../src/lib/model';
import { DEFAULT_AUTOENCODER_SPEC, DEFAULT_TRAINING_SPEC } from '../../src/lib/spec';

/** Options of profileStep. */
export interface ProfileOptions {
  /**
   * 'blas' (OpenBLAS, native kernels where built), 'blas-typescript' (OpenBLAS, TypeScript kernels),
   * 'wasm' (WebAssembly products and kernels), 'wasm-typescript' (WebAssembly products, TypeScript kernels).
   */
  engine: string;
  batchSize: number;
}

const WARMUP_STEPS = 60;
/** Steady-state samples timed, whatever the batch size. */
const MEASURED_SAMPLES = 40_000;

export function profileStep(options: ProfileOptions): void {
  const network = networkFromSpec(DEFAULT_AUTOENCODER_SPEC);
  const widest = Math.max(...network.layers.flatMap((layer) => [layer.inputSize, layer.outputSize]));
  const onWasm = options.engine.startsWith('wasm');
  const wasm = onWasm ? createWasmArithmetic({ maximumLayerWidth: widest }) : null;
  const products: MatrixProducts = wasm ? wasm.products : createBlasProducts();
  const kernels: StepKernels = options.engine.endsWith('typescript')
    ? TYPESCRIPT_KERNELS
    : wasm ? wasm.kernels : loadNativeKernels().kernels ?? TYPESCRIPT_KERNELS;

  const nanoseconds = new Map<string, number>();
  const timed = <Arguments extends unknown[], Result>(body: (...args: Arguments) => Result, label: (...args: Arguments) => string) =>
    (...args: Arguments): Result => {
      const started = process.hrtime.bigint();
      const result = body(...args);
      const key = label(...args);
      nanoseconds.set(key, (nanoseconds.get(key) ?? 0) + Number(process.hrtime.bigint() - started));
      return result;
    };
  const shapeLabel = (kind: string) => (shape: ProductShape) => `matmul ${kind} ${shape.rows}×${shape.inputSize}→${shape.outputSize}`;
  const timedProducts: MatrixProducts = {
    ...products,
    allocateRegion: (lengths, rows) => products.allocateRegion(lengths, rows),
    forward: timed(products.forward, shapeLabel('forward X·W')),
    weightGradient: timed(products.weightGradient, shapeLabel('dW = Xᵀ·dZ')),
    inputGradient: timed(products.inputGradient, shapeLabel('dX = dZ·Wᵀ')),
  };
  const timedKernels: StepKernels = {
    name: kernels.name,
    applyActivation: timed(kernels.applyActivation, (activation) => `activation ${activation.name}`),
    multiplyByActivationDerivative: timed(kernels.multiplyByActivationDerivative, (activation) => `derivative ${activation.name}`),
    reconstructionLossAndGradient: timed(kernels.reconstructionLossAndGradient, () => 'loss and its gradient'),
    outputLayerLossAndGradient: timed(kernels.outputLayerLossAndGradient, (activation) => `output layer: ${activation.name}, loss, gradient, derivative`),
    addSquaredErrors: kernels.addSquaredErrors,
    sumColumns: timed(kernels.sumColumns, () => 'bias gradient of the output layer'),
    derivativeAndColumnSums: timed(kernels.derivativeAndColumnSums, (activation) => `derivative ${activation.name} and bias gradient`),
    broadcastRows: timed(kernels.broadcastRows, () => 'bias rows (all layers)'),
    optimizerUpdates: { ...kernels.optimizerUpdates, adam: timed(kernels.optimizerUpdates.adam, () => 'Adam') },
  };
  const batchSize = options.batchSize;
  const engine = createDenseEngine({
    engine: { network, training: { ...DEFAULT_TRAINING_SPEC, batchSize }, initialParameters: initializeParameters({ network, initializer: 'glorotUniform', seed: 1 }) },
    name: options.engine,
    products: timedProducts,
    kernels: timedKernels,
  });
  const digits = loadEmbeddedDigits();
  const batchCount = Math.floor(digits.count / batchSize);
  const step = (index: number) => {
    const start = (index % batchCount) * batchSize * 784;
    const inputs = digits.images.subarray(start, start + batchSize * 784);
    engine.trainStep({ inputs, targets: inputs, batchSize });
  };
  for (let index = 0; index < WARMUP_STEPS; index++) step(index);
  nanoseconds.clear();
  const steps = Math.max(10, Math.round(MEASURED_SAMPLES / batchSize));
  const started = process.hrtime.bigint();
  for (let index = 0; index < steps; index++) step(index);
  const stepMilliseconds = Number(process.hrtime.bigint() - started) / steps / 1e6;
  const rows = [...nanoseconds.entries()].map(([label, total]) => ({ label, milliseconds: total / steps / 1e6 })).sort((a, b) => b.milliseconds - a.milliseconds);
  const sum = (filter: (label: string) => boolean) => rows.filter((row) => filter(row.label)).reduce((total, row) => total + row.milliseconds, 0);
  for (const row of rows) process.stdout.write(`${JSON.stringify({ kernel: row.label, millisecondsPerStep: Math.round(row.milliseconds * 1e4) / 1e4 })}\n`);
  const matrixMilliseconds = sum((label) => label.startsWith('matmul'));
  const kernelMilliseconds = sum(() => true);
  process.stdout.write(`${JSON.stringify({
    engine: options.engine, products: products.backend, kernels: kernels.name, batchSize,
    stepMilliseconds: Math.round(stepMilliseconds * 1e3) / 1e3,
    matrixProductMilliseconds: Math.round(matrixMilliseconds * 1e3) / 1e3,
    otherKernelMilliseconds: Math.round((kernelMilliseconds - matrixMilliseconds) * 1e3) / 1e3,
    remainderMilliseconds: Math.round((stepMilliseconds - kernelMilliseconds) * 1e3) / 1e3,
    samplesPerSecond: Math.round((batchSize / stepMilliseconds) * 1000),
  })}\n`);
}
