import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { readCacheEntry } from '../../../src/lib/experiment/cache';
import { Experiment, ExperimentProgress, progressLine, runExperiment } from '../../../src/lib/experiment/runner';

const TEMPORARY_ROOT = fs.mkdtempSync(path.join(os.tmpdir(), 'relu-ae-runner-test-'));

after(() => {
  fs.rmSync(TEMPORARY_ROOT, { recursive: true, force: true });
});


/** Two configurations × two seeds of a tiny autoencoder, one epoch each. */
const TINY_EXPERIMENT: Experiment = {
  name: 'tiny',
  seeds: [1, 2],
  configurations: ['relu', 'elu'].map((hidden) => ({
    label: `${hidden} hidden`,
    run: {
      autoencoder: { layerSizes: [784, 16, 2, 16, 784], hiddenActivation: hidden as 'relu' | 'elu' },
      training: { epochs: 1, batchSize: 50 },
      data: { trainSize: 200, testSize: 50 },
    },
  })),
};

function freshDirectory(name: string): string {
  return fs.mkdtempSync(path.join(TEMPORARY_ROOT, `${name}-`));
}

function jsonFiles(directory: string): string[] {
  return fs.existsSync(directory) ? fs.readdirSync(directory).filter((name) => name.endsWith('.json')).sort() : [];
}

test('in process: the first run computes every run, the second reads all of them from the cache', async () => {
  const cacheDirectory = freshDirectory('in-process');
  const progress: ExperimentProgress[] = [];
  const first = await runExperiment(TINY_EXPERIMENT, { cacheDirectory, workers: 0, onProgress: (update) => progress.push(update) });
  assert.equal(first.computedRuns, 4);
  assert.equal(first.cachedRuns, 0);
  assert.deepEqual(first.corruptFiles, []);
  assert.equal(first.runs.length, 4);
  assert.deepEqual(first.runs.map((run) => [run.label, run.seed, run.cached]), [
    ['relu hidden', 1, false], ['relu hidden', 2, false], ['elu hidden', 1, false], ['elu hidden', 2, false],
  ]);
  assert.equal(new Set(first.runs.map((run) => run.key)).size, 4);
  assert.deepEqual(jsonFiles(cacheDirectory), first.runs.map((run) => `${run.key}.json`).sort());
  for (const run of first.runs) {
    assert.equal(run.result.seed, run.seed);
    assert.ok(Number.isFinite(run.result.testMse), `${run.label} seed ${run.seed}`);
  }
  assert.equal(progress[progress.length - 1].doneRuns, 4);
  assert.equal(progress[progress.length - 1].totalRuns, 4);
  assert.match(progressLine(progress[progress.length - 1]), /^tiny · 4\/4 runs \(0 cached\)/);

  const second = await runExperiment(TINY_EXPERIMENT, { cacheDirectory, workers: 0 });
  assert.equal(second.computedRuns, 0);
  assert.equal(second.cachedRuns, 4);
  assert.ok(second.runs.every((run) => run.cached));
  assert.deepEqual(second.runs.map((run) => run.key), first.runs.map((run) => run.key));
  assert.deepEqual(second.runs.map((run) => run.result), JSON.parse(JSON.stringify(first.runs.map((run) => run.result))));
});

test('two worker processes compute exactly the numbers this process computes under the same keys', async () => {
  const inProcess = await runExperiment(TINY_EXPERIMENT, { cacheDirectory: freshDirectory('reference'), workers: 0 });
  const cacheDirectory = freshDirectory('workers');
  const result = await runExperiment(TINY_EXPERIMENT, { cacheDirectory, workers: 2 });
  assert.equal(result.computedRuns, 4);
  assert.equal(result.cachedRuns, 0);
  assert.equal(jsonFiles(cacheDirectory).length, 4);
  assert.ok(fs.readdirSync(cacheDirectory).every((name) => !name.endsWith('.tmp')));
  result.runs.forEach((run, index) => {
    const reference = inProcess.runs[index];
    assert.equal(run.key, reference.key);
    assert.equal(run.cached, false);
    assert.equal(run.result.history.length, 1);
    // One OpenBLAS thread everywhere: the same key means the same numbers, bit for bit.
    assert.equal(run.result.testMse, reference.result.testMse, `${run.label} seed ${run.seed}`);
    assert.deepEqual(run.result.history.map(({ seconds: _seconds, ...record }) => record), reference.result.history.map(({ seconds: _seconds, ...record }) => record));
  });
  const again = await runExperiment(TINY_EXPERIMENT, { cacheDirectory, workers: 2 });
  assert.equal(again.computedRuns, 0);
  assert.equal(again.cachedRuns, 4);
});

