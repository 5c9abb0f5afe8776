import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { cacheFile, canonicalJson, codeVersion, codeVersionOf, numericText, readCacheEntry, resultChecksum, RunIdentity, runKey, writeCacheEntry } from '../../../src/lib/experiment/cache';
import { findProjectRoot } from '../../../src/lib/paths';

const TEMPORARY_ROOT = fs.mkdtempSync(path.join(os.tmpdir(), 'relu-ae-cache-test-'));

after(() => {
  fs.rmSync(TEMPORARY_ROOT, { recursive: true, force: true });
});

const IDENTITY: RunIdentity = {
  config: { kind: 'autoencoder', autoencoder: { layerSizes: [784, 16, 2, 16, 784] }, training: { epochs: 1, optimizer: { name: 'adam', learningRate: 0.001 } } },
  seed: 1,
  dataFingerprint: '0123456789abcdef',
  codeVersion: 'fedcba9876543210',
  engine: 'blas/openblas',
};

/** The smallest result that has a run result's shape. */
const RESULT = {
  config: IDENTITY.config,
  seed: 1,
  testMse: 0.05,
  diverged: null,
  history: [{ epoch: 1, testMse: 0.05, trainLoss: 0.06 }],
  data: { fingerprint: IDENTITY.dataFingerprint },
  engine: 'blas',
  backend: 'openblas',
  versions: {},
};

function freshDirectory(name: string): string {
  return fs.mkdtempSync(path.join(TEMPORARY_ROOT, `${name}-`));
}

test('canonical JSON does not depend on key order, keeps array order and drops undefined fields', () => {
  assert.equal(canonicalJson({ b: 1, a: { d: [3, 1], c: 'x' } }), canonicalJson({ a: { c: 'x', d: [3, 1] }, b: 1 }));
  assert.equal(canonicalJson({ b: 1, a: 2 }), '{"a":2,"b":1}');
  assert.notEqual(canonicalJson({ list: [1, 3] }), canonicalJson({ list: [3, 1] }));
  assert.equal(canonicalJson({ a: 1, skipped: undefined }), canonicalJson({ a: 1 }));
  assert.equal(canonicalJson([null, 'text', true]), '[null,"text",true]');
  assert.deepEqual(JSON.parse(canonicalJson(IDENTITY)), JSON.parse(JSON.stringify(IDENTITY)));
});

test('the run key is 24 hex digits, stable under key order, and changes with seed, config, data, code or engine', () => {
  const key = runKey(IDENTITY);
  assert.match(key, /^[0-9a-f]{24}$/);
  const reordered: RunIdentity = {
    engine: IDENTITY.engine,
    codeVersion: IDENTITY.codeVersion,
    dataFingerprint: IDENTITY.dataFingerprint,
    seed: IDENTITY.seed,
    config: { training: { optimizer: { learningRate: 0.001, name: 'adam' }, epochs: 1 }, autoencoder: { layerSizes: [784, 16, 2, 16, 784] }, kind: 'autoencoder' },
  };
  assert.equal(runKey(reordered), key);
  const variants: RunIdentity[] = [
    { ...IDENTITY, seed: 2 },
    { ...IDENTITY, config: { ...(IDENTITY.config as object), training: { epochs: 2, optimizer: { name: 'adam', learningRate: 0.001 } } } },
    { ...IDENTITY, dataFingerprint: '0123456789abcdee' },
    { ...IDENTITY, codeVersion: 'another' },
    { ...IDENTITY, engine: 'tfjs/wasm' },
  ];
  const keys = new Set([key, ...variants.map(runKey)]);
  assert.equal(keys.size, variants.length + 1);
});

test('the code version is 16 hex digits and stable within a process', () => {
  assert.match(codeVersion(), /^[0-9a-f]{16}$/);
  assert.equal(codeVersion(), codeVersion());
});

