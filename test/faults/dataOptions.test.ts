/**
 * Fault class: bad data options. Sizes that are zero, negative, fractional, strings or NaN, a
 * validation split as large as the training set, an unknown field: each is refused before any data
 * is loaded or any training starts, with the field and the value — where they used to train on
 * nothing, on the wrong rows, or report an untrained network as a result.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadData } from '../../src/lib/data';
import { trainAutoencoder } from '../../src/lib/runs/autoencoder';

test('bad sizes are refused before any loading: zero, negative, fractional, strings, NaN', () => {
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ trainSize: 0 }, /data\.trainSize: must be a positive integer, got 0/],
    [{ trainSize: -100 }, /data\.trainSize: must be a positive integer, got -100/],
    [{ trainSize: '200' }, /data\.trainSize: must be a positive integer, got "200"/],
    [{ testSize: 0 }, /data\.testSize: must be a positive integer, got 0/],
    [{ testSize: NaN }, /data\.testSize: must be a positive integer, got NaN/],
    [{ trainSize: 100.5 }, /data\.trainSize: must be a positive integer, got 100\.5/],
    [{ validationSize: -1 }, /data\.validationSize: must be an integer ≥ 0, got -1/],
    [{ trainSize: 100, validationSize: 100 }, /data\.validationSize: must be smaller than trainSize 100/],
    [{ splitSeed: 1.5 }, /data\.splitSeed: must be an integer, got 1\.5/],
    [{ size: 10 }, /data\.size: unknown field/],
  ];
  for (const [options, pattern] of cases) assert.throws(() => loadData(options as never), pattern, JSON.stringify(options));
});

test('a run refuses bad data options before training, naming the field under data', async () => {
  const started = Date.now();
  await assert.rejects(() => trainAutoencoder({ config: { data: { trainSize: 0 } }, seed: 1 }), /data\.trainSize: must be a positive integer, got 0/);
  await assert.rejects(() => trainAutoencoder({ config: { data: { testSize: Number.NaN } }, seed: 1 }), /data\.testSize: must be a positive integer, got NaN/);
  assert.ok(Date.now() - started < 5000, 'refused at once, not after training');
});
