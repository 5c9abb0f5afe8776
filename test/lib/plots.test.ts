import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inflateSync } from 'zlib';
import { ExperimentRun } from '../../src/lib/experiment/runner';
import { digitGridPng, encodeGrayscalePng } from '../../src/lib/image';
import { finalMetricSpec, lossCurvesFigure, PALETTE, reconstructionGridHtml, sweepSpec } from '../../src/lib/plots';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** A run with a history of `testMses` (one per epoch), or a diverged one; with samples for `digits` digits. */
function fakeRun(label: string, seed: number, testMses: number[], options: { diverged?: boolean; digits?: number } = {}): ExperimentRun {
  const history = testMses.map((testMse, index) => ({ epoch: index + 1, trainLoss: 2 * testMse, trainReconstructionLoss: 2 * testMse, testLoss: testMse, testMse, deadFraction: [0, null], seconds: 1 }));
  const digits = options.digits ?? 10;
  const reconstructions = Array.from({ length: digits }, (_, digit) => ({
    index: digit,
    label: digit,
    original: Array.from({ length: 784 }, (_, pixel) => (pixel % 28) / 27),
    reconstruction: Array.from({ length: 784 }, () => 0.5),
  }));
  const result = {
    seed,
    testMse: options.diverged ? null : testMses[testMses.length - 1],
    diverged: options.diverged ? { epoch: testMses.length + 1, step: 0, loss: null } : null,
    history,
    final: null,
    samples: options.diverged ? null : { codes: [], reconstructions },
  };
  return { label, seed, key: `${label}-${seed}`, cached: false, result } as unknown as ExperimentRun;
}

const RUNS: ExperimentRun[] = [
  fakeRun('relu', 1, [0.08, 0.05, 0.04]),
  fakeRun('relu', 2, [0.09, 0.06, 0.05]),
  fakeRun('sigmoid', 1, [0.1, 0.07, 0.06]),
  fakeRun('sigmoid', 2, [0.1], { diverged: true }),
];

/** The chunks of a PNG file in order: type and data. */
function pngChunks(png: Buffer): { type: string; data: Buffer }[] {
  assert.deepEqual([...png.subarray(0, 8)], PNG_SIGNATURE);
  const chunks: { type: string; data: Buffer }[] = [];
  for (let offset = 8; offset < png.length; ) {
    const length = png.readUInt32BE(offset);
    chunks.push({ type: png.toString('ascii', offset + 4, offset + 8), data: png.subarray(offset + 8, offset + 8 + length) });
    offset += 12 + length;
  }
  return chunks;
}

test('loss curves: per-seed test traces behind one mean test and one mean train trace per label', () => {
  const figure = lossCurvesFigure(RUNS);
  const names = figure.data.map((trace) => trace.name);
  assert.deepEqual(names, [
    'relu seed 1', 'relu seed 2', 'relu · test MSE', 'relu · train loss',
    'sigmoid seed 1', 'sigmoid seed 2', 'sigmoid · test MSE', 'sigmoid · train loss',
  ]);
  const reluMean = figure.data[2];
  assert.deepEqual(reluMean.x, [1, 2, 3]);
  const means = reluMean.y as number[];
  [0.085, 0.055, 0.045].forEach((expected, index) => assert.ok(Math.abs(means[index] - expected) < 1e-12, `epoch ${index + 1}`));
  // The diverged seed contributes its one finished epoch only.
  assert.deepEqual(figure.data[6].x, [1, 2, 3]);
  assert.deepEqual(figure.data[6].y, [0.1, 0.07, 0.06]);
  assert.equal((figure.data[0].line as { color: string }).color, PALETTE[0]);
  assert.equal((figure.data[6].line as { color: string }).color, PALETTE[1]);
  assert.equal((figure.layout.yaxis as { type: string }).type, 'log');
  assert.equal((lossCurvesFigure(RUNS, { logarithmic: false }).layout.yaxis as { type: string }).type, 'linear');
});

test('final metric spec: one point per finished seed, and diverged runs counted in the label', () => {
  const spec = finalMetricSpec(RUNS);
  const layers = spec.layer as { data: { values: Record<string, unknown>[] }; mark: { type: string } }[];
  const points = layers.find((layer) => layer.mark.type === 'point')?.data.values ?? [];
  assert.deepEqual(points, [
    { configuration: 'relu', seed: 1, testMse: 0.04 },
    { configuration: 'relu', seed: 2, testMse: 0.05 },
    { configuration: 'sigmoid (1 diverged)', seed: 1, testMse: 0.06 },
  ]);
  const summaries = layers.find((layer) => layer.mark.type === 'tick')?.data.values ?? [];
  assert.equal(summaries.length, 2);
  assert.ok(Math.abs((summaries[0].mean as number) - 0.045) < 1e-12);
  assert.ok((summaries[0].low as number) < 0.045 && (summaries[0].high as number) > 0.045);
  assert.deepEqual(summaries[1], { configuration: 'sigmoid (1 diverged)', mean: 0.06, low: 0.06, high: 0.06 });
  const sortOrder = ((layers[0] as unknown as { encoding: { y: { sort: string[] } } }).encoding.y.sort);
  assert.deepEqual(sortOrder, ['relu', 'sigmoid (1 diverged)']);
});

