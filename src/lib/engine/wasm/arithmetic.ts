/**
 * The WebAssembly engine's arithmetic, for machines where the native engine cannot be built (no
 * compiler, no OpenBLAS, nothing fetched at install time): MatrixProducts on the SIMD kernel of
 * gemmKernel.ts, and StepKernels whose hot loops run the ports of elementwiseKernels.ts (with the
 * TypeScript kernels' bits) and the rest in TypeScript. Every buffer they touch lives in one
 * WebAssembly memory per engine (allocateRegion); a larger region is a new memory and instance,
 * the old one left to the garbage collector.
 */
import { Activation, LossName } from '../../spec';
import { derivativeThenColumnSums, outputLayerInSteps, TYPESCRIPT_KERNELS, StepKernels } from '../kernels';
import { MatrixProducts } from '../matrixProducts';
import { ADAM_FLOAT32_CONSTANTS } from '../optimizers';
import { addSquaredErrors, combineSquareSums, SQUARE_SUM_LANES } from '../../losses';
import { assembleModule } from './assembler';
import { elementwiseFunctions } from './elementwiseKernels';
import { gemmFunction, PANEL_COLUMNS } from './gemmKernel';

/**
 * Part of the engine's identity: change it whenever the kernel's order of operations changes,
 * since results cached under the old identity would then differ in the last bits.
 */
export const WASM_KERNEL_VERSION = 2;

const FLOAT_BYTES = 4;
const PAGE_BYTES = 65536;
/** Arrays start on 16-byte boundaries, where vector loads are fastest. */
const ALIGNMENT_BYTES = 16;

/** The module's exports; pointers are byte offsets into the memory, counts are values. */
interface KernelExports {
  gemm(
    c: number, cRowBytes: number, a: number, aRowBytes: number, aDepthBytes: number, b: number, bDepthBytes: number, bColumnBytes: number,
    m: number, n: number, k: number, accumulate: number, pack: number,
  ): void;
  relu(preActivation: number, output: number, count: number): void;
  reluDerivative(preActivation: number, gradient: number, count: number): void;
  sigmoid(preActivation: number, output: number, count: number): void;
  sigmoidDerivative(output: number, gradient: number, count: number): void;
  squaredErrorBlocks(predictions: number, targets: number, gradient: number, count: number, scale: number, sums: number): void;
  adamStep(
    parameters: number, gradients: number, firstMoment: number, secondMoment: number, count: number,
    learningRate: number, firstCorrection: number, secondCorrection: number, beta1: number, oneMinusBeta1: number, beta2: number, oneMinusBeta2: number,
    epsilon: number,
  ): void;
}

/** The compiled kernel module, assembled once per process (it is immutable; instances are per engine). */
let compiledModule: WebAssembly.Module | null = null;
function kernelModule(): WebAssembly.Module {
  compiledModule ??= new WebAssembly.Module(assembleModule([gemmFunction(), ...elementwiseFunctions()]));
  return compiledModule;
}

/** Whether this JavaScript engine runs WebAssembly SIMD (Node 16.4 and later do). */
export function wasmSimdAvailable(): { available: boolean; reason?: string } {
  try {
    kernelModule();
    return { available: true };
  } catch (error) {
    return { available: false, reason: `WebAssembly SIMD is unavailable: ${(error as Error).message}` };
  }
}

/** Options of createWasmArithmetic. */
export interface WasmArithmeticOptions {
  /** The widest layer (inputs or outputs): with the rows, it bounds the depth of every product. */
  maximumLayerWidth: number;
}

export interface WasmArithmetic {
  products: MatrixProducts;
  kernels: StepKernels;
}

