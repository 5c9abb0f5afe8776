import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  contentHash,
  createNotebookDisplay,
  escapeHtml,
  formatDuration,
  formatNumber,
  plotlyHtml,
  plotlyLibraryHtml,
  prefixSvgIds,
  progressHtml,
  tableHtml,
  vegaLiteHtml,
} from '../../src/lib/display';

const LINE_SPEC = {
  data: { values: [{ epoch: 1, loss: 0.5 }, { epoch: 2, loss: 0.25 }, { epoch: 3, loss: 0.2 }] },
  mark: 'line',
  encoding: {
    x: { field: 'epoch', type: 'quantitative', title: 'epoch-axis-title' },
    y: { field: 'loss', type: 'quantitative' },
  },
};

test('escapeHtml escapes the five characters that matter in content and attributes', () => {
  assert.equal(escapeHtml(`<b a="1">'x' & y</b>`), '&lt;b a=&quot;1&quot;&gt;&#39;x&#39; &amp; y&lt;/b&gt;');
});

test('plotlyHtml holds the div id, the figure JSON and a newPlot call', () => {
  const figure = { data: [{ x: [1, 2], y: [3, 4], type: 'scatter', name: 'relu' }], layout: { height: 300 } };
  const html = plotlyHtml(figure, { divId: 'loss-plot' });
  assert.match(html, /<div id="loss-plot" class="plotly-plot" style="width:100%;height:300px;"><\/div>/);
  assert.ok(html.includes(JSON.stringify(figure.data)));
  assert.ok(html.includes('"loss-plot"'));
  assert.match(html, /Plotly\.newPlot\(element, data, layout, config\)/);
});

test('plotlyHtml default ids depend only on the figure', () => {
  const figure = { data: [{ y: [1, 2, 3] }] };
  const first = /id="([^"]+)"/.exec(plotlyHtml(figure))?.[1];
  assert.equal(first, `plotly-${contentHash(JSON.stringify(figure))}`);
  assert.equal(/id="([^"]+)"/.exec(plotlyHtml(figure))?.[1], first);
  assert.notEqual(/id="([^"]+)"/.exec(plotlyHtml({ data: [{ y: [1, 2, 4] }] }))?.[1], first);
});

test('figure text cannot close the script element', () => {
  const html = plotlyHtml({ data: [{ y: [1], name: '</script><script>alert(1)</script>' }] }, { divId: 'x' });
  assert.equal(html.match(/<\/script>/g)?.length, 1);
  assert.ok(html.includes('\\u003c/script>'));
});

test('a notebook display gives distinct, repeatable ids to identical figures', () => {
  const figure = { data: [{ y: [1, 2] }] };
  const ids = (display: ReturnType<typeof createNotebookDisplay>): string[] =>
    [display.plotlyHtml(figure), display.plotlyHtml(figure)].map((html) => /id="([^"]+)"/.exec(html)?.[1] ?? '');
  const firstRun = ids(createNotebookDisplay({ idPrefix: 'nb' }));
  const secondRun = ids(createNotebookDisplay({ idPrefix: 'nb' }));
  assert.notEqual(firstRun[0], firstRun[1]);
  assert.deepEqual(firstRun, secondRun);
  assert.ok(firstRun[0].startsWith('nb-plotly-1-'));
});

test('plotlyLibraryHtml embeds the library in one script and keeps it from closing early', () => {
  const folder = mkdtempSync(join(tmpdir(), 'display-test-'));
  const libraryPath = join(folder, 'fake-plotly.js');
  writeFileSync(libraryPath, 'window.Plotly = {}; var text = "</script>";');
  const html = plotlyLibraryHtml(libraryPath);
  assert.equal(html, '<script type="text/javascript">window.Plotly = {}; var text = "<\\/script>";</script>');
  assert.ok(plotlyLibraryHtml().length > 1_000_000, 'the real plotly.min.js is embedded');
});

test('vegaLiteHtml renders a static SVG with marks and axis titles', async () => {
  const html = await vegaLiteHtml(LINE_SPEC);
  assert.ok(html.startsWith('<div class="vega-lite-plot"><svg'));
  assert.match(html, /class="marks"/);
  assert.match(html, /mark-line/);
  assert.ok(html.includes('epoch-axis-title'));
  assert.ok(!html.includes('<script'));
  assert.equal(await vegaLiteHtml(LINE_SPEC), html, 'the same spec gives the same SVG');
});

test('prefixSvgIds renames ids and their references consistently', () => {
  const svg = '<svg><clipPath id="clip7"><rect/></clipPath><g clip-path="url(#clip7)"></g><use href="#clip7"/></svg>';
  assert.equal(
    prefixSvgIds(svg, 'chart'),
    '<svg><clipPath id="chart-1"><rect/></clipPath><g clip-path="url(#chart-1)"></g><use href="#chart-1"/></svg>',
  );
});

test('progressHtml shows runs, label, epoch, loss and eta, with a bar of the done share', () => {
  const html = progressHtml({
    runsDone: 1, runsTotal: 4, currentLabel: 'relu <latent 32>', epoch: 5, epochsTotal: 10, loss: 0.012345, etaSeconds: 125,
  });
  assert.ok(html.includes('run 1/4'));
  assert.ok(html.includes('relu &lt;latent 32&gt;'));
  assert.ok(html.includes('epoch 5/10'));
  assert.ok(html.includes('loss 0.01235'));
  assert.ok(html.includes('eta 2m 05s'));
  assert.ok(html.includes('width:37.5%'), 'one run done plus half of the second, of four');
  assert.ok(progressHtml({ runsDone: 4, runsTotal: 4, currentLabel: '', epoch: 0 }).includes('width:100.0%'));
});

test('tableHtml formats numbers, escapes text and keeps column order', () => {
  const html = tableHtml(
    [
      { activation: '<relu>', loss: 0.0123456, runs: 5 },
      { activation: 'sigmoid', loss: 1 / 3, runs: 5, ignored: 'x' },
    ],
    ['activation', { key: 'loss', label: 'loss & more', digits: 3 }, 'runs'],
  );
  assert.ok(html.includes('<th style="text-align:left;">loss &amp; more</th>'));
  assert.ok(html.includes('&lt;relu&gt;'));
  assert.ok(html.includes('>0.012</td>'));
  assert.ok(html.includes('>0.333</td>'));
  assert.ok(html.includes('>5</td>'));
  assert.ok(!html.includes('ignored'));
  assert.ok(html.indexOf('activation') < html.indexOf('loss &amp;'));
});

test('formatNumber and formatDuration', () => {
  assert.equal(formatNumber(12), '12');
  assert.equal(formatNumber(0.000123456), '0.0001235');
  assert.equal(formatNumber(2.5, 2), '2.50');
  assert.equal(formatNumber(Number.NaN), 'NaN');
  assert.equal(formatDuration(42), '42s');
  assert.equal(formatDuration(3725), '1h 02m');
  assert.equal(formatDuration(-1), '?');
});
