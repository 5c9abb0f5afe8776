/**
 * Each chart's static image (display/fallback.ts: the plotly figure as a vega-lite spec, drawn in
 * Node) must show what the live chart shows. For every kind of plotly chart the library makes, the
 * figure is drawn by plotly in headless Chromium and its spec laid out by vega in Node, and per
 * panel the two are compared: axis type, the range shown (within 6% of the span at each end, in
 * log10 units on log axes), the order of categories, integer ticks where plotly's ticks are
 * integers (epochs), and the legend's entries, none cut short.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chromium, type Browser, type Page } from 'playwright-core';
import { figureToVegaLite, PlotlyFigure } from '../../src/lib/display/fallback';
import { plotlyLibraryPath } from '../../src/lib/display/plotly';
import { budgetBandsFigure, conditionMapFigure } from '../../src/lib/plots/conditionMap';
import { codeScatterFigure, deadUnitsFigure, lossCurvesFigure, stagesFigure } from '../../src/lib/plots/figures';
import { StackedDenoisingResult } from '../../src/lib/runs/index';
import { syntheticMapView } from '../fixtures/conditionMapRuns';
import { PLOT_RUNS, plotRun } from '../fixtures/plotRuns';
import { CHROMIUM_ARGUMENTS, CHROMIUM_PATH } from './browser';

interface AxisView {
  type: string;
  /** Numeric axes: the range shown; categorical axes: the categories from left to right, or top to bottom. */
  range: number[] | string[];
  labels: string[];
}

interface ChartView {
  panels: { x: AxisView; y: AxisView }[];
  legend: { text: string; truncated: boolean }[];
}

const importEsModule = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<unknown>;

/** The chart as vega lays out its static spec: per panel its axes, and its legend. */
async function staticView(figure: PlotlyFigure): Promise<ChartView> {
  const vegaLite = (await importEsModule('vega-lite')) as typeof import('vega-lite/build/index');
  const vega = (await importEsModule('vega')) as typeof import('vega');
  const spec = figureToVegaLite(figure);
  const view = new vega.View(vega.parse(vegaLite.compile(spec as never).spec), { renderer: 'none' });
  await view.runAsync();
  const axes = new Map<string, AxisView>();
  const legend: ChartView['legend'] = [];
  type Item = { mark?: { role?: string; items: Item[] }; items?: Item[]; datum?: { scale?: string }; context?: { scales: Record<string, { value: { type: string; domain(): unknown[] } }> }; text?: string; limit?: number };
  const labelsOf = (item: Item): string[] => (item.mark?.role === 'axis-label' ? item.mark.items.map((label) => String(label.text)) : (item.items ?? []).flatMap(labelsOf));
  const walk = (item: Item): void => {
    if (item.mark?.role === 'axis' && item.datum?.scale && item.context) {
      const labels = [...new Set(labelsOf(item))].filter((text) => text !== '');
      const scale = item.context.scales[item.datum.scale].value;
      if (labels.length > 0) axes.set(item.datum.scale, { type: scale.type, range: scale.domain() as number[] | string[], labels });
    }
    if (item.mark?.role === 'legend-label') {
      for (const label of item.mark.items) {
        const text = String(label.text);
        const width = (vega as unknown as { textMetrics: { width(item: unknown, text: string): number } }).textMetrics.width(label, text);
        legend.push({ text, truncated: (label.limit ?? 0) > 0 && width > (label.limit ?? 0) });
      }
    }
    for (const child of item.items ?? []) walk(child);
  };
  walk((view.scenegraph() as unknown as { root: Item }).root);
  view.finalize();
  const panelCount = [...axes.keys()].filter((name) => /(^|_)x$/.test(name)).length;
  const panels = Array.from({ length: panelCount }, (_, index) => {
    const prefix = panelCount === 1 ? '' : `concat_${index}_`;
    return { x: axes.get(`${prefix}x`) as AxisView, y: axes.get(`${prefix}y`) as AxisView };
  });
  return { panels, legend: [...new Map(legend.map((entry) => [entry.text, entry])).values()] };
}

/** The chart as plotly draws it (in the page): per panel its axes, and its legend. */
async function liveView(page: Page, figure: PlotlyFigure): Promise<ChartView> {
  const panelAxes = [...new Set(figure.data.map((trace) => [String(trace.xaxis ?? 'x'), String(trace.yaxis ?? 'y')].join(' ')))];
  return (await page.evaluate(`(async () => {
    const figure = ${JSON.stringify(figure)};
    const holder = document.getElementById('plot');
    await Plotly.newPlot(holder, figure.data, { ...figure.layout, width: 900 }, { staticPlot: false });
    const axis = (id) => {
      const full = holder._fullLayout[id.replace(/^x/, 'xaxis').replace(/^y/, 'yaxis')];
      const labels = (full._vals || []).map((tick) => String(tick.text).replace(/<[^>]+>/g, '')).filter((text) => text !== '');
      if (full.type === 'category') {
        const categories = full._categories.slice();
        // A y axis runs upwards unless its range is reversed (autorange: 'reversed').
        const reversed = full.range[0] > full.range[1];
        const topDown = id.startsWith('y') ? (reversed ? categories : categories.reverse()) : categories;
        return { type: 'category', range: topDown, labels };
      }
      const range = full.range.map(Number);
      return { type: full.type, range: full.type === 'log' ? range.map((value) => 10 ** value) : range, labels };
    };
    const panels = ${JSON.stringify(panelAxes)}.map((pair) => { const [x, y] = pair.split(' '); return { x: axis(x), y: axis(y) }; });
    const legend = Array.from(holder.querySelectorAll('.legendtext')).map((text) => ({ text: text.textContent, truncated: false }));
    Plotly.purge(holder);
    return { panels, legend };
  })()`)) as ChartView;
}

