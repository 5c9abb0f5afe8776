/**
 * The WebAssembly engine's one matrix kernel, emitted with assembler.ts:
 *
 *   C[i][j] = (accumulate ? C[i][j] : 0) + Σ_p A(i, p)·B(p, j)      i < m, j < n, p < k
 *
 * with A and B read through strides, so that one kernel does all four products of a step
 * (matrixProducts.ts): X·W, Xᵀ·dZ, dZ·Wᵀ and the column sums 1ᵀ·dZ (A a single 1 with zero strides).
 *
 * Every element is one float32 running sum over p in order, each product and sum rounded (WebAssembly
 * has no fused multiply-add), so an element's value does not depend on m, n or the tiling: a set
 * evaluated in slices gives the same bits as in one pass.
 *
 * Tiling: columns in panels of 8, each panel of B copied first into a contiguous buffer (`pack`,
 * k × 8 floats) so that its reads are sequential whatever B's strides; rows in tiles of 4. A 4×8
 * tile keeps 8 four-lane accumulators in registers, and each p costs two loads of B, four splatted
 * loads of A, eight multiplies and eight adds. Rows left over take a 1×8 tile, columns left over
 * a scalar loop that adds in the same order.
 */
import { Code, countedLoop, F32, FunctionDefinition, I32, LocalAllocator, op, V128 } from './assembler';

/** The parameters of `gemm`, in order; pointers, strides and leading dimensions are in bytes. */
export const GEMM_PARAMETERS = [
  'c', 'cRowBytes', 'a', 'aRowBytes', 'aDepthBytes', 'b', 'bDepthBytes', 'bColumnBytes', 'm', 'n', 'k', 'accumulate', 'pack',
] as const;

/** Columns of a panel and rows of a tile. */
export const PANEL_COLUMNS = 8;
const TILE_ROWS = 4;
const FLOAT_BYTES = 4;
const VECTOR_BYTES = 16;

