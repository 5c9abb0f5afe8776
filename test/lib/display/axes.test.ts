import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AxisData, autorange, plotlyAutoStep, plotlyTickCount, vegaAxis, vegaScale } from '../../../src/lib/display/axes';

const data = (values: number[], overrides: Partial<AxisData> = {}): AxisData => ({ values, padded: true, markerRadius: 0, lengthPixels: 400, letter: 'y', ...overrides });

test('autorange pads 5% of the axis (and the marker radius) on each side, in log10 units on a log axis, as plotly does', () => {
  const [low, high] = autorange(data([0, 9]), false) as [number, number];
  // 5% of the final axis on each side: 9 × 0.05 / 0.9 = 0.5.
  assert.ok(Math.abs(low + 0.5) < 1e-12 && Math.abs(high - 9.5) < 1e-12, `${low} ${high}`);
  assert.deepEqual(autorange(data([1, 3], { padded: false }), false), [1, 3], 'lines alone are not padded on x');
  const [logLow, logHigh] = autorange(data([0.07, 0.19, -1, 0]), true) as [number, number];
  assert.ok(logLow > 0.06 && logLow < 0.07 && logHigh > 0.19 && logHigh < 0.21, `${logLow} ${logHigh}: not 0.01 to 1`);
  assert.deepEqual(autorange(data([2, 2]), false), [1.8, 2.2], 'a single value gets room around it');
  assert.equal(autorange(data([]), false), null);
});

test('tick steps are plotly\'s: about one tick per 80 px on x (40 on y), rounded up to 1, 2 or 5 × 10^k', () => {
  assert.equal(plotlyTickCount({ lengthPixels: 370, letter: 'x' }), 5.625);
  assert.equal(plotlyTickCount({ lengthPixels: 2000, letter: 'y' }), 10);
  assert.equal(plotlyAutoStep(3.2, 5.6), 1);
  assert.equal(plotlyAutoStep(0.12, 6), 0.02);
  assert.equal(plotlyAutoStep(45, 6), 10);
});

test('a plotly axis becomes a vega-lite scale that is never rounded out, and ticks at its dtick', () => {
  assert.deepEqual(vegaScale({ type: 'log', range: [-2, 0] }, data([0.5])), { type: 'log', nice: false, domain: [0.01, 1] });
  assert.deepEqual(vegaScale(undefined, data([1, 3], { padded: false })), { type: 'linear', nice: false, zero: false, domain: [1, 3] });
  const epochs = vegaAxis({ title: { text: 'epoch' }, dtick: 1 }, data([1, 2], { letter: 'x' }), [0.95, 2.05]);
  assert.deepEqual(epochs.values, [1, 2]);
  assert.equal(epochs.title, 'epoch');
  assert.equal(vegaAxis({ type: 'log' }, data([1, 10]), [1, 10]).values, undefined, 'log axes keep vega\'s ticks');
});