const toUnits = (axis: AxisView, value: number) => (axis.type === 'log' ? Math.log10(value) : value);

function assertSameAxis(name: string, live: AxisView, shown: AxisView): void {
  if (live.type === 'category') {
    assert.equal(shown.type, 'band', `${name}: categories`);
    assert.deepEqual(shown.range, live.range, `${name}: categories in the same order`);
    return;
  }
  assert.equal(shown.type, live.type, `${name}: axis type`);
  const [liveLow, liveHigh] = (live.range as number[]).map((value) => toUnits(live, value));
  const [shownLow, shownHigh] = (shown.range as number[]).map((value) => toUnits(shown, value));
  const tolerance = 0.06 * (liveHigh - liveLow);
  assert.ok(Math.abs(shownLow - liveLow) <= tolerance && Math.abs(shownHigh - liveHigh) <= tolerance,
    `${name}: the image shows ${shown.range.join(' to ')}, the chart ${live.range.join(' to ')}`);
  const exponent = /\de[+-]?\d/i;
  if (!live.labels.some((text) => exponent.test(text))) {
    assert.deepEqual(shown.labels.filter((text) => exponent.test(text)), [], `${name}: decimal notation, as the chart writes it (${live.labels.join(' ')})`);
  }
  const isInteger = (text: string) => /^-?\d+$/.test(text.replace(/[−,]/g, (character) => (character === '−' ? '-' : '')));
  if (live.labels.length > 0 && live.labels.every(isInteger)) {
    assert.ok(shown.labels.every(isInteger), `${name}: integer ticks (${live.labels.join(' ')}) in the image too, not ${shown.labels.join(' ')}`);
  }
}

const longLabel = (name: string) => `output ${name} · linear code → sigmoid out · Adam, learning rate 0.001`;
const STAGES = {
  seed: 1,
  stages: [
    { name: 'layer 1', history: [1, 2, 3].map((epoch) => ({ epoch, testLoss: 0.2 / epoch })) },
    { name: 'fine-tuning', history: [1, 2].map((epoch) => ({ epoch, testLoss: 0.05 / epoch })) },
  ],
} as unknown as StackedDenoisingResult;

/** Every chart kind the library makes, on data like the notebooks'. */
function charts(): Record<string, PlotlyFigure> {
  const map = syntheticMapView();
  const comparison = { name: map.spec.comparisons[0].name, group: map.spec.comparisons[0].group };
  return {
    'loss curves, 3 epochs': lossCurvesFigure(PLOT_RUNS),
    'loss curves, 2 epochs between 0.07 and 0.19, long names': lossCurvesFigure([
      plotRun(longLabel('ReLU'), 1, [0.19, 0.12], { group: 'ReLU' }), plotRun(longLabel('sigmoid'), 1, [0.1, 0.07], { group: 'sigmoid' }),
    ]),
    'loss curves, 30 epochs, linear': lossCurvesFigure([plotRun('ReLU', 1, Array.from({ length: 30 }, (_, index) => 0.1 / (index + 1)))], { logarithmic: false }),
    'loss curves in the hundreds, linear': lossCurvesFigure([plotRun('wide range', 1, [350, 120, 40])], { logarithmic: false }),
    'code scatter, two panels': codeScatterFigure(PLOT_RUNS.slice(0, 2)),
    'dead units': deadUnitsFigure(PLOT_RUNS),
    'stages': stagesFigure(STAGES),
    'condition map': conditionMapFigure(map),
    'condition map by margin verdict': conditionMapFigure(map, { colourBy: 'margin' }),
    'budget bands in updates': budgetBandsFigure(map, { comparison, panelBy: 'data', lineBy: 'initializer', axis: 'updates' }),
    'budget bands in epochs': budgetBandsFigure(map, { comparison, lineBy: 'initializer' }),
  };
}

let browser: Browser | undefined;
let page: Page;

before(async () => {
  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGUMENTS });
  page = await browser.newPage({ viewport: { width: 1000, height: 800 } });
  await page.setContent('<!DOCTYPE html><html><body><div id="plot"></div></body></html>');
  await page.addScriptTag({ path: plotlyLibraryPath() });
});

after(async () => {
  await browser?.close();
});

for (const [name, figure] of Object.entries(charts())) {
  test(`${name}: the static image has the live chart's axes and legend`, { timeout: 120_000 }, async () => {
    const [live, shown] = [await liveView(page, figure), await staticView(figure)];
    assert.equal(shown.panels.length, live.panels.length, 'one panel per plotly subplot');
    live.panels.forEach((panel, index) => {
      assertSameAxis(`${name}, panel ${index + 1}, x`, panel.x, shown.panels[index].x);
      assertSameAxis(`${name}, panel ${index + 1}, y`, panel.y, shown.panels[index].y);
    });
    assert.deepEqual(shown.legend.map((entry) => entry.text).sort(), live.legend.map((entry) => entry.text).sort(), 'the same legend entries');
    assert.deepEqual(shown.legend.filter((entry) => entry.truncated).map((entry) => entry.text), [], 'no legend entry cut short');
    assert.ok(!/[<>]/.test(JSON.stringify((figureToVegaLite(figure) as { title?: unknown }).title)), 'the title is plain text, its HTML tags gone');
  });
}