test('a corrupt cache file is reported and recomputed', async () => {
  const cacheDirectory = freshDirectory('corrupt');
  const first = await runExperiment(TINY_EXPERIMENT, { cacheDirectory, workers: 0 });
  const damaged = first.runs[1];
  const file = path.join(cacheDirectory, `${damaged.key}.json`);
  fs.writeFileSync(file, fs.readFileSync(file, 'utf8').slice(0, 100));

  const second = await runExperiment(TINY_EXPERIMENT, { cacheDirectory, workers: 0 });
  assert.equal(second.corruptFiles.length, 1);
  assert.equal(second.corruptFiles[0].file, file);
  assert.match(second.corruptFiles[0].problem, /does not parse as JSON/);
  assert.equal(second.computedRuns, 1);
  assert.equal(second.cachedRuns, 3);
  assert.deepEqual(second.runs.map((run) => run.cached), [true, false, true, true]);
  assert.equal(second.runs[1].result.testMse, first.runs[1].result.testMse);
  assert.equal(readCacheEntry(cacheDirectory, damaged.key).status, 'hit');
});

test('a failing run makes the experiment throw, naming the run, after caching the others', async () => {
  const cacheDirectory = freshDirectory('failing');
  const failing: Experiment = {
    name: 'failing',
    seeds: [1],
    configurations: [
      TINY_EXPERIMENT.configurations[0],
      { label: 'wrong input size', run: { autoencoder: { layerSizes: [100, 8, 2, 8, 100] }, training: { epochs: 1 }, data: { trainSize: 200, testSize: 50 } } },
    ],
  };
  await assert.rejects(runExperiment(failing, { cacheDirectory, workers: 0 }), /experiment failing: 1 run\(s\) failed[\s\S]*wrong input size seed 1: .*layerSizes\[0\]/);
  assert.equal(jsonFiles(cacheDirectory).length, 1);
});

/** Six runs of a few hundred milliseconds each, so that a kill lands in the middle of the experiment. */
const INTERRUPTED_EXPERIMENT: Experiment = {
  name: 'interrupted',
  seeds: [1, 2, 3],
  configurations: ['relu', 'elu'].map((hidden) => ({
    label: hidden,
    run: {
      autoencoder: { layerSizes: [784, 64, 2, 64, 784], hiddenActivation: hidden as 'relu' | 'elu' },
      training: { epochs: 2, batchSize: 32 },
      data: { trainSize: 1500, testSize: 100 },
    },
  })),
};

