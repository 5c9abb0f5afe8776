/**
 * A minimal PNG encoder for grayscale images, so that digit grids can be shown as one small
 * <img src="data:image/png;base64,…"> that survives nbconvert and needs no canvas or network.
 */
import { deflateSync } from 'zlib';
import { escapeHtml } from './html';

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let value = 0; value < 256; value++) {
    let c = value;
    for (let bit = 0; bit < 8; bit++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[value] = c >>> 0;
  }
  return table;
})();

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of bytes) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typeAndData = Buffer.concat([Buffer.from(type, 'ascii'), Buffer.from(data)]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeAndData));
  return Buffer.concat([length, typeAndData, crc]);
}

/** Encodes 8-bit grayscale pixels (row-major, width × height) as a PNG file. */
export function encodeGrayscalePng(pixels: Uint8Array, width: number, height: number): Buffer {
  if (pixels.length !== width * height) throw new Error(`encodeGrayscalePng: ${pixels.length} pixels for ${width}×${height}`);
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 0; // grayscale
  const rows = Buffer.alloc((width + 1) * height);
  for (let row = 0; row < height; row++) {
    rows[row * (width + 1)] = 0; // filter: none
    rows.set(pixels.subarray(row * width, (row + 1) * width), row * (width + 1) + 1);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', new Uint8Array(0)),
  ]);
}

/** Options of digitGridPng. */
export interface DigitGridOptions {
  /** Rows of images; each image is `side`² values in [0, 1]. */
  rows: ArrayLike<number>[][];
  /** Side of one image in pixels. Default 28. */
  side?: number;
  /** Each source pixel becomes scale × scale output pixels. Default 3. */
  scale?: number;
  /** Gap between images in output pixels (drawn mid-gray). Default 4. */
  gap?: number;
}

/** Lays out images in a grid (white digits on black, as MNIST) and encodes it as a PNG. */
export function digitGridPng(options: DigitGridOptions): Buffer {
  const side = options.side ?? 28;
  const scale = options.scale ?? 3;
  const gap = options.gap ?? 4;
  const columns = Math.max(...options.rows.map((row) => row.length));
  const cell = side * scale;
  const width = columns * cell + (columns + 1) * gap;
  const height = options.rows.length * cell + (options.rows.length + 1) * gap;
  const pixels = new Uint8Array(width * height).fill(128);
  options.rows.forEach((images, rowIndex) => {
    images.forEach((image, columnIndex) => {
      const left = gap + columnIndex * (cell + gap);
      const top = gap + rowIndex * (cell + gap);
      for (let y = 0; y < cell; y++) {
        for (let x = 0; x < cell; x++) {
          const value = image[Math.floor(y / scale) * side + Math.floor(x / scale)];
          pixels[(top + y) * width + left + x] = Math.round(255 * Math.min(1, Math.max(0, value)));
        }
      }
    });
  });
  return encodeGrayscalePng(pixels, width, height);
}

/** One row of a reconstruction grid: a name and its images (each `side`² values in [0, 1]). */
export interface DigitGridRow {
  name: string;
  images: ArrayLike<number>[];
}

/**
 * A grid of digits as an <img> with a PNG data URL and a name per row, readable wherever the
 * notebook is read (an <img> survives sanitizers and nbconvert).
 */
export function digitGridHtml(rows: DigitGridRow[], caption: string): string {
  if (rows.length === 0) return '<p>No images to show.</p>';
  const scale = 2;
  const gap = 4;
  const png = digitGridPng({ rows: rows.map((row) => row.images), scale, gap });
  const rowHeight = 28 * scale + gap;
  const labels = rows.map((row) => `<div style="height:${rowHeight}px;line-height:${rowHeight}px;white-space:nowrap;font:12px sans-serif">${escapeHtml(row.name)}</div>`).join('');
  return `<figure class="reconstruction-grid" style="margin:0"><div style="display:flex;align-items:flex-start"><div style="padding-top:4px;margin-right:8px;text-align:right">${labels}</div>` +
    `<img alt="${escapeHtml(caption)}" src="data:image/png;base64,${png.toString('base64')}"></div>` +
    `<figcaption style="font:12px sans-serif;color:#555">${escapeHtml(caption)}</figcaption></figure>`;
}
