/**
 * The WebAssembly ports of the hot step kernels: relu and sigmoid with their derivatives, the MSE
 * loss and its gradient, and Adam's update. Like the C ports (native/src/kernels.c) they compute
 * in float64, in the TypeScript's order, two values at a time (f64x2 lanes compute exactly as
 * scalars do), and round to float32 when they store, so they give the TypeScript kernels' bits.
 * A kernel runs over pairs, then once over a last single value with the same code on one lane.
 */
import { LOGISTIC_CONSTANTS } from '../activations';
import { Code, countedLoop, F64, FunctionDefinition, I32, LocalAllocator, op, V128, ValueType } from './assembler';

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
  /** Returns the float64 local `sum` (the loss kernel's running sum). */
  returnsSum?: boolean;
  body: (body: KernelBody, locals: KernelLocals) => Code;
}

interface KernelLocals {
  allocator: LocalAllocator;
  /** Scratch v128 locals the body may use, created on demand by name. */
  vector(name: string): number;
  /** The float64 running sum (returnsSum). */
  sum: number;
}

function elementwiseFunction(options: ElementwiseOptions): FunctionDefinition {
  const parameterCount = options.arrays + 1 + options.scalars;
  const countParameter = options.arrays;
  const allocator = new LocalAllocator(parameterCount);
  const offset = allocator.add(I32);
  const pairBytes = allocator.add(I32);
  const sum = allocator.add(F64);
  const vectors = new Map<string, number>();
  const locals: KernelLocals = {
    allocator,
    vector(name) {
      if (!vectors.has(name)) vectors.set(name, allocator.add(V128));
      return vectors.get(name) as number;
    },
    sum,
  };
  const address = (array: number): Code => [op.localGet(array), op.localGet(offset), op.i32Add];
  const body = (single: boolean): Code =>
    options.body({
      single,
      load: (array) => [address(array), single ? op.v128Load32Zero() : op.v128Load64Zero(), op.f64x2PromoteLowF32x4],
      store: (array, value) => [address(array), value, op.f32x4DemoteF64x2Zero, single ? op.v128Store32Lane0() : op.v128Store64Lane0()],
    }, locals);
  const code: Code = [
    op.f64Const(0), op.localSet(sum),
    // Bytes of the pairs: (count with its lowest bit cleared) × 4.
    op.localGet(countParameter), op.i32Const(-2), op.i32And, op.i32Const(2), op.i32Shl, op.localSet(pairBytes),
    countedLoop(offset, op.i32Const(0), op.localGet(pairBytes), op.i32Const(2 * FLOAT_BYTES), body(false)),
    op.localGet(pairBytes), op.localSet(offset),
    op.localGet(countParameter), op.i32Const(1), op.i32And,
    op.if, body(true), op.end,
    options.returnsSum ? op.localGet(sum) : [],
  ];
  return {
    name: options.name,
    parameters: [...Array.from({ length: options.arrays + 1 }, (): ValueType => I32), ...Array.from({ length: options.scalars }, (): ValueType => F64)],
    results: options.returnsSum ? [F64] : [],
    locals: allocator.locals,
    body: code,
  };
}

