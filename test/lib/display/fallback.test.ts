import { test } from 'node:test';
import assert from 'node:assert/strict';
import { colourAt, figureToVegaLite } from '../../../src/lib/display/fallback';
import { vegaLiteSvg } from '../../../src/lib/display/vega';
import { codeScatterFigure, lossCurvesFigure } from '../../../src/lib/plots/figures';
import { PLOT_RUNS, plotRun } from '../../fixtures/plotRuns';

type Layer = { mark: { type: string; strokeDash?: number[] }; encoding: Record<string, Record<string, unknown>>; data: { values: Record<string, unknown>[] } };

test('loss curves become one layer per trace, log y kept, legend only for the traces that show one', async () => {
  const figure = lossCurvesFigure(PLOT_RUNS);
  const spec = figureToVegaLite(figure) as { layer: Layer[]; title: { text: string } };
  assert.equal(spec.title.text, (figure.layout.title as { text: string }).text);
  const lines = spec.layer.filter((layer) => layer.mark.type === 'line');
  assert.equal(lines.length, figure.data.length, 'every trace draws a line');
  const legendScales = lines.map((layer) => layer.encoding.color.scale as { domain: string[] } | undefined).filter(Boolean);
  assert.deepEqual(legendScales[0]?.domain, ['ReLU @ 0.001 · test MSE', 'ReLU @ 0.001 · train loss', 'sigmoid @ 0.001 · test MSE', 'sigmoid @ 0.001 · train loss']);
  const yScale = lines[0].encoding.y.scale as { type: string; nice: boolean; domain: number[] };
  assert.deepEqual([yScale.type, yScale.nice], ['log', false], 'log, and not rounded out to powers of ten');
  assert.ok(yScale.domain[0] > 0.03 && yScale.domain[0] < 0.04 && yScale.domain[1] > 0.2 && yScale.domain[1] < 0.25, `the data's range, padded: ${yScale.domain}`);
  assert.deepEqual((lines[0].encoding.x.axis as { values: number[] }).values, [1, 2, 3], 'one tick per epoch');
  assert.equal(lines[0].encoding.color.value, '#1f77b4', 'per-seed traces keep their colour without a legend entry');
  const svg = await vegaLiteSvg(spec);
  assert.match(svg, /mark-line/);
  assert.ok(svg.includes('sigmoid @ 0.001 · test MSE'));
});

test('side-by-side code scatters become panels with their titles; a dense cloud is thinned', async () => {
  const many = plotRun('wide', 1, [0.1]);
  const codes = Array.from({ length: 1000 }, (_, index) => ({ x: index, y: index % 13, label: 0 }));
  const dense = { ...many, result: { ...many.result, samples: { ...many.result.samples!, codes } } };
  const spec = figureToVegaLite(codeScatterFigure([PLOT_RUNS[0], dense])) as { hconcat: { title: { text: string }; layer: Layer[] }[] };
  assert.equal(spec.hconcat.length, 2);
  assert.deepEqual(spec.hconcat.map((panel) => panel.title.text), ['ReLU @ 0.001, seed 1', 'wide, seed 1']);
  const points = spec.hconcat[1].layer.filter((layer) => layer.mark.type === 'circle').reduce((total, layer) => total + layer.data.values.length, 0);
  assert.ok(points <= 250 && points >= 200, `${points} points drawn of 1030`);
  assert.match(await vegaLiteSvg(spec), /mark-symbol/);
});

test('a heatmap becomes coloured cells with their text', async () => {
  const spec = figureToVegaLite({
    data: [{ type: 'heatmap', x: ['a', 'b'], y: ['row'], z: [[-1, 1]], text: [['bad', 'good']], zmin: -1, zmax: 1, colorscale: [[0, '#c62828'], [0.5, '#8d6e00'], [1, '#2e7d32']] }],
    layout: { title: { text: 'map' } },
  }) as { layer: Layer[] };
  const cells = spec.layer[0].data.values;
  assert.deepEqual(cells.map((cell) => [cell.x, cell.colour, cell.text]), [['a', '#c62828', 'bad'], ['b', '#2e7d32', 'good']]);
  assert.ok((await vegaLiteSvg(spec)).includes('good'));
  assert.equal(colourAt([[0, '#000000'], [1, '#ffffff']], 0.5), '#808080');
});
