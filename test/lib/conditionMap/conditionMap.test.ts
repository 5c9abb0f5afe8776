import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { compareLabels } from '../../../src/lib/compare';
import {
  ConditionMapSpec, comparisonAcrossConditions, crossConditions, describeConditionSet, mapConfigurations, mergeRun, planConditionMap, runConditionMap,
} from '../../../src/lib/conditionMap/index';
import { SpecError } from '../../../src/lib/spec';

const CACHE = fs.mkdtempSync(path.join(os.tmpdir(), 'relu-ae-condition-map-'));
after(() => fs.rmSync(CACHE, { recursive: true, force: true }));

const TINY = { layerSizes: [784, 16, 2, 16, 784] };

/** A user's own question: is an ELU network better than a ReLU one, under two initializers? */
function userSpec(): ConditionMapSpec {
  return {
    name: 'ELU or ReLU?',
    arms: [
      { id: 'relu', run: { autoencoder: { ...TINY, hiddenActivation: 'relu' } } },
      { id: 'elu', group: 'ELU', run: { autoencoder: { ...TINY, hiddenActivation: 'elu' } } },
    ],
    comparisons: [{ name: 'ELU vs ReLU', baseline: 'relu', candidate: 'elu' }],
    conditions: crossConditions({
      initializer: [
        { id: 'glorot', title: 'Glorot uniform', run: { autoencoder: { initializer: 'glorotUniform' } } },
        { id: 'he', title: 'He normal', run: { autoencoder: { initializer: 'heNormal' } } },
      ],
      schedule: [{ title: '2 epochs', run: { training: { epochs: 2, batchSize: 50 }, data: { trainSize: 300, testSize: 100 } } }],
    }),
    seeds: [1, 2, 3],
  };
}

test('crossConditions crosses factor levels into conditions with merged runs, ids, titles and factors', () => {
  const conditions = userSpec().conditions;
  assert.deepEqual(conditions.map((condition) => condition.id), ['glorot · 2 epochs', 'he · 2 epochs']);
  assert.deepEqual(conditions[1].factors, { initializer: 'He normal', schedule: '2 epochs' });
  assert.deepEqual(conditions[1].run, { autoencoder: { initializer: 'heNormal' }, training: { epochs: 2, batchSize: 50 }, data: { trainSize: 300, testSize: 100 } });
  assert.deepEqual(conditions[1].rate, { kind: 'arm' });
  assert.deepEqual(mergeRun({ a: { b: 1, c: [1, 2] } }, { a: { c: [3] }, d: 4 }), { a: { b: 1, c: [3] }, d: 4 });
});

test('a user-defined map: its entries at every budget are compareLabels on the same runs, by hand', async () => {
  const spec = userSpec();
  const plan = await planConditionMap(spec, { cacheDirectory: CACHE, workers: 0 });
  assert.equal(plan.runs, 2 * 2 * 3, 'arms × conditions × seeds');
  assert.equal(plan.cachedRuns, 0);
  assert.ok(plan.estimatedSeconds > 0);
  const map = await runConditionMap(spec, { cacheDirectory: CACHE, workers: 0 });
  assert.equal(map.entries.length, 1 * 2 * 2, 'one comparison × two conditions × two budgets');
  assert.equal(map.mapEntries.length, 2);
  assert.equal(map.holm.length, 2);
  for (const configuration of map.configurations) assert.equal(configuration.conditions.length, 1);
  for (const condition of spec.conditions) {
    const labels = (arm: string) => (map.configurations.find((configuration) => configuration.arm === arm && configuration.conditions.includes(condition.id)) as { label: string }).label;
    for (const epochs of [1, 2]) {
      const entry = map.entries.find((item) => item.condition === condition.id && item.epochs === epochs);
      assert.ok(entry, `${condition.id} at ${epochs}`);
      const byHand = compareLabels(map.experiment.runs, 'by hand', labels('relu'), labels('elu'), { metric: (run) => run.result.history[epochs - 1]?.testMse ?? null });
      assert.equal(entry.meanDifference, byHand.result.meanDifference);
      assert.deepEqual(entry.interval, byHand.result.interval);
      assert.equal(entry.pValue, byHand.result.pValue);
      assert.equal(entry.verdict, byHand.result.verdict);
      assert.equal(entry.seeds, 3);
      assert.equal(entry.updates, epochs * 6, '300 examples at batch 50');
    }
  }
  const across = comparisonAcrossConditions(map, { name: 'ELU vs ReLU' });
  assert.equal(across.conditions, 2);
  assert.equal(Object.values(across.byVerdict).flat().length, 2);
  assert.match(across.sentence, /^elu against relu, over 2 conditions each at its full budget: /);
  const again = await planConditionMap(spec, { cacheDirectory: CACHE, workers: 0 });
  assert.equal(again.cachedRuns, again.runs, 'a second plan finds every run in the cache');
});

