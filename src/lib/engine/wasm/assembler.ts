/**
 * A small WebAssembly assembler: enough of the binary format (types, one imported memory,
 * functions, exports, code) and of the instruction set (integer and float scalars, 128-bit SIMD,
 * structured control) to write the WebAssembly engine's kernels as TypeScript that emits them.
 * The module is assembled when the engine is first used, so nothing is compiled at install time
 * and no compiler or prebuilt binary is needed. See the WebAssembly core specification, chapter 5
 * (binary format), for every encoding used here.
 */

/** Value types. */
export const I32 = 0x7f;
export const F32 = 0x7d;
export const F64 = 0x7c;
export const V128 = 0x7b;
export type ValueType = typeof I32 | typeof F32 | typeof F64 | typeof V128;

/** Unsigned LEB128. */
export function unsignedLeb(value: number): number[] {
  const bytes: number[] = [];
  let rest = value >>> 0;
  do {
    let byte = rest & 0x7f;
    rest >>>= 7;
    if (rest !== 0) byte |= 0x80;
    bytes.push(byte);
  } while (rest !== 0);
  return bytes;
}

/** Signed LEB128 of a 32-bit integer. */
export function signedLeb(value: number): number[] {
  const bytes: number[] = [];
  let rest = value | 0;
  for (;;) {
    const byte = rest & 0x7f;
    rest >>= 7;
    if ((rest === 0 && (byte & 0x40) === 0) || (rest === -1 && (byte & 0x40) !== 0)) {
      bytes.push(byte);
      return bytes;
    }
    bytes.push(byte | 0x80);
  }
}

/** A memory access's alignment (log2 bytes) and constant offset. */
function memoryArgument(alignmentLog2: number, offset: number): number[] {
  return [...unsignedLeb(alignmentLog2), ...unsignedLeb(offset)];
}

const simd = (opcode: number, ...immediates: number[]): number[] => [0xfd, ...unsignedLeb(opcode), ...immediates];

/** v128.const of two float64 lanes. */
function f64x2Const(low: number, high: number): number[] {
  return simd(0x0c, ...new Uint8Array(Float64Array.of(low, high).buffer));
}

/** v128.const of four float32 lanes, all `value` (rounded to float32). */
function f32x4Const(value: number): number[] {
  return simd(0x0c, ...new Uint8Array(Float32Array.of(value, value, value, value).buffer));
}

/** v128.const of four 32-bit integer lanes, all `value`. */
function i32x4Const(value: number): number[] {
  return simd(0x0c, ...new Uint8Array(Int32Array.of(value, value, value, value).buffer));
}

/** v128.const of two 64-bit integer lanes (small enough to be exact as numbers). */
function i64x2Const(low: number, high: number): number[] {
  return simd(0x0c, ...new Uint8Array(BigInt64Array.of(BigInt(low), BigInt(high)).buffer));
}

/** Instructions, each as its bytes. Loads and stores take a constant byte offset (default 0). */
export const op = {
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  if: [0x04, 0x40],
  else: [0x05],
  end: [0x0b],
  br: (depth: number) => [0x0c, ...unsignedLeb(depth)],
  brIf: (depth: number) => [0x0d, ...unsignedLeb(depth)],
  return: [0x0f],
  localGet: (index: number) => [0x20, ...unsignedLeb(index)],
  localSet: (index: number) => [0x21, ...unsignedLeb(index)],
  localTee: (index: number) => [0x22, ...unsignedLeb(index)],
  i32Const: (value: number) => [0x41, ...signedLeb(value)],
  f32Const: (value: number) => [0x43, ...new Uint8Array(Float32Array.of(value).buffer)],
  f64Const: (value: number) => [0x44, ...new Uint8Array(Float64Array.of(value).buffer)],
  i32Eqz: [0x45],
  i32Eq: [0x46],
  i32Ne: [0x47],
  i32LtS: [0x48],
  i32GtS: [0x4a],
  i32LeS: [0x4c],
  i32GeS: [0x4e],
  i32Add: [0x6a],
  i32Sub: [0x6b],
  i32Mul: [0x6c],
  i32And: [0x71],
  i32Shl: [0x74],
  f32Load: (offset = 0) => [0x2a, ...memoryArgument(2, offset)],
  f32Store: (offset = 0) => [0x38, ...memoryArgument(2, offset)],
  f32Add: [0x92],
  f32Mul: [0x94],
  v128Load: (offset = 0) => simd(0x00, ...memoryArgument(4, offset)),
  v128Load32Splat: (offset = 0) => simd(0x09, ...memoryArgument(2, offset)),
  v128Store: (offset = 0) => simd(0x0b, ...memoryArgument(4, offset)),
  v128Zero: simd(0x0c, ...new Array(16).fill(0)),
  f32x4Splat: simd(0x13),
  f32x4SplatConstant: (value: number) => f32x4Const(value),
  i32x4Splat: (value: number) => i32x4Const(value),
  f32x4Ne: simd(0x42),
  f32x4Lt: simd(0x43),
  v128AndNot: simd(0x4f),
  f32x4Abs: simd(0xe0),
  f32x4Floor: simd(0x68),
  i32x4Shl: simd(0xab),
  i32x4Add: simd(0xae),
  f32x4Neg: simd(0xe1),
  f32x4Pmin: simd(0xea),
  f32x4Pmax: simd(0xeb),
  i32x4TruncSatF32x4S: simd(0xf8),
  f32x4Sqrt: simd(0xe3),
  f32x4Add: simd(0xe4),
  f32x4Sub: simd(0xe5),
  f32x4Mul: simd(0xe6),
  f32x4Div: simd(0xe7),
  // Float64 scalars and pairs, for the elementwise kernels (which compute in double, as TypeScript does).
  f64Add: [0xa0],
  f64Sub: [0xa1],
  f64Mul: [0xa2],
  f64Splat: (value: number) => f64x2Const(value, value),
  /** A float64 from the stack into both lanes. */
  f64x2SplatValue: simd(0x14),
  i64x2Splat: (value: number) => i64x2Const(value, value),
  /** Two float32 values → the low lanes, zero above. */
  v128Load64Zero: (offset = 0) => simd(0x5d, ...memoryArgument(3, offset)),
  /** One float32 value → the lowest lane, zero above. */
  v128Load32Zero: (offset = 0) => simd(0x5c, ...memoryArgument(2, offset)),
  /** Stores the low 64 bits (two float32 values). */
  v128Store64Lane0: (offset = 0) => simd(0x5b, ...memoryArgument(3, offset), 0),
  /** Stores the low 32 bits (one float32 value). */
  v128Store32Lane0: (offset = 0) => simd(0x5a, ...memoryArgument(2, offset), 0),
  v128And: simd(0x4e),
  v128Bitselect: simd(0x52),
  f64x2ExtractLane: (lane: number) => simd(0x21, lane),
  f64x2Ne: simd(0x48),
  f64x2Gt: simd(0x4a),
  f64x2Floor: simd(0x75),
  f64x2Abs: simd(0xec),
  f64x2Neg: simd(0xed),
  f64x2Sqrt: simd(0xef),
  f64x2Add: simd(0xf0),
  f64x2Sub: simd(0xf1),
  f64x2Mul: simd(0xf2),
  f64x2Div: simd(0xf3),
  /** pmin(a, b) = b < a ? b : a, pmax(a, b) = a < b ? b : a: JavaScript's ternaries, NaN kept. */
  f64x2Pmin: simd(0xf6),
  f64x2Pmax: simd(0xf7),
  f32x4DemoteF64x2Zero: simd(0x5e),
  f64x2PromoteLowF32x4: simd(0x5f),
  i32x4TruncSatF64x2SZero: simd(0xfc),
  i64x2ExtendLowI32x4S: simd(0xc7),
  i64x2Shl: simd(0xcb),
  i64x2Add: simd(0xce),
};

