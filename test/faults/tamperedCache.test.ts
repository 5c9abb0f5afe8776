/**
 * Fault class: a cache that lies. A hand-edited number, an entry whose result is empty, a result
 * moved under another run's name: each is reported and recomputed, never used — and a plot made
 * from the experiment's runs works, because no broken result reaches it.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Experiment, runExperiment } from '../../src/lib/experiment/runner';
import { lossCurvesFigure } from '../../src/lib/plots/figures';

const WORK = fs.mkdtempSync(path.join(os.tmpdir(), 'relu-ae-tampered-'));
after(() => fs.rmSync(WORK, { recursive: true, force: true }));

const EXPERIMENT: Experiment = {
  name: 'tampered',
  seeds: [1, 2],
  configurations: [{ label: 'relu', run: { autoencoder: { layerSizes: [784, 16, 2, 16, 784] }, training: { epochs: 2, batchSize: 50 }, data: { trainSize: 200, testSize: 50 } } }],
};

test('an edited test MSE, an empty result and a swapped entry are each recomputed, and the recomputed numbers are the originals', async () => {
  const cacheDirectory = path.join(WORK, 'cache');
  const first = await runExperiment(EXPERIMENT, { cacheDirectory, workers: 0 });
  const [one, two] = first.runs;
  const file = (key: string) => path.join(cacheDirectory, `${key}.json`);
  const edit = (key: string, change: (entry: Record<string, any>) => void) => { // eslint-disable-line @typescript-eslint/no-explicit-any
    const entry = JSON.parse(fs.readFileSync(file(key), 'utf8'));
    change(entry);
    fs.writeFileSync(file(key), JSON.stringify(entry));
  };
  edit(one.key, (entry) => (entry.result.testMse = 0.0001));
  edit(two.key, (entry) => (entry.result = {}));
  const second = await runExperiment(EXPERIMENT, { cacheDirectory, workers: 0 });
  assert.deepEqual(second.corruptFiles.map((corrupt) => corrupt.file).sort(), [file(one.key), file(two.key)].sort());
  assert.match(second.corruptFiles.find((corrupt) => corrupt.file === file(one.key))?.problem ?? '', /does not match its checksum/);
  assert.match(second.corruptFiles.find((corrupt) => corrupt.file === file(two.key))?.problem ?? '', /is not a run result/);
  assert.equal(second.computedRuns, 2);
  assert.deepEqual(second.runs.map((run) => run.result.testMse), first.runs.map((run) => run.result.testMse));
  assert.doesNotThrow(() => lossCurvesFigure(second.runs));

  // One run's whole entry copied under the other's name: its identity does not hash to that name.
  fs.copyFileSync(file(one.key), file(two.key));
  const third = await runExperiment(EXPERIMENT, { cacheDirectory, workers: 0 });
  assert.equal(third.corruptFiles.length, 1);
  assert.match(third.corruptFiles[0].problem, /"key" field/);
  assert.equal(third.runs[1].result.seed, 2);
});
