/**
 * The WebAssembly ports of the hot step kernels: relu and sigmoid with their derivatives, the MSE
 * loss and its gradient, and Adam's update. Like the C ports (native/src/kernels.c) they compute
 * in the TypeScript's precision and order — float64 two values at a time, rounded to float32 when
 * they store, or float32 four at a time for the sigmoid and Adam (vector lanes compute exactly as
 * scalars do) — so
 * they give the TypeScript kernels' bits. A kernel runs over pairs (or quads), then over the last
 * values one at a time with the same code on one lane.
 */
import { FLOAT32_SMALLEST_NORMAL, LOGISTIC_CONSTANTS } from '../activations';
import { ADAM_FLOAT32_CONSTANTS } from '../optimizers';
import { Code, countedLoop, F32, F64, FunctionDefinition, I32, LocalAllocator, op, V128, ValueType } from './assembler';

const FLOAT_BYTES = 4;

/** How one kernel reads, computes and writes a pair of values (or one, in lane 0). */
interface KernelBody {
  /** Promoted values of an array at the current position. */
  load(array: number): Code;
  /** Demotes `value` and stores it into an array at the current position. */
  store(array: number, value: Code): Code;
  /** Whether this copy of the body handles one value rather than two. */
  single: boolean;
}

/** Options of elementwiseFunction. */
interface ElementwiseOptions {
  name: string;
  /** Array parameters (byte offsets), then `count`, then float64 parameters (splatted where used). */
  arrays: number;
  scalars: number;
  body: (body: KernelBody, locals: KernelLocals) => Code;
}

interface KernelLocals {
  allocator: LocalAllocator;
  /** Scratch v128 locals the body may use, created on demand by name. */
  vector(name: string): number;
}

function kernelLocals(allocator: LocalAllocator): KernelLocals {
  const vectors = new Map<string, number>();
  return {
    allocator,
    vector(name) {
      if (!vectors.has(name)) vectors.set(name, allocator.add(V128));
      return vectors.get(name) as number;
    },
  };
}

function elementwiseFunction(options: ElementwiseOptions): FunctionDefinition {
  const parameterCount = options.arrays + 1 + options.scalars;
  const countParameter = options.arrays;
  const allocator = new LocalAllocator(parameterCount);
  const offset = allocator.add(I32);
  const pairBytes = allocator.add(I32);
  const locals = kernelLocals(allocator);
  const address = (array: number): Code => [op.localGet(array), op.localGet(offset), op.i32Add];
  const body = (single: boolean): Code =>
    options.body({
      single,
      load: (array) => [address(array), single ? op.v128Load32Zero() : op.v128Load64Zero(), op.f64x2PromoteLowF32x4],
      store: (array, value) => [address(array), value, op.f32x4DemoteF64x2Zero, single ? op.v128Store32Lane0() : op.v128Store64Lane0()],
    }, locals);
  const code: Code = [
    // Bytes of the pairs: (count with its lowest bit cleared) × 4.
    op.localGet(countParameter), op.i32Const(-2), op.i32And, op.i32Const(2), op.i32Shl, op.localSet(pairBytes),
    countedLoop(offset, op.i32Const(0), op.localGet(pairBytes), op.i32Const(2 * FLOAT_BYTES), body(false)),
    op.localGet(pairBytes), op.localSet(offset),
    op.localGet(countParameter), op.i32Const(1), op.i32And,
    op.if, body(true), op.end,
  ];
  return {
    name: options.name,
    parameters: [...Array.from({ length: options.arrays + 1 }, (): ValueType => I32), ...Array.from({ length: options.scalars }, (): ValueType => F64)],
    locals: allocator.locals,
    body: code,
  };
}

/** Options of float32Function: a kernel that computes in float32, four values at a time. */
interface Float32Options {
  name: string;
  /** Array parameters (byte offsets), then `count`, then float32 parameters. */
  arrays: number;
  scalars: number;
  body: (io: { load(array: number): Code; store(array: number, value: Code): Code }, locals: KernelLocals) => Code;
}