test('a best-rate condition without a validation split, an unknown arm and one seed are refused by name', () => {
  const spec = userSpec();
  assert.throws(
    () => mapConfigurations({ ...spec, conditions: [{ ...spec.conditions[0], rate: { kind: 'best', grid: { adam: [1e-3, 1e-2] } } }] }),
    (error: Error) => error instanceof SpecError && /glorot · 2 epochs/.test(error.message) && /validationSize/.test(error.message),
  );
  assert.throws(() => mapConfigurations({ ...spec, comparisons: [{ name: 'x', baseline: 'relu', candidate: 'tanh' }] }), /comparisons\[0\]\.candidate: unknown arm "tanh"; the arms are relu, elu/);
  assert.throws(() => mapConfigurations({ ...spec, seeds: [1] }), /seeds: needs at least 2 seeds/);
  assert.throws(
    () => mapConfigurations({ ...spec, arms: [{ id: 'relu', run: { autoencoder: { hiddenActivation: 'relu', alpha: 1 } as never } }, spec.arms[1]] }),
    /arm "relu" under condition "glorot · 2 epochs": autoencoder\.alpha/,
  );
});

test('a best-rate condition runs every rate of the arm optimizer\'s grid and picks one per budget on validation', () => {
  const spec = userSpec();
  const configurations = mapConfigurations({
    ...spec,
    conditions: [{ ...spec.conditions[0], run: mergeRun(spec.conditions[0].run, { data: { validationSize: 100 } }), rate: { kind: 'best', grid: { adam: [1e-2, 1e-3] } } }],
  });
  assert.deepEqual(configurations.map((configuration) => [configuration.arm, configuration.rate]), [['relu', 1e-3], ['relu', 1e-2], ['elu', 1e-3], ['elu', 1e-2]]);
});

test('a set of conditions in factored words, or as "everywhere except" when that is shorter', () => {
  const conditions = crossConditions({
    data: [{ title: 'MNIST' }, { title: 'Fashion-MNIST' }],
    initializer: [{ title: 'Glorot uniform' }, { title: 'He normal' }],
  });
  const ids = (...titles: string[]) => conditions.filter((condition) => titles.includes(condition.title)).map((condition) => condition.id);
  assert.equal(describeConditionSet(conditions, ids('Fashion-MNIST · Glorot uniform', 'Fashion-MNIST · He normal')), 'Fashion-MNIST');
  assert.equal(describeConditionSet(conditions, ids('MNIST · He normal')), 'MNIST, He normal');
  assert.equal(describeConditionSet(conditions, ids('Fashion-MNIST · Glorot uniform', 'Fashion-MNIST · He normal', 'MNIST · He normal')), 'everywhere except MNIST, Glorot uniform');
  assert.equal(describeConditionSet(conditions, ids('MNIST · He normal', 'Fashion-MNIST · Glorot uniform')), 'MNIST, He normal; Fashion-MNIST, Glorot uniform');
  assert.equal(describeConditionSet(conditions, conditions.map((condition) => condition.id)), 'under every condition');
  assert.equal(describeConditionSet(conditions, []), 'under none of the conditions');
});