/** activations.ts logistic() on both lanes of `value` (a v128 local), leaving the result on the stack. */
function logistic(value: number, locals: KernelLocals): Code {
  const { argumentLimit, ln2High, ln2Low, taylor } = LOGISTIC_CONSTANTS;
  const argument = locals.vector('argument');
  const exponent = locals.vector('exponent');
  const reduced = locals.vector('reduced');
  const squared = locals.vector('squared');
  const fourth = locals.vector('fourth');
  const get = op.localGet;
  const constant = op.f64Splat;
  const times = (left: Code, right: Code): Code => [left, right, op.f64x2Mul];
  const plus = (left: Code, right: Code): Code => [left, right, op.f64x2Add];
  return [
    // argument = clamp(−value, ±limit), by pmin/pmax, which keep a NaN as the TypeScript's ternaries do.
    get(value), op.f64x2Neg, constant(argumentLimit), op.f64x2Pmin, constant(-argumentLimit), op.f64x2Pmax, op.localSet(argument),
    times(get(argument), constant(Math.LOG2E)), constant(0.5), op.f64x2Add, op.f64x2Floor, op.localSet(exponent),
    get(argument), times(get(exponent), constant(ln2High)), op.f64x2Sub, times(get(exponent), constant(ln2Low)), op.f64x2Sub, op.localSet(reduced),
    times(get(reduced), get(reduced)), op.localSet(squared),
    times(get(squared), get(squared)), op.localSet(fourth),
    // 1 / (1 + p · 2^k), with 2^k built from the exponent's bits: ((k + 1023) << 52) read as a float64.
    constant(1),
    constant(1),
    plus(
      plus(plus(constant(taylor[0]), get(reduced)), times(get(squared), plus(constant(taylor[2]), times(get(reduced), constant(taylor[3]))))),
      times(get(fourth), plus(
        plus(plus(constant(taylor[4]), times(get(reduced), constant(taylor[5]))), times(get(squared), plus(constant(taylor[6]), times(get(reduced), constant(taylor[7]))))),
        times(get(fourth), constant(taylor[8])),
      )),
    ),
    get(exponent), op.i32x4TruncSatF64x2SZero, op.i64x2ExtendLowI32x4S, op.i64x2Splat(1023), op.i64x2Add, op.i32Const(52), op.i64x2Shl,
    op.f64x2Mul, op.f64x2Add,
    op.f64x2Div,
    // A NaN input gives V8's positive quiet NaN in the TypeScript (its table look-up is undefined).
    op.localSet(argument),
    op.f64Splat(NaN), get(argument), get(value), get(value), op.f64x2Ne, op.v128Bitselect,
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
    // sigmoid(preActivation, output, count).
    elementwiseFunction({
      name: 'sigmoid', arrays: 2, scalars: 0,
      body: ({ load, store }, locals) => {
        const value = locals.vector('value');
        return [load(0), op.localSet(value), store(1, logistic(value, locals))];
      },
    }),
    // sigmoidDerivative(output, gradient, count): gradient × (a · (1 − a)).
    elementwiseFunction({
      name: 'sigmoidDerivative', arrays: 2, scalars: 0,
      body: ({ load, store }, locals) => {
        const value = locals.vector('value');
        return [load(0), op.localSet(value), store(1, [load(1), get(value), op.f64Splat(1), get(value), op.f64x2Sub, op.f64x2Mul, op.f64x2Mul])];
      },
    }),
    // meanSquaredErrorGradient(predictions, targets, gradient, count, scale) → Σ (p − t)², in index order.
    elementwiseFunction({
      name: 'meanSquaredErrorGradient', arrays: 3, scalars: 1, returnsSum: true,
      body: ({ load, store, single }, locals) => {
        const difference = locals.vector('difference');
        const square = locals.vector('square');
        const scale = locals.vector('scale');
        const addLane = (lane: number): Code => [get(locals.sum), get(square), op.f64x2ExtractLane(lane), op.f64Add, op.localSet(locals.sum)];
        return [
          get(4), op.f64x2SplatValue, op.localSet(scale),
          load(0), load(1), op.f64x2Sub, op.localSet(difference),
          store(2, [get(scale), get(difference), op.f64x2Mul]),
          get(difference), get(difference), op.f64x2Mul, op.localSet(square),
          addLane(0),
          single ? [] : addLane(1),
        ];
      },
    }),
    // adamStep(parameters, gradients, firstMoment, secondMoment, count,
    //          learningRate, firstCorrection, secondCorrection, beta1, oneMinusBeta1, beta2, oneMinusBeta2, epsilon)
    elementwiseFunction({
      name: 'adamStep', arrays: 4, scalars: 8,
      body: ({ load, store }, locals) => {
        const scalar = (index: number): Code => [get(5 + index), op.f64x2SplatValue];
        const gradient = locals.vector('gradient');
        const first = locals.vector('first');
        const second = locals.vector('second');
        return [
          load(1), op.localSet(gradient),
          scalar(3), load(2), op.f64x2Mul, scalar(4), get(gradient), op.f64x2Mul, op.f64x2Add, op.localSet(first),
          scalar(5), load(3), op.f64x2Mul, scalar(6), get(gradient), op.f64x2Mul, get(gradient), op.f64x2Mul, op.f64x2Add, op.localSet(second),
          store(2, get(first)),
          store(3, get(second)),
          store(0, [
            load(0),
            scalar(0), get(first), op.f64x2Mul, scalar(1), op.f64x2Mul,
            get(second), scalar(2), op.f64x2Mul, op.f64x2Sqrt, scalar(7), op.f64x2Add,
            op.f64x2Div,
            op.f64x2Sub,
          ]),
        ];
      },
    }),
  ];
}