/** A kernel over quads of float32 values, then over the last one to three one at a time in lane 0. */
function float32Function(options: Float32Options): FunctionDefinition {
  const countParameter = options.arrays;
  const allocator = new LocalAllocator(options.arrays + 1 + options.scalars);
  const offset = allocator.add(I32);
  const quadBytes = allocator.add(I32);
  const locals = kernelLocals(allocator);
  const address = (array: number): Code => [op.localGet(array), op.localGet(offset), op.i32Add];
  const body = (single: boolean): Code => options.body({
    load: (array) => [address(array), single ? op.v128Load32Zero() : op.v128Load()],
    store: (array, value) => [address(array), value, single ? op.v128Store32Lane0() : op.v128Store()],
  }, locals);
  return {
    name: options.name,
    parameters: [...Array.from({ length: options.arrays + 1 }, (): ValueType => I32), ...Array.from({ length: options.scalars }, (): ValueType => F32)],
    locals: allocator.locals,
    body: [
      op.localGet(countParameter), op.i32Const(-4), op.i32And, op.i32Const(2), op.i32Shl, op.localSet(quadBytes),
      countedLoop(offset, op.i32Const(0), op.localGet(quadBytes), op.i32Const(4 * FLOAT_BYTES), body(false)),
      countedLoop(offset, op.localGet(quadBytes), [op.localGet(countParameter), op.i32Const(2), op.i32Shl], op.i32Const(FLOAT_BYTES), body(true)),
    ],
  };
}

/**
 * squaredErrorBlocks(predictions, targets, gradient, count, scale, sums): losses.ts addSquaredErrors
 * over `count` values, a multiple of SQUARE_SUM_LANES (8): float32 differences, squared in float64
 * into running sum i mod 8, kept as four pairs of float64 lanes and written to `sums` (eight
 * float64) at the end; the float32 gradient scale·(p − t) stored as it goes. The caller adds the last, partial block.
 */
function squaredErrorBlocks(): FunctionDefinition {
  const [predictions, targets, gradient, count, scale, sums] = [0, 1, 2, 3, 4, 5];
  const allocator = new LocalAllocator(6);
  const offset = allocator.add(I32);
  const scaleVector = allocator.add(V128);
  const difference = allocator.add(V128);
  const accumulators = [0, 1, 2, 3].map(() => allocator.add(V128));
  const get = op.localGet;
  const pair = (array: number, index: number): Code => [get(array), get(offset), op.i32Add, op.v128Load64Zero(8 * index)];
  return {
    name: 'squaredErrorBlocks',
    parameters: [I32, I32, I32, I32, F32, I32],
    locals: allocator.locals,
    body: [
      get(scale), op.f32x4Splat, op.localSet(scaleVector),
      accumulators.map((accumulator) => [op.v128Zero, op.localSet(accumulator)]),
      countedLoop(offset, op.i32Const(0), [get(count), op.i32Const(2), op.i32Shl], op.i32Const(8 * FLOAT_BYTES), accumulators.map((accumulator, index) => [
        pair(predictions, index), pair(targets, index), op.f32x4Sub, op.localSet(difference),
        get(gradient), get(offset), op.i32Add, get(difference), get(scaleVector), op.f32x4Mul, op.v128Store64Lane0(8 * index),
        get(difference), op.f64x2PromoteLowF32x4, op.localSet(difference),
        get(accumulator), get(difference), get(difference), op.f64x2Mul, op.f64x2Add, op.localSet(accumulator),
      ])),
      accumulators.map((accumulator, index) => [get(sums), get(accumulator), op.v128Store(16 * index)]),
    ],
  };
}

/** activations.ts logistic() on the four float32 lanes of `value` (a v128 local), leaving the result on the stack. */
function logistic(value: number, locals: KernelLocals): Code {
  const { argumentLimit, log2e, ln2High, ln2Low, taylor } = LOGISTIC_CONSTANTS;
  const argument = locals.vector('argument');
  const exponent = locals.vector('exponent');
  const reduced = locals.vector('reduced');
  const squared = locals.vector('squared');
  const fourth = locals.vector('fourth');
  const get = op.localGet;
  const constant = op.f32x4SplatConstant;
  const times = (left: Code, right: Code): Code => [left, right, op.f32x4Mul];
  const plus = (left: Code, right: Code): Code => [left, right, op.f32x4Add];
  return [
    // argument = clamp(−value, ±limit), by pmin/pmax, which keep a NaN as the TypeScript's ternaries do.
    get(value), op.f32x4Neg, constant(argumentLimit), op.f32x4Pmin, constant(-argumentLimit), op.f32x4Pmax, op.localSet(argument),
    plus(times(get(argument), constant(log2e)), constant(0.5)), op.f32x4Floor, op.localSet(exponent),
    get(argument), times(get(exponent), constant(ln2High)), op.f32x4Sub, times(get(exponent), constant(ln2Low)), op.f32x4Sub, op.localSet(reduced),
    times(get(reduced), get(reduced)), op.localSet(squared),
    times(get(squared), get(squared)), op.localSet(fourth),
    // 1 / (1 + p · 2^k), with 2^k built from the exponent's bits: ((k + 127) << 23) read as a float32.
    constant(1),
    constant(1),
    plus(
      plus(plus(constant(taylor[0]), get(reduced)), times(get(squared), plus(constant(taylor[2]), times(get(reduced), constant(taylor[3]))))),
      times(get(fourth), plus(
        plus(constant(taylor[4]), times(get(reduced), constant(taylor[5]))),
        times(get(squared), plus(constant(taylor[6]), times(get(reduced), constant(taylor[7])))),
      )),
    ),
    get(exponent), op.i32x4TruncSatF32x4S, op.i32x4Splat(127), op.i32x4Add, op.i32Const(23), op.i32x4Shl,
    op.f32x4Mul, op.f32x4Add,
    op.f32x4Div,
    // A NaN input gives V8's positive quiet NaN in the TypeScript (its table look-up is undefined).
    op.localSet(argument),
    constant(NaN), get(argument), get(value), get(value), op.f32x4Ne, op.v128Bitselect,
  ];
}

