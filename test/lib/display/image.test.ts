import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inflateSync } from 'zlib';
import { digitGridHtml, digitGridPng, encodeGrayscalePng } from '../../../src/lib/display/image';
import { reconstructionGridHtml } from '../../../src/lib/display/grids';
import { PLOT_RUNS } from '../../fixtures/plotRuns';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

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

test('the reconstruction grid is an <img> whose PNG holds one row per run plus the originals', () => {
  const html = reconstructionGridHtml(PLOT_RUNS);
  const match = /<img[^>]*src="data:image\/png;base64,([A-Za-z0-9+/=]+)"/.exec(html);
  assert.ok(match, 'an <img> with a PNG data URL');
  const header = pngChunks(Buffer.from(match[1], 'base64'))[0];
  assert.equal(header.type, 'IHDR');
  // 10 digits × (28 px × scale 2) + 11 gaps of 4 px; 4 rows (originals + 3 finished runs) likewise.
  assert.equal(header.data.readUInt32BE(0), 10 * 56 + 11 * 4);
  assert.equal(header.data.readUInt32BE(4), 4 * 56 + 5 * 4);
  assert.match(html, /sigmoid @ 0\.001 \(seed 1\)/);
  assert.doesNotMatch(html, /sigmoid @ 0\.001 \(seed 2\)/);
  assert.match(reconstructionGridHtml([PLOT_RUNS[3]]), /every run diverged/);
  assert.match(reconstructionGridHtml(PLOT_RUNS[0].result), /<img/, 'a single result is accepted');
});

test('a digit grid escapes its row names and caption', () => {
  const html = digitGridHtml([{ name: '<b>', images: [new Array(784).fill(0)] }], 'a & b');
  assert.ok(html.includes('&lt;b&gt;') && html.includes('a &amp; b'));
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