test('the code version changes with any numeric module, the engine files included, and not with others', () => {
  const library = freshDirectory('library');
  const write = (name: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(library, name)), { recursive: true });
    fs.writeFileSync(path.join(library, name), text);
  };
  write('train.js', 'train');
  write('engine/denseEngine.js', 'order of operations A');
  write('engine/wasm/gemmKernel.js', 'kernel A');
  write('display/html.js', 'tables A');
  const first = codeVersionOf(library);
  write('display/html.js', 'tables B');
  assert.equal(codeVersionOf(library), first, 'display code does not decide numbers');
  write('engine/denseEngine.js', 'order of operations B');
  const second = codeVersionOf(library);
  assert.notEqual(second, first, 'the dense engine decides numbers');
  write('engine/wasm/gemmKernel.js', 'kernel B');
  assert.notEqual(codeVersionOf(library), second, 'so does the WebAssembly matrix kernel');
});

test('the code version changes with the native kernels\' C sources and build settings, and not with other native files', () => {
  const library = freshDirectory('native-library');
  const native = freshDirectory('native');
  const write = (name: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(native, name)), { recursive: true });
    fs.writeFileSync(path.join(native, name), text);
  };
  fs.writeFileSync(path.join(library, 'losses.js'), 'losses');
  write('src/kernels.c', 'logistic A');
  write('src/hot.h', 'no contraction');
  write('binding.gyp', '-ffp-contract=off');
  write('build.js', 'build script A');
  const first = codeVersionOf(library, native);
  assert.notEqual(first, codeVersionOf(library, null), 'the native sources count');
  write('build.js', 'build script B');
  assert.equal(codeVersionOf(library, native), first, 'the build script does not decide numbers');
  write('src/kernels.c', 'logistic B');
  const second = codeVersionOf(library, native);
  assert.notEqual(second, first, 'a C kernel decides numbers');
  write('src/hot.h', 'contraction');
  const third = codeVersionOf(library, native);
  assert.notEqual(third, second, 'so does a header');
  write('binding.gyp', '-ffp-contract=fast');
  assert.notEqual(codeVersionOf(library, native), third, 'and the compiler flags');
});

test('the code version of this checkout covers its native sources', () => {
  const root = findProjectRoot(__dirname);
  const library = path.join(__dirname, '..', '..', '..', 'src', 'lib');
  assert.equal(codeVersion(), codeVersionOf(library, path.join(root, 'native')));
  assert.notEqual(codeVersion(), codeVersionOf(library, null));
});

test('an entry written is read back whole, and an absent one is a miss', () => {
  const directory = freshDirectory('round-trip');
  const file = writeCacheEntry(directory, IDENTITY, RESULT);
  const key = runKey(IDENTITY);
  assert.equal(file, cacheFile(directory, key));
  assert.equal(path.basename(file), `${key}.json`);
  assert.deepEqual(fs.readdirSync(directory), [`${key}.json`], 'no temporary file is left behind');
  const read = readCacheEntry<typeof RESULT>(directory, key);
  assert.equal(read.status, 'hit');
  if (read.status !== 'hit') return;
  assert.equal(read.entry.key, key);
  assert.deepEqual(read.entry.identity, IDENTITY);
  assert.deepEqual(read.entry.result, RESULT);
  assert.ok(!Number.isNaN(Date.parse(read.entry.writtenAt)));
  assert.deepEqual(readCacheEntry(directory, runKey({ ...IDENTITY, seed: 99 })), { status: 'miss' });
});

/** Writes a good entry, lets `damage` change its file, and returns what reading it says. */
function readAfterDamage(name: string, damage: (file: string, key: string) => string | void) {
  const directory = freshDirectory(name);
  const file = writeCacheEntry(directory, IDENTITY, RESULT);
  const key = runKey(IDENTITY);
  const readKey = damage(file, key) ?? key;
  return { read: readCacheEntry(directory, readKey), directory, readKey };
}

test('a truncated file reads as corrupt: it does not parse', () => {
  const { read, directory, readKey } = readAfterDamage('truncated', (file) => {
    const text = fs.readFileSync(file, 'utf8');
    fs.writeFileSync(file, text.slice(0, Math.floor(text.length / 2)));
  });
  assert.equal(read.status, 'corrupt');
  if (read.status !== 'corrupt') return;
  assert.equal(read.file, cacheFile(directory, readKey));
  assert.match(read.problem, /does not parse as JSON/);
});

