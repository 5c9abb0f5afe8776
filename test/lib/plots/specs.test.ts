import { test } from 'node:test';
import assert from 'node:assert/strict';
import { finalMetricSpec, sweepSpec, tradeoffSpec } from '../../../src/lib/plots/specs';
import { ARM_COLOURS } from '../../../src/lib/plots/palette';
import { PLOT_RUNS, plotRun } from '../../fixtures/plotRuns';

type Layer = { data: { values: Record<string, unknown>[] }; mark: { type: string; shape?: string }; encoding: Record<string, Record<string, unknown>> };

test('final metric: one point per finished seed coloured by arm, diverged runs counted in the label', () => {
  const spec = finalMetricSpec(PLOT_RUNS);
  const layers = spec.layer as Layer[];
  const pointLayer = layers.find((layer) => layer.mark.type === 'point') as Layer;
  assert.deepEqual(pointLayer.data.values, [
    { configuration: 'ReLU @ 0.001', group: 'ReLU', seed: 1, testMse: 0.04 },
    { configuration: 'ReLU @ 0.001', group: 'ReLU', seed: 2, testMse: 0.05 },
    { configuration: 'sigmoid @ 0.001 (1 diverged)', group: 'sigmoid', seed: 1, testMse: 0.06 },
  ]);
  assert.deepEqual(pointLayer.encoding.color.scale, { domain: ['ReLU', 'sigmoid'], range: [ARM_COLOURS.ReLU, ARM_COLOURS.sigmoid] });
  const summaries = (layers.find((layer) => layer.mark.type === 'tick') as Layer).data.values;
  assert.ok(Math.abs((summaries[0].mean as number) - 0.045) < 1e-12);
  assert.deepEqual(summaries[1], { configuration: 'sigmoid @ 0.001 (1 diverged)', mean: 0.06, low: 0.06, high: 0.06 });
});

test('sweep: the x axis comes from a named parameter of the configurations, not from labels', () => {
  const runs = [
    plotRun('a1', 1, [0.04], { group: 'adam', parameters: { learningRate: 0.001 } }),
    plotRun('a1', 2, [0.06], { group: 'adam', parameters: { learningRate: 0.001 } }),
    plotRun('a2', 1, [0.2], { group: 'adam', parameters: { learningRate: 0.1 } }),
    plotRun('a2', 2, [0.2], { group: 'adam', diverged: true, parameters: { learningRate: 0.1 } }),
    plotRun('s', 1, [0.3], { group: 'sgd', diverged: true, parameters: { learningRate: 1 } }),
  ];
  const layers = sweepSpec(runs, { parameter: 'learningRate', title: 'sweep' }).layer as Layer[];
  const line = (layers.find((layer) => layer.mark.type === 'line') as Layer).data.values;
  assert.equal(line.length, 2, 'sgd at rate 1 has no finished seed and no mean');
  assert.ok(Math.abs((line[0].mean as number) - 0.05) < 1e-12);
  assert.deepEqual([line[0].low, line[0].high], [0.04, 0.06]);
  const crosses = (layers.find((layer) => layer.mark.shape === 'cross') as Layer).data.values;
  assert.deepEqual(crosses.map((row) => [row.group, row.parameter, row.seed]), [['adam', 0.1, 2], ['sgd', 1, 1]]);
  assert.throws(() => sweepSpec(PLOT_RUNS.map((run) => ({ ...run, parameters: {} })), { parameter: 'learningRate', title: 'x' }), /has no numeric parameter learningRate/);
});

test('trade-off: one point per finished run, coloured by the penalty parameter', () => {
  const runs = [plotRun('none', 1, [0.04], { parameters: { l1ActivationPenalty: 0 } }), plotRun('strong', 1, [0.08], { parameters: { l1ActivationPenalty: 0.01 } })];
  const spec = tradeoffSpec(runs, { parameter: 'l1ActivationPenalty', parameterTitle: 'λ', title: 't' });
  assert.deepEqual((spec.data as { values: Record<string, unknown>[] }).values.map((row) => row.penaltyLabel), ['λ = 0', 'λ = 0.01']);
});