export function createWasmArithmetic(options: WasmArithmeticOptions): WasmArithmetic {
  let memory: WebAssembly.Memory | null = null;
  let instance: KernelExports | null = null;
  /** Byte offsets of the packed panel and of a single 1.0 (the vector that sums columns). */
  let packOffset = 0;
  let oneOffset = 0;
  /** The deepest product the packed panel holds (its depth × 8 floats). */
  let packDepth = 0;
  /** The loss kernel's eight running sums (float64), read back after its whole blocks. */
  let squareSums = new Float64Array(SQUARE_SUM_LANES);

  const offsetOf = (array: Float32Array): number => {
    if (!memory || array.buffer !== memory.buffer) throw new Error('the wasm products read only arrays of their current region');
    return array.byteOffset;
  };
  /**
   * Whether the WebAssembly kernels can run on these arrays (elsewhere the TypeScript kernels do).
   * A kernel reads the memory by offset, so an array shorter than the count is refused rather
   * than read past into its neighbours.
   */
  const inRegion = (count: number, ...arrays: Float32Array[]): boolean => {
    if (arrays.some((array) => array.length < count)) throw new Error('wasm kernels: an array is shorter than the count');
    return memory !== null && arrays.every((array) => array.buffer === memory?.buffer);
  };
  const kernel = (): KernelExports => instance as KernelExports;

  const products: MatrixProducts = {
    backend: 'wasm-simd',
    readsAnyArray: false,
    allocateRegion(lengths, rows) {
      const depth = Math.max(rows, options.maximumLayerWidth);
      const aligned = (bytes: number) => Math.ceil(bytes / ALIGNMENT_BYTES) * ALIGNMENT_BYTES;
      let offset = 0;
      const offsets = lengths.map((length) => {
        const start = offset;
        offset += aligned(length * FLOAT_BYTES);
        return start;
      });
      packOffset = offset;
      packDepth = depth;
      offset += aligned(depth * PANEL_COLUMNS * FLOAT_BYTES);
      oneOffset = offset;
      offset += ALIGNMENT_BYTES;
      const sumsOffset = offset;
      offset += SQUARE_SUM_LANES * 8;
      memory = new WebAssembly.Memory({ initial: Math.ceil(offset / PAGE_BYTES) });
      instance = new WebAssembly.Instance(kernelModule(), { env: { memory } }).exports as unknown as KernelExports;
      new Float32Array(memory.buffer, oneOffset, 1)[0] = 1;
      squareSums = new Float64Array(memory.buffer, sumsOffset, SQUARE_SUM_LANES);
      const buffer = memory.buffer;
      return lengths.map((length, index) => new Float32Array(buffer, offsets[index], length));
    },
    forward({ rows, inputSize, outputSize }, inputs, kernelWeights, preActivation) {
      kernel().gemm(offsetOf(preActivation), outputSize * FLOAT_BYTES, offsetOf(inputs), inputSize * FLOAT_BYTES, FLOAT_BYTES,
        offsetOf(kernelWeights), outputSize * FLOAT_BYTES, FLOAT_BYTES, rows, outputSize, inputSize, 1, packOffset);
    },
    weightGradient({ rows, inputSize, outputSize }, inputs, gradient, kernelGradient) {
      kernel().gemm(offsetOf(kernelGradient), outputSize * FLOAT_BYTES, offsetOf(inputs), FLOAT_BYTES, inputSize * FLOAT_BYTES,
        offsetOf(gradient), outputSize * FLOAT_BYTES, FLOAT_BYTES, inputSize, outputSize, rows, 0, packOffset);
    },
    inputGradient({ rows, inputSize, outputSize }, gradient, kernelWeights, inputGradient) {
      // Wᵀ read through its strides: B(p, j) = W[j][p].
      kernel().gemm(offsetOf(inputGradient), inputSize * FLOAT_BYTES, offsetOf(gradient), outputSize * FLOAT_BYTES, FLOAT_BYTES,
        offsetOf(kernelWeights), FLOAT_BYTES, outputSize * FLOAT_BYTES, rows, inputSize, outputSize, 0, packOffset);
    },
  };

  const kernels: StepKernels = {
    name: 'wasm',
    applyActivation(activation: Activation, preActivation: Float32Array, output: Float32Array, count: number) {
      if (!inRegion(count, preActivation, output)) return TYPESCRIPT_KERNELS.applyActivation(activation, preActivation, output, count);
      if (activation.name === 'relu') return kernel().relu(preActivation.byteOffset, output.byteOffset, count);
      if (activation.name === 'sigmoid') return kernel().sigmoid(preActivation.byteOffset, output.byteOffset, count);
      return TYPESCRIPT_KERNELS.applyActivation(activation, preActivation, output, count);
    },
    multiplyByActivationDerivative(activation: Activation, preActivation: Float32Array, output: Float32Array, gradient: Float32Array, count: number) {
      if (inRegion(count, preActivation, output, gradient)) {
        if (activation.name === 'relu') return kernel().reluDerivative(preActivation.byteOffset, gradient.byteOffset, count);
        if (activation.name === 'sigmoid') return kernel().sigmoidDerivative(output.byteOffset, gradient.byteOffset, count);
      }
      return TYPESCRIPT_KERNELS.multiplyByActivationDerivative(activation, preActivation, output, gradient, count);
    },
    reconstructionLossAndGradient(loss: LossName, predictions: Float32Array, targets: Float32Array, gradient: Float32Array, count: number) {
      if (loss !== 'mse' || !inRegion(count, predictions, targets, gradient)) {
        return TYPESCRIPT_KERNELS.reconstructionLossAndGradient(loss, predictions, targets, gradient, count);
      }
      // losses.ts: the gradient is (2 / count)·(p − t), the loss the sum of squares over count,
      // summed in eight running sums: the kernel runs the whole blocks of eight, the rest is added here.
      const scale = 2 / count;
      const blocksEnd = count - (count % SQUARE_SUM_LANES);
      kernel().squaredErrorBlocks(predictions.byteOffset, targets.byteOffset, gradient.byteOffset, blocksEnd, scale, squareSums.byteOffset);
      addSquaredErrors(predictions.subarray(blocksEnd), targets.subarray(blocksEnd), gradient.subarray(blocksEnd), scale, count - blocksEnd, squareSums);
      return combineSquareSums(squareSums) / count;
    },
    outputLayerLossAndGradient: (...args) => inSteps(...args),
    sumColumns(gradient: Float32Array, rows: number, sums: Float32Array) {
      const columns = sums.length;
      const onKernel = rows > 0 && rows <= packDepth && inRegion(rows * columns, gradient) && inRegion(columns, sums);
      if (!onKernel) return TYPESCRIPT_KERNELS.sumColumns(gradient, rows, sums);
      // 1ᵀ·dZ on the matrix kernel: one row of A, a single 1 read again at every depth. Each column
      // is one float32 running sum in row order from +0, each term 1·x = x exactly: sumColumns's bits.
      kernel().gemm(sums.byteOffset, columns * FLOAT_BYTES, oneOffset, 0, 0,
        gradient.byteOffset, columns * FLOAT_BYTES, FLOAT_BYTES, 1, columns, rows, 0, packOffset);
    },
    derivativeAndColumnSums: (...args) => derivativeAndSums(...args),
    addSquaredErrors: TYPESCRIPT_KERNELS.addSquaredErrors,
    broadcastRows: TYPESCRIPT_KERNELS.broadcastRows,
    optimizerUpdates: {
      ...TYPESCRIPT_KERNELS.optimizerUpdates,
      adam(parameters, gradients, firstMoment, secondMoment, count, learningRate, firstCorrection, secondCorrection) {
        if (!inRegion(count, parameters, gradients, firstMoment, secondMoment)) {
          return TYPESCRIPT_KERNELS.optimizerUpdates.adam(parameters, gradients, firstMoment, secondMoment, count, learningRate, firstCorrection, secondCorrection);
        }
        const { beta1, oneMinusBeta1, beta2, oneMinusBeta2, epsilon } = ADAM_FLOAT32_CONSTANTS;
        kernel().adamStep(parameters.byteOffset, gradients.byteOffset, firstMoment.byteOffset, secondMoment.byteOffset, count,
          learningRate, firstCorrection, secondCorrection, beta1, oneMinusBeta1, beta2, oneMinusBeta2, epsilon);
      },
    },
  };

  const inSteps = outputLayerInSteps(kernels);
  const derivativeAndSums = derivativeThenColumnSums(kernels);
  return { products, kernels };
}

/** The products alone (their kernels unused), for tests and profiles of the products. */
export function createWasmProducts(options: WasmArithmeticOptions): MatrixProducts {
  return createWasmArithmetic(options).products;
}