test('sweep spec: finished rows become means and ranges, diverged rows crosses at the top', () => {
  const rows = [
    { group: 'adam', parameter: 0.001, seed: 1, testMse: 0.04 },
    { group: 'adam', parameter: 0.001, seed: 2, testMse: 0.06 },
    { group: 'adam', parameter: 0.1, seed: 1, testMse: 0.2 },
    { group: 'adam', parameter: 0.1, seed: 2, testMse: null },
    { group: 'sgd', parameter: 1, seed: 1, testMse: null },
  ];
  const spec = sweepSpec(rows, { title: 'sweep', parameterTitle: 'learning rate' });
  const layers = spec.layer as { data: { values: Record<string, unknown>[] }; mark: { type: string; shape?: string } }[];
  const line = layers.find((layer) => layer.mark.type === 'line')?.data.values ?? [];
  assert.equal(line.length, 2, 'sgd at rate 1 has no finished seed and no mean');
  assert.ok(Math.abs((line[0].mean as number) - 0.05) < 1e-12);
  assert.deepEqual([line[0].low, line[0].high], [0.04, 0.06]);
  const crosses = layers.find((layer) => layer.mark.shape === 'cross')?.data.values ?? [];
  assert.deepEqual(crosses.map((row) => [row.group, row.parameter, row.seed]), [['adam', 0.1, 2], ['sgd', 1, 1]]);
  assert.ok(crosses.every((row) => row.shownAt === 0.2), 'drawn at the largest finished value');
});

test('the reconstruction grid is an <img> whose PNG holds one row per run plus the originals', () => {
  const html = reconstructionGridHtml(RUNS);
  const match = /<img[^>]*src="data:image\/png;base64,([A-Za-z0-9+/=]+)"/.exec(html);
  assert.ok(match, 'an <img> with a PNG data URL');
  const png = Buffer.from(match[1], 'base64');
  const header = pngChunks(png)[0];
  assert.equal(header.type, 'IHDR');
  // 10 digits × (28 px × scale 2) + 11 gaps of 4 px; 4 rows (originals + 3 finished runs) likewise.
  assert.equal(header.data.readUInt32BE(0), 10 * 56 + 11 * 4);
  assert.equal(header.data.readUInt32BE(4), 4 * 56 + 5 * 4);
  assert.match(html, /sigmoid \(seed 1\)/);
  assert.doesNotMatch(html, /sigmoid \(seed 2\)/);
  assert.match(reconstructionGridHtml([RUNS[3]]), /every run diverged/);
});

test('the digit grid draws white-on-black digits between gray gaps', () => {
  const png = digitGridPng({ rows: [[new Array(4).fill(1), new Array(4).fill(0)]], side: 2, scale: 1, gap: 1 });
  const chunks = pngChunks(png);
  assert.equal(chunks[0].data.readUInt32BE(0), 2 * 2 + 3);
  assert.equal(chunks[0].data.readUInt32BE(4), 2 + 2);
  const raw = inflateSync(Buffer.concat(chunks.filter((chunk) => chunk.type === 'IDAT').map((chunk) => chunk.data)));
  const width = 7;
  const pixelRow = (row: number): number[] => [...raw.subarray(row * (width + 1) + 1, (row + 1) * (width + 1))];
  assert.deepEqual(pixelRow(0), new Array(7).fill(128));
  assert.deepEqual(pixelRow(1), [128, 255, 255, 128, 0, 0, 128]);
});

test('a 2×2 grayscale PNG round-trips through its IDAT data', () => {
  const pixels = Uint8Array.from([0, 64, 200, 255]);
  const png = encodeGrayscalePng(pixels, 2, 2);
  const chunks = pngChunks(png);
  assert.deepEqual(chunks.map((chunk) => chunk.type), ['IHDR', 'IDAT', 'IEND']);
  const header = chunks[0].data;
  assert.deepEqual([header.readUInt32BE(0), header.readUInt32BE(4), header[8], header[9]], [2, 2, 8, 0]);
  const raw = inflateSync(chunks[1].data);
  // Each row starts with filter byte 0 (none).
  assert.deepEqual([...raw], [0, 0, 64, 0, 200, 255]);
  assert.throws(() => encodeGrayscalePng(pixels, 3, 2), /4 pixels for 3×2/);
});

test('PNG chunk checksums are the CRC-32 of type and data', () => {
  const png = encodeGrayscalePng(Uint8Array.from([1, 2, 3, 4, 5, 6]), 3, 2);
  for (let offset = 8; offset < png.length; ) {
    const length = png.readUInt32BE(offset);
    const stored = png.readUInt32BE(offset + 8 + length);
    assert.equal(stored, crc32(png.subarray(offset + 4, offset + 8 + length)));
    offset += 12 + length;
  }
});

/** A plain bitwise CRC-32 (IEEE), the reference for the encoder's table-driven one. */
function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}