test('an experiment killed mid-way leaves only whole results, and the rerun computes only the rest', async () => {
  const cacheDirectory = freshDirectory('interrupted');
  // The child loads the same compiled library as this test, so its runs have the same code version and keys.
  const libraryDirectory = path.resolve(__dirname, '../../../src/lib');
  const script = path.join(TEMPORARY_ROOT, 'interrupted-experiment.js');
  fs.writeFileSync(
    script,
    `const { runExperiment } = require(${JSON.stringify(path.join(libraryDirectory, 'experiment', 'runner'))});\n` +
      `runExperiment(${JSON.stringify(INTERRUPTED_EXPERIMENT)}, { cacheDirectory: ${JSON.stringify(cacheDirectory)}, workers: 1 })\n` +
      `  .then(() => process.exit(0), (error) => { console.error(error); process.exit(1); });\n`,
  );
  // Its own process group, so that one SIGKILL stops both the runner and its worker, as a killed terminal would.
  const child = spawn(process.execPath, [script], { detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
  let childErrors = '';
  child.stderr?.on('data', (chunk) => (childErrors += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const deadline = Date.now() + 20_000;
  let killed = false;
  let exitedOnItsOwn = false;
  child.once('exit', () => (exitedOnItsOwn = !killed));
  while (jsonFiles(cacheDirectory).length < 2 && !exitedOnItsOwn && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  if (!exitedOnItsOwn) {
    killed = true;
    process.kill(-(child.pid as number), 'SIGKILL');
  }
  await exited;
  assert.equal(exitedOnItsOwn, false, `the experiment ended before it could be interrupted: ${childErrors}`);
  // The worker may still be exiting; give the process group a moment to be gone before counting.
  await new Promise((resolve) => setTimeout(resolve, 200));

  const present = jsonFiles(cacheDirectory);
  assert.ok(present.length >= 2 && present.length < 6, `${present.length} results after the kill`);
  for (const name of present) {
    const entry = JSON.parse(fs.readFileSync(path.join(cacheDirectory, name), 'utf8'));
    assert.equal(`${entry.key}.json`, name);
    assert.equal(readCacheEntry(cacheDirectory, entry.key).status, 'hit');
  }

  const rerun = await runExperiment(INTERRUPTED_EXPERIMENT, { cacheDirectory, workers: 0 });
  assert.equal(rerun.computedRuns, 6 - present.length);
  assert.equal(rerun.cachedRuns, present.length);
  assert.deepEqual(rerun.corruptFiles, []);
  const presentKeys = new Set(present.map((name) => name.replace(/\.json$/, '')));
  for (const run of rerun.runs) assert.equal(run.cached, presentKeys.has(run.key), `${run.label} seed ${run.seed}`);
  assert.equal(jsonFiles(cacheDirectory).length, 6);
});

test('configurations carry their group and parameters to the runs; a bad configuration names itself before any training', async () => {
  const cacheDirectory = freshDirectory('structured');
  const structured: Experiment = {
    name: 'structured',
    seeds: [1],
    configurations: [{ ...TINY_EXPERIMENT.configurations[0], group: 'ReLU', parameters: { learningRate: 0.001 } }],
  };
  const result = await runExperiment(structured, { cacheDirectory, workers: 0 });
  assert.equal(result.runs[0].group, 'ReLU');
  assert.deepEqual(result.runs[0].parameters, { learningRate: 0.001 });
  const bad: Experiment = { name: 'bad', seeds: [1], configurations: [{ label: 'typo', run: { training: { epoch: 2 } as never } }] };
  await assert.rejects(runExperiment(bad, { cacheDirectory, workers: 0 }), /configuration "typo" \(#1\) training\.epoch: unknown field; did you mean epochs\?/);
});

test('more workers than cores are capped at the cores and the runs, with a note', async () => {
  const result = await runExperiment(TINY_EXPERIMENT, { cacheDirectory: freshDirectory('capped'), workers: 1000 });
  assert.equal(result.computedRuns, 4);
  assert.ok(result.notes.some((note) => new RegExp(`1000 workers were asked for, but this machine has ${os.cpus().length} cores`).test(note)), result.notes.join('; '));
});

test('where the data lie is not part of a run\'s identity: a config naming its data folder shares keys and cache hits', async () => {
  const cacheDirectory = freshDirectory('located');
  const fashion = (dataDirectory?: string): Experiment => ({
    name: 'located',
    seeds: [1],
    configurations: [{ label: 'fashion', run: { autoencoder: { layerSizes: [784, 8, 2, 8, 784] }, training: { epochs: 1, batchSize: 50 }, data: { source: 'fashionMnist', trainSize: 200, testSize: 50, ...(dataDirectory ? { dataDirectory } : {}) } } }],
  });
  const named = await runExperiment(fashion('/usr/share/datasets/fashion-mnist'), { cacheDirectory, workers: 0 });
  const again = await runExperiment(fashion('/usr/share/datasets/fashion-mnist'), { cacheDirectory, workers: 0 });
  const found = await runExperiment(fashion(), { cacheDirectory, workers: 0 });
  assert.deepEqual([named.cachedRuns, again.cachedRuns, found.cachedRuns], [0, 1, 1]);
  assert.deepEqual(again.corruptFiles, []);
  assert.equal(found.runs[0].key, named.runs[0].key);
});