export function gemmFunction(): FunctionDefinition {
  const parameter = Object.fromEntries(GEMM_PARAMETERS.map((name, index) => [name, index])) as Record<(typeof GEMM_PARAMETERS)[number], number>;
  const locals = new LocalAllocator(GEMM_PARAMETERS.length);
  const get = op.localGet;
  const set = op.localSet;
  const column = locals.add(I32);
  const row = locals.add(I32);
  const depth = locals.add(I32);
  const panelEnd = locals.add(I32);
  const rowsInTiles = locals.add(I32);
  const columnsInPanels = locals.add(I32);
  const packPointer = locals.add(I32);
  const source = locals.add(I32);
  const cTile = locals.add(I32);
  const aPointers = Array.from({ length: TILE_ROWS }, () => locals.add(I32));
  const cPointers = Array.from({ length: TILE_ROWS }, () => locals.add(I32));
  const accumulators = Array.from({ length: TILE_ROWS }, () => [locals.add(V128), locals.add(V128)]);
  const panelLow = locals.add(V128);
  const panelHigh = locals.add(V128);
  const splat = locals.add(V128);
  const scalarSum = locals.add(F32);

  const multiply = (...factors: Code[]): Code => [factors[0], ...factors.slice(1).map((factor) => [factor, op.i32Mul])];

  // Copy B(p, column…column+7) for every p into pack[p·8…p·8+7].
  const packPanel: Code = [
    op.localGet(parameter.bColumnBytes), op.i32Const(FLOAT_BYTES), op.i32Eq,
    op.if,
    countedLoop(depth, op.i32Const(0), get(parameter.k), op.i32Const(1), [
      get(parameter.b), multiply(get(depth), get(parameter.bDepthBytes)), op.i32Add, multiply(get(column), op.i32Const(FLOAT_BYTES)), op.i32Add, set(source),
      get(parameter.pack), multiply(get(depth), op.i32Const(PANEL_COLUMNS * FLOAT_BYTES)), op.i32Add, op.localTee(packPointer),
      get(source), op.v128Load(0), op.v128Store(0),
      get(packPointer), get(source), op.v128Load(VECTOR_BYTES), op.v128Store(VECTOR_BYTES),
    ]),
    op.else,
    countedLoop(depth, op.i32Const(0), get(parameter.k), op.i32Const(1), [
      get(parameter.b), multiply(get(depth), get(parameter.bDepthBytes)), op.i32Add, multiply(get(column), get(parameter.bColumnBytes)), op.i32Add, set(source),
      get(parameter.pack), multiply(get(depth), op.i32Const(PANEL_COLUMNS * FLOAT_BYTES)), op.i32Add, set(packPointer),
      Array.from({ length: PANEL_COLUMNS }, (_, offset) => [
        get(packPointer), get(source), op.f32Load(0), op.f32Store(offset * FLOAT_BYTES),
        get(source), get(parameter.bColumnBytes), op.i32Add, set(source),
      ]),
    ]),
    op.end,
  ];

  /** One tile of `tileRows` rows × 8 columns at (row, column), B's panel packed. */
  const tile = (tileRows: number): Code => [
    get(parameter.c), multiply(get(row), get(parameter.cRowBytes)), op.i32Add, multiply(get(column), op.i32Const(FLOAT_BYTES)), op.i32Add, set(cTile),
    Array.from({ length: tileRows }, (_, offset) => [
      get(cTile), multiply(op.i32Const(offset), get(parameter.cRowBytes)), op.i32Add, set(cPointers[offset]),
      get(parameter.a), get(row), op.i32Const(offset), op.i32Add, get(parameter.aRowBytes), op.i32Mul, op.i32Add, set(aPointers[offset]),
    ]),
    get(parameter.accumulate),
    op.if,
    Array.from({ length: tileRows }, (_, offset) => [
      get(cPointers[offset]), op.v128Load(0), set(accumulators[offset][0]),
      get(cPointers[offset]), op.v128Load(VECTOR_BYTES), set(accumulators[offset][1]),
    ]),
    op.else,
    Array.from({ length: tileRows }, (_, offset) => [op.v128Zero, set(accumulators[offset][0]), op.v128Zero, set(accumulators[offset][1])]),
    op.end,
    get(parameter.pack), set(packPointer),
    // The loop runs k ≥ 1 times (the caller never passes k = 0): do … while packPointer < panelEnd.
    op.loop,
    get(packPointer), op.v128Load(0), set(panelLow),
    get(packPointer), op.v128Load(VECTOR_BYTES), set(panelHigh),
    Array.from({ length: tileRows }, (_, offset) => [
      get(aPointers[offset]), op.v128Load32Splat(0), set(splat),
      get(accumulators[offset][0]), get(splat), get(panelLow), op.f32x4Mul, op.f32x4Add, set(accumulators[offset][0]),
      get(accumulators[offset][1]), get(splat), get(panelHigh), op.f32x4Mul, op.f32x4Add, set(accumulators[offset][1]),
      get(aPointers[offset]), get(parameter.aDepthBytes), op.i32Add, set(aPointers[offset]),
    ]),
    get(packPointer), op.i32Const(PANEL_COLUMNS * FLOAT_BYTES), op.i32Add, op.localTee(packPointer), get(panelEnd), op.i32LtS, op.brIf(0),
    op.end,
    Array.from({ length: tileRows }, (_, offset) => [
      get(cPointers[offset]), get(accumulators[offset][0]), op.v128Store(0),
      get(cPointers[offset]), get(accumulators[offset][1]), op.v128Store(VECTOR_BYTES),
    ]),
  ];

  // Columns past the last full panel: one element at a time, in the same order of p.
  const scalarColumns: Code = countedLoop(column, get(columnsInPanels), get(parameter.n), op.i32Const(1), [
    countedLoop(row, op.i32Const(0), get(parameter.m), op.i32Const(1), [
      get(parameter.c), multiply(get(row), get(parameter.cRowBytes)), op.i32Add, multiply(get(column), op.i32Const(FLOAT_BYTES)), op.i32Add, set(cTile),
      get(parameter.accumulate),
      op.if,
      get(cTile), op.f32Load(0), set(scalarSum),
      op.else,
      op.f32Const(0), set(scalarSum),
      op.end,
      get(parameter.a), multiply(get(row), get(parameter.aRowBytes)), op.i32Add, set(aPointers[0]),
      get(parameter.b), multiply(get(column), get(parameter.bColumnBytes)), op.i32Add, set(source),
      countedLoop(depth, op.i32Const(0), get(parameter.k), op.i32Const(1), [
        get(scalarSum), get(aPointers[0]), op.f32Load(0), get(source), op.f32Load(0), op.f32Mul, op.f32Add, set(scalarSum),
        get(aPointers[0]), get(parameter.aDepthBytes), op.i32Add, set(aPointers[0]),
        get(source), get(parameter.bDepthBytes), op.i32Add, set(source),
      ]),
      get(cTile), get(scalarSum), op.f32Store(0),
    ]),
  ]);

  const body: Code = [
    get(parameter.k), op.i32Eqz, op.if, op.return, op.end,
    get(parameter.m), op.i32Const(-TILE_ROWS), op.i32And, set(rowsInTiles),
    get(parameter.n), op.i32Const(-PANEL_COLUMNS), op.i32And, set(columnsInPanels),
    get(parameter.pack), multiply(get(parameter.k), op.i32Const(PANEL_COLUMNS * FLOAT_BYTES)), op.i32Add, set(panelEnd),
    countedLoop(column, op.i32Const(0), get(columnsInPanels), op.i32Const(PANEL_COLUMNS), [
      packPanel,
      countedLoop(row, op.i32Const(0), get(rowsInTiles), op.i32Const(TILE_ROWS), tile(TILE_ROWS)),
      countedLoop(row, get(rowsInTiles), get(parameter.m), op.i32Const(1), tile(1)),
    ]),
    scalarColumns,
  ];
  return { name: 'gemm', parameters: GEMM_PARAMETERS.map(() => I32), locals: locals.locals, body };
}
