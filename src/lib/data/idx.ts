/**
 * IDX files, the format of MNIST and Fashion-MNIST (plain or gzipped): parsing with errors that
 * name the file and what is wrong with it, and finding the four files of a data set in a folder.
 */
import * as fs from 'fs';
import * as path from 'path';
import { gunzipSync } from 'zlib';

export const IMAGE_SIZE = 784;

/** A set of images with their labels. */
export interface Dataset {
  /** Row-major [count × featureSize], values in [0, 1]. */
  images: Float32Array;
  labels: Uint8Array;
  count: number;
  featureSize: number;
}

/** A problem with a data file; the message names the file and what is wrong. */
export class DataFileError extends Error {
  constructor(readonly file: string, problem: string) {
    super(`${file}: ${problem}`);
    this.name = 'DataFileError';
  }
}

/** Reads a file, naming it in every failure (a folder where a file should be, a missing file). */
export function readDataFile(file: string): Buffer {
  let stats: fs.Stats;
  try {
    stats = fs.statSync(file);
  } catch (error) {
    throw new DataFileError(file, `cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  if (stats.isDirectory()) throw new DataFileError(file, 'is a directory, not a data file');
  try {
    return fs.readFileSync(file);
  } catch (error) {
    throw new DataFileError(file, `cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
}

/** The file's bytes, gunzipped when the file is gzip (by its magic bytes, or its .gz name). */
export function readMaybeGzip(file: string): Buffer {
  const raw = readDataFile(file);
  const isGzip = raw.length >= 2 && raw[0] === 0x1f && raw[1] === 0x8b;
  if (!isGzip && file.endsWith('.gz')) {
    throw new DataFileError(file, 'is named .gz but is not a gzip file (it does not start with the gzip magic bytes 1f 8b)');
  }
  if (!isGzip) return raw;
  try {
    return gunzipSync(raw);
  } catch (error) {
    throw new DataFileError(file, `not a valid gzip file (${(error as Error).message})`);
  }
}

/**
 * Checks an IDX header (big-endian magic, then one 32-bit size per dimension) and returns the
 * sizes. `kind` names the file type in messages.
 */
function readIdxHeader(buffer: Buffer, file: string, magic: number, dimensions: number, kind: string): number[] {
  const headerBytes = 4 + 4 * dimensions;
  if (buffer.length < headerBytes) {
    throw new DataFileError(file, `truncated: ${buffer.length} bytes is shorter than the ${headerBytes}-byte IDX ${kind} header`);
  }
  const found = buffer.readUInt32BE(0);
  if (found !== magic) {
    const hex = (value: number): string => `0x${value.toString(16).padStart(8, '0')}`;
    throw new DataFileError(file, `wrong magic number ${hex(found)}; an IDX ${kind} file starts with ${hex(magic)}`);
  }
  return Array.from({ length: dimensions }, (_, index) => buffer.readUInt32BE(4 + 4 * index));
}

/** Parses an IDX image file (magic 0x00000803): count × rows × cols unsigned bytes. */
export function parseIdxImages(buffer: Buffer, file: string): Dataset {
  const [count, rows, columns] = readIdxHeader(buffer, file, 0x803, 3, 'image');
  if (rows !== 28 || columns !== 28) throw new DataFileError(file, `wrong dimensions ${rows}×${columns}; MNIST images are 28×28`);
  const expected = 16 + count * rows * columns;
  if (buffer.length < expected) {
    throw new DataFileError(file, `truncated: header says ${count} images (${expected} bytes) but the file has ${buffer.length} bytes`);
  }
  const images = new Float32Array(count * IMAGE_SIZE);
  for (let index = 0; index < images.length; index++) images[index] = buffer[16 + index] / 255;
  return { images, labels: new Uint8Array(count), count, featureSize: IMAGE_SIZE };
}

/** Parses an IDX label file (magic 0x00000801): count unsigned bytes in 0..9. */
export function parseIdxLabels(buffer: Buffer, file: string): Uint8Array {
  const [count] = readIdxHeader(buffer, file, 0x801, 1, 'label');
  if (buffer.length < 8 + count) {
    throw new DataFileError(file, `truncated: header says ${count} labels but the file has ${buffer.length - 8}`);
  }
  const labels = new Uint8Array(buffer.subarray(8, 8 + count));
  const bad = labels.findIndex((label) => label > 9);
  if (bad >= 0) throw new DataFileError(file, `label ${labels[bad]} at index ${bad} is not a class 0-9`);
  return labels;
}

/** Reads an IDX image file and its label file and checks that they match. */
export function loadIdxPair(imagesFile: string, labelsFile: string): Dataset {
  const dataset = parseIdxImages(readMaybeGzip(imagesFile), imagesFile);
  const labels = parseIdxLabels(readMaybeGzip(labelsFile), labelsFile);
  if (labels.length !== dataset.count) {
    throw new DataFileError(labelsFile, `count mismatch: ${labels.length} labels for ${dataset.count} images in ${imagesFile}`);
  }
  return { ...dataset, labels };
}

/** The path of an IDX file in a directory, plain or gzipped, or null when neither exists. */
export function findIdxFile(directory: string, baseName: string): string | null {
  for (const candidate of [baseName, `${baseName}.gz`]) {
    const file = path.join(directory, candidate);
    if (fs.existsSync(file)) return file;
  }
  return null;
}

/** The four files of MNIST and of Fashion-MNIST, which share the names. */
export const IDX_NAMES = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
} as const;

/** True when all four IDX files are in the directory. */
export function hasIdxSet(directory: string): boolean {
  return Object.values(IDX_NAMES).every((name) => findIdxFile(directory, name) !== null);
}

/** The official train and test sets of an IDX folder; a missing file is named. */
export function loadIdxSet(directory: string): { train: Dataset; test: Dataset } {
  const file = (name: string): string => {
    const found = findIdxFile(directory, name);
    if (!found) throw new DataFileError(path.join(directory, name), 'missing (looked for the plain and the .gz file)');
    return found;
  };
  return {
    train: loadIdxPair(file(IDX_NAMES.trainImages), file(IDX_NAMES.trainLabels)),
    test: loadIdxPair(file(IDX_NAMES.testImages), file(IDX_NAMES.testLabels)),
  };
}
