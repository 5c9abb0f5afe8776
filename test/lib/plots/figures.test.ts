import { test } from 'node:test';
import assert from 'node:assert/strict';
import { codeScatterFigure, deadUnitsFigure, lossCurvesFigure } from '../../../src/lib/plots/figures';
import { ARM_COLOURS } from '../../../src/lib/plots/palette';
import { asRuns } from '../../../src/lib/plots/runs';
import { PLOT_RUNS, plotRun } from '../../fixtures/plotRuns';

test('loss curves: per-seed test traces behind one mean test and one mean train trace per label, coloured by arm', () => {
  const figure = lossCurvesFigure(PLOT_RUNS);
  assert.deepEqual(figure.data.map((trace) => trace.name), [
    'ReLU @ 0.001 seed 1', 'ReLU @ 0.001 seed 2', 'ReLU @ 0.001 · test MSE', 'ReLU @ 0.001 · train loss',
    'sigmoid @ 0.001 seed 1', 'sigmoid @ 0.001 seed 2', 'sigmoid @ 0.001 · test MSE', 'sigmoid @ 0.001 · train loss',
  ]);
  const means = figure.data[2].y as number[];
  [0.085, 0.055, 0.045].forEach((expected, index) => assert.ok(Math.abs(means[index] - expected) < 1e-12, `epoch ${index + 1}`));
  // The diverged seed contributes its one finished epoch only.
  assert.deepEqual(figure.data[6].y, [0.1, 0.07, 0.06]);
  assert.equal((figure.data[0].line as { color: string }).color, ARM_COLOURS.ReLU);
  assert.equal((figure.data[6].line as { color: string }).color, ARM_COLOURS.sigmoid);
  assert.equal((figure.layout.yaxis as { type: string }).type, 'log');
  assert.equal((lossCurvesFigure(PLOT_RUNS, { logarithmic: false }).layout.yaxis as { type: string }).type, 'linear');
});

test('the same arm keeps its colour in every chart; two labels of one arm differ by dash', () => {
  const other = [plotRun('ReLU, code A', 1, [0.1], { group: 'ReLU' }), plotRun('ReLU, code B', 1, [0.1], { group: 'ReLU' }), plotRun('x', 1, [0.1], { group: 'ELU' })];
  const traces = lossCurvesFigure(other).data.filter((trace) => String(trace.name).endsWith('test MSE'));
  const styles = traces.map((trace) => trace.line as { color: string; dash: string });
  assert.deepEqual(styles.map((style) => style.color), [ARM_COLOURS.ReLU, ARM_COLOURS.ReLU, ARM_COLOURS.ELU]);
  assert.notEqual(styles[0].dash, styles[1].dash);
});

test('every plot takes a single result too, labelled from its config', () => {
  const result = PLOT_RUNS[0].result;
  assert.equal(asRuns(result)[0].label, 'ReLU · linear code · sigmoid out · adam 0.001');
  assert.equal(lossCurvesFigure(result).data.length, 3);
  assert.equal(codeScatterFigure(result).data.length, 10);
  assert.ok(deadUnitsFigure(result).data.length > 0);
});

test('a code wider than 2 is labelled as its principal components, with their shares of variance', () => {
  const wide = plotRun('wide', 1, [0.1], { latentSize: 6 });
  const figure = codeScatterFigure(wide);
  assert.equal((figure.layout.xaxis as { title: { text: string } }).title.text, 'principal component 1 (61% of variance)');
  assert.match((figure.layout.title as { text: string }).text, /a 6-D code, projected on its first two principal components/);
  assert.equal((codeScatterFigure(PLOT_RUNS[0]).layout.xaxis as { title: { text: string } }).title.text, 'code 1');
});

test('the dead-unit axis fits the data instead of always spanning 0 to 1', () => {
  const range = (deadUnitsFigure(PLOT_RUNS).layout.yaxis as { range: number[] }).range;
  assert.equal(range[0], 0);
  assert.ok(range[1] > 0.3 && range[1] < 0.4, `range ${range}`);
});
