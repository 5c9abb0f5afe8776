/**
 * The trainer's guarantees: a long run's first k epochs are exactly a k-epoch run (the training
 * budget axis comes free), on every engine; empty inputs are refused. (Divergence: test/faults/.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadData } from '../../src/lib/data';
import { blasAvailable, prepareEngine } from '../../src/lib/engine/index';
import { initializeParameters, networkFromSpec } from '../../src/lib/model';
import { resolveAutoencoderSpec, resolveTrainingSpec } from '../../src/lib/spec';
import { EpochRecord, trainNetwork } from '../../src/lib/train';

const DATA = loadData({ trainSize: 300, testSize: 100, validationSize: 60 });
const ENGINES = blasAvailable().available || process.env.CI ? ['blas', 'wasm', 'tfjs'] : ['wasm', 'tfjs'];
const numbers = (history: EpochRecord[]) => history.map(({ seconds: _seconds, ...record }) => record);

for (const engineName of ENGINES) {
  test(`${engineName}: the first k epochs of a 6-epoch run equal a k-epoch run, bit for bit`, async () => {
    const engine = await prepareEngine(engineName);
    const network = networkFromSpec(resolveAutoencoderSpec({ layerSizes: [784, 24, 3, 24, 784] }));
    const run = (epochs: number) => {
      const outcome = trainNetwork({
        network,
        training: resolveTrainingSpec({ epochs, batchSize: 50, optimizer: { name: 'adam', learningRate: 3e-3 }, inputCorruption: { kind: 'mask', fraction: 0.2 } }),
        trainInputs: DATA.train.images,
        validationInputs: DATA.validation?.images,
        testInputs: DATA.test.images,
        seed: 7,
        initialParameters: initializeParameters({ network, initializer: 'heNormal', seed: 7 }),
        engine,
      });
      const parameters = outcome.trainedEngine.getParameters();
      outcome.trainedEngine.dispose();
      return { history: outcome.history, parameters };
    };
    const long = run(6);
    for (const epochs of [1, 3]) {
      const short = run(epochs);
      assert.deepEqual(numbers(short.history), numbers(long.history.slice(0, epochs)), `${epochs} epochs`);
    }
    assert.equal(long.history.length, 6);
    assert.ok(long.history.every((record) => typeof record.validationMse === 'number'));
  });
}

test('empty training inputs are refused by name instead of reporting an untrained network', async () => {
  const engine = await prepareEngine();
  const network = networkFromSpec(resolveAutoencoderSpec({ layerSizes: [784, 8, 2, 8, 784] }));
  assert.throws(() => trainNetwork({
    network, training: resolveTrainingSpec({ epochs: 1 }), trainInputs: new Float32Array(0), testInputs: DATA.test.images, seed: 1, engine,
  }), /trainInputs: is empty/);
});
