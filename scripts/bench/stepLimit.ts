/**
 * A training step against its own matrix products (productList.ts), in one process and taking turns
 * round by round: the engine's steps on the bench's model (each on a batch just gathered, as in
 * trainNetwork, the gathering untimed), then the step's 17 products alone through
 * the same binding — for the native engine in the engine's layout and in every other layout, for the
 * WebAssembly engine through its own products. The ratio of the step's time to the products' is how
 * far the step is from the machine's limit.
 */
import { blasAvailable, createBlasEngine } from '../../src/lib/engine/blasEngine';
import type { TrainingEngine } from '../../src/lib/engine/types';
import { createWasmProducts } from '../../src/lib/engine/wasm/arithmetic';
import { createWasmEngine } from '../../src/lib/engine/wasmEngine';
import { defaultModel, digitBatches, layerSizesOf } from './fixtures';
import { bestTimes, matrixProductList, PRODUCT_LAYOUTS, runSgemmList, SgemmBinding, sgemmProductList } from './productList';

/** Samples per timed round, as product_limit.py times; the best of ROUNDS rounds counts. */
const SAMPLES_PER_ROUND = 30_000;
const ROUNDS = 5;

const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;

/** Options of measureStepLimit. */
export interface StepLimitOptions {
  engine: 'blas' | 'wasm';
  batchSize: number;
}

/** One bench line: the step's and its products' milliseconds, and their ratio. */
export function measureStepLimit(options: StepLimitOptions): Record<string, unknown> {
  const { batchSize } = options;
  const model = defaultModel();
  const layerSizes = layerSizesOf(model.network);
  const engineOptions = { ...model, training: { ...model.training, batchSize } };
  if (options.engine === 'blas' && !blasAvailable().available) throw new Error(`the blas engine is unavailable: ${blasAvailable().reason}`);
  const engine: TrainingEngine = options.engine === 'blas' ? createBlasEngine(engineOptions) : createWasmEngine(engineOptions);
  const batches = digitBatches(batchSize).batches.filter((batch) => batch.batchSize === batchSize);
  // As the trainer does, each batch is first gathered into a buffer of its own (untimed, as that is
  // data handling), so that the step finds it where the product list finds its inputs: in cache.
  const gathered = new Float32Array(batchSize * layerSizes[0]);
  let next = 0;
  const step = (): number => {
    gathered.set(batches[next++ % batches.length].inputs);
    const started = process.hrtime.bigint();
    engine.trainStep({ inputs: gathered, targets: gathered, batchSize });
    return Number(process.hrtime.bigint() - started) / 1e6;
  };
  let lists: { name: string; run: () => void }[];
  if (options.engine === 'blas') {
    // Loaded as the engine loads it, with one OpenBLAS thread (blasEngine.ts set the variable first).
    const blas = require('nblas') as SgemmBinding;
    lists = PRODUCT_LAYOUTS.map((layout) => {
      const calls = sgemmProductList(layerSizes, batchSize, layout);
      return { name: layout.name, run: () => runSgemmList(blas, calls) };
    });
  } else {
    const products = createWasmProducts({ maximumLayerWidth: Math.max(...layerSizes, batchSize) });
    lists = [{ name: 'engine: the wasm products', run: matrixProductList(products, layerSizes, batchSize) }];
  }
  const repeats = Math.max(5, Math.round(SAMPLES_PER_ROUND / batchSize));
  const [stepMilliseconds, ...listMilliseconds] = bestTimes([step, ...lists.map((list) => list.run)], { repeats, rounds: ROUNDS, warmup: Math.max(20, repeats / 5) });
  engine.dispose();
  const engineLayout = listMilliseconds[0];
  const bestIndex = listMilliseconds.indexOf(Math.min(...listMilliseconds));
  return {
    impl: `${options.engine} step vs its 17 products alone`,
    backend: engine.backend,
    batchSize,
    stepMilliseconds: round(stepMilliseconds, 4),
    stepSamplesPerSecond: Math.round((batchSize / stepMilliseconds) * 1000),
    productsMilliseconds: Object.fromEntries(lists.map((list, index) => [list.name, round(listMilliseconds[index], 4)])),
    productsEngineLayoutMilliseconds: round(engineLayout, 4),
    productsBestLayoutMilliseconds: round(listMilliseconds[bestIndex], 4),
    bestLayout: lists[bestIndex].name,
    productsSamplesPerSecond: Math.round((batchSize / listMilliseconds[bestIndex]) * 1000),
    ratioToEngineLayout: round(stepMilliseconds / engineLayout, 3),
    ratioToBestLayout: round(stepMilliseconds / listMilliseconds[bestIndex], 3),
  };
}