test('a valid entry stored under another key reads as corrupt: its key does not match the name', () => {
  const otherKey = runKey({ ...IDENTITY, seed: 2 });
  const { read } = readAfterDamage('renamed', (file, key) => {
    fs.renameSync(file, file.replace(key, otherKey));
    return otherKey;
  });
  assert.equal(read.status, 'corrupt');
  if (read.status !== 'corrupt') return;
  assert.match(read.problem, /"key" field ".*" does not match the file name/);
});

test('a tampered identity reads as corrupt: it does not hash to the name', () => {
  const { read } = readAfterDamage('tampered', (file) => {
    const entry = JSON.parse(fs.readFileSync(file, 'utf8'));
    entry.identity.seed = 5;
    fs.writeFileSync(file, JSON.stringify(entry));
  });
  assert.equal(read.status, 'corrupt');
  if (read.status !== 'corrupt') return;
  assert.match(read.problem, /"identity" field does not hash to the file name/);
});

/** Edits the stored entry's JSON in place. */
const editEntry = (edit: (entry: Record<string, any>) => void) => (file: string): void => { // eslint-disable-line @typescript-eslint/no-explicit-any
  const entry = JSON.parse(fs.readFileSync(file, 'utf8'));
  edit(entry);
  fs.writeFileSync(file, JSON.stringify(entry));
};

test('an entry whose result is not a run result reads as corrupt, naming the missing part', () => {
  for (const [name, result, pattern] of [
    ['number', 0.05, /its result is not a run result/],
    ['empty', {}, /its result is not a run result \(result\.config/],
    ['no history', { ...RESULT, history: undefined }, /result\.history/],
    ['negative mse', { ...RESULT, testMse: -1 }, /result\.testMse/],
  ] as const) {
    const { read } = readAfterDamage(`shape-${name.replace(' ', '-')}`, editEntry((entry) => (entry.result = result)));
    assert.equal(read.status, 'corrupt', name);
    if (read.status === 'corrupt') assert.match(read.problem, pattern, name);
  }
});

test('a hand-edited number in the result reads as corrupt: the checksum no longer matches', () => {
  const { read } = readAfterDamage('edited-mse', editEntry((entry) => (entry.result.testMse = 0.01)));
  assert.equal(read.status, 'corrupt');
  if (read.status === 'corrupt') assert.match(read.problem, /does not match its checksum/);
});

test('a result whose config or seed differs from its identity reads as corrupt, even with a fresh checksum', () => {
  const { read } = readAfterDamage('other-seed', editEntry((entry) => {
    entry.result.seed = 2;
    entry.checksum = resultChecksum(entry.result);
  }));
  assert.equal(read.status, 'corrupt');
  if (read.status === 'corrupt') assert.match(read.problem, /another config or seed/);
});

test('a JSON value that is not an object reads as corrupt', () => {
  const { read } = readAfterDamage('not-object', (file) => {
    fs.writeFileSync(file, 'null');
  });
  assert.equal(read.status, 'corrupt');
});

test('the code version reads code, not comments or layout', () => {
  assert.equal(numericText('const a = 1; // the rate\n/* a block\n comment */ const b = "// not a comment";\n\n  const c = `/* kept */`;'), 'const a = 1; const b = "// not a comment"; const c = `/* kept */`;');
  const library = freshDirectory('comments');
  fs.writeFileSync(path.join(library, 'losses.js'), '// mean squared error\nfunction loss(a, b) { return (a - b) * (a - b); }\n');
  const first = codeVersionOf(library, null);
  fs.writeFileSync(path.join(library, 'losses.js'), '/** The mean squared error, reworded. */\nfunction loss(a, b) {\n  return (a - b) * (a - b);\n}\n');
  assert.equal(codeVersionOf(library, null), first, 'a comment or a line break changes no number');
  fs.writeFileSync(path.join(library, 'losses.js'), 'function loss(a, b) { return (b - a) * (a - b); }\n');
  assert.notEqual(codeVersionOf(library, null), first, 'code does');
});