/** The kernels' functions, for assembleModule; see ELEMENTWISE_PARAMETERS for their signatures. */
export function elementwiseFunctions(): FunctionDefinition[] {
  const get = op.localGet;
  return [
    // relu(preActivation, output, count): (z + |z|) · 0.5.
    elementwiseFunction({
      name: 'relu', arrays: 2, scalars: 0,
      body: ({ load, store }, locals) => {
        const value = locals.vector('value');
        return [load(0), op.localSet(value), store(1, [get(value), get(value), op.f64x2Abs, op.f64x2Add, op.f64Splat(0.5), op.f64x2Mul])];
      },
    }),
    // reluDerivative(preActivation, gradient, count): gradient × (z > 0 ? 1 : 0).
    elementwiseFunction({
      name: 'reluDerivative', arrays: 2, scalars: 0,
      body: ({ load, store }) => store(1, [load(1), load(0), op.f64Splat(0), op.f64x2Gt, op.f64Splat(1), op.v128And, op.f64x2Mul]),
    }),
    // sigmoid(preActivation, output, count), in float32.
    float32Function({
      name: 'sigmoid', arrays: 2, scalars: 0,
      body: ({ load, store }, locals) => {
        const value = locals.vector('value');
        return [load(0), op.localSet(value), store(1, logistic(value, locals))];
      },
    }),
    // sigmoidDerivative(output, gradient, count): gradient × (a · (1 − a)) in float32, subnormal results set to +0.
    float32Function({
      name: 'sigmoidDerivative', arrays: 2, scalars: 0,
      body: ({ load, store }, locals) => {
        const value = locals.vector('value');
        const product = locals.vector('product');
        return [
          load(0), op.localSet(value),
          load(1), get(value), op.f32x4SplatConstant(1), get(value), op.f32x4Sub, op.f32x4Mul, op.f32x4Mul, op.localSet(product),
          store(1, [get(product), get(product), op.f32x4Abs, op.f32x4SplatConstant(FLOAT32_SMALLEST_NORMAL), op.f32x4Lt, op.v128AndNot]),
        ];
      },
    }),
    // adamStep(parameters, gradients, firstMoment, secondMoment, count,
    //          learningRate, firstCorrection, secondCorrection, beta1, oneMinusBeta1, beta2, oneMinusBeta2, epsilon), in float32.
    float32Function({
      name: 'adamStep', arrays: 4, scalars: 8,
      body: ({ load, store }, locals) => {
        const { momentFloor } = ADAM_FLOAT32_CONSTANTS;
        const scalar = (index: number): Code => [get(5 + index), op.f32x4Splat];
        const gradient = locals.vector('gradient');
        const first = locals.vector('first');
        const second = locals.vector('second');
        return [
          load(1), op.localSet(gradient),
          scalar(3), load(2), op.f32x4Mul, scalar(4), get(gradient), op.f32x4Mul, op.f32x4Add, op.localSet(first),
          scalar(5), load(3), op.f32x4Mul, scalar(6), get(gradient), op.f32x4Mul, get(gradient), op.f32x4Mul, op.f32x4Add, op.localSet(second),
          // Moments under the floor become +0: the value with every bit of the lanes where |m| < floor cleared.
          get(first), get(first), op.f32x4Abs, op.f32x4SplatConstant(momentFloor), op.f32x4Lt, op.v128AndNot, op.localSet(first),
          get(second), get(second), op.f32x4SplatConstant(momentFloor), op.f32x4Lt, op.v128AndNot, op.localSet(second),
          store(2, get(first)),
          store(3, get(second)),
          store(0, [
            load(0),
            scalar(0), get(first), op.f32x4Mul, scalar(1), op.f32x4Mul,
            get(second), scalar(2), op.f32x4Mul, op.f32x4Sqrt, scalar(7), op.f32x4Add,
            op.f32x4Div,
            op.f32x4Sub,
          ]),
        ];
      },
    }),
    squaredErrorBlocks(),
  ];
}