/** Instruction bytes, possibly nested, flattened into one list. */
export type Code = (number | Code)[];

function flatten(code: Code, into: number[] = []): number[] {
  for (const item of code) {
    if (typeof item === 'number') into.push(item);
    else flatten(item, into);
  }
  return into;
}

/** One function: its parameters (locals 0…), the locals it declares, and its body. */
export interface FunctionDefinition {
  name: string;
  parameters: ValueType[];
  /** What it returns: nothing, or one value left on the stack by the body. */
  results?: ValueType[];
  /** Declared locals, numbered after the parameters. */
  locals: ValueType[];
  body: Code;
}

/** Numbers a function's locals as they are declared, after its parameters. */
export class LocalAllocator {
  readonly locals: ValueType[] = [];

  constructor(private readonly parameterCount: number) {}

  add(type: ValueType): number {
    this.locals.push(type);
    return this.parameterCount + this.locals.length - 1;
  }
}

/** for (counter = start; counter < limit; counter += step) body — counter, limit and step are locals or code. */
export function countedLoop(counter: number, start: Code, limit: Code, step: Code, body: Code): Code {
  return [
    start, op.localSet(counter),
    op.block,
    op.localGet(counter), limit, op.i32GeS, op.brIf(0),
    op.loop,
    body,
    op.localGet(counter), step, op.i32Add, op.localTee(counter), limit, op.i32LtS, op.brIf(0),
    op.end,
    op.end,
  ];
}

function section(id: number, contents: number[]): number[] {
  return [id, ...unsignedLeb(contents.length), ...contents];
}

function vector(items: number[][]): number[] {
  return [...unsignedLeb(items.length), ...items.flat()];
}

function name(text: string): number[] {
  const bytes = [...Buffer.from(text, 'utf8')];
  return [...unsignedLeb(bytes.length), ...bytes];
}

/**
 * A module that imports its memory as env.memory (at least `minimumPages` pages of 64 KiB) and
 * exports every function by name.
 */
export function assembleModule(functions: FunctionDefinition[], minimumPages = 1): Uint8Array {
  const types = functions.map((definition) => [0x60, ...vector(definition.parameters.map((type) => [type])), ...vector((definition.results ?? []).map((type) => [type]))]);
  const imports = [[...name('env'), ...name('memory'), 0x02, 0x00, ...unsignedLeb(minimumPages)]];
  const declarations = functions.map((_, index) => unsignedLeb(index));
  const exportEntries = functions.map((definition, index) => [...name(definition.name), 0x00, ...unsignedLeb(index)]);
  const bodies = functions.map((definition) => {
    // Consecutive locals of one type are declared as one run.
    const runs: number[][] = [];
    definition.locals.forEach((type, index) => {
      if (index > 0 && definition.locals[index - 1] === type) runs[runs.length - 1][0]++;
      else runs.push([1, type]);
    });
    const body = [...vector(runs.map(([count, type]) => [...unsignedLeb(count), type])), ...flatten(definition.body), ...op.end];
    return [...unsignedLeb(body.length), ...body];
  });
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vector(types)),
    ...section(2, vector(imports)),
    ...section(3, vector(declarations)),
    ...section(7, vector(exportEntries)),
    ...section(10, vector(bodies)),
  ]);
}
