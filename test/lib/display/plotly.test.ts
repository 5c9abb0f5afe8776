import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { plotlyChartHtml, plotlyLibraryHtml, plotlyLibraryPath } from '../../../src/lib/display/plotly';
import { svgOfImage } from './vega.test';

const FIGURE = {
  data: [{ x: [1, 2, 3], y: [0.3, 0.2, 0.1], type: 'scatter', mode: 'lines', name: 'relu', line: { color: '#1f77b4' } }],
  layout: { title: { text: 'Loss' }, height: 300, yaxis: { type: 'log', title: { text: 'loss' } } },
};

test('a chart holds a static image of itself, a hidden plot element and a script that draws, then hides the image', async () => {
  const html = await plotlyChartHtml(FIGURE, { id: 'loss-plot' });
  assert.match(html, /^<div id="loss-plot" class="relu-ae-chart"><img class="chart-static" alt="Loss"/);
  assert.match(html, /<div class="plotly-plot" style="display:none;width:100%;height:300px;"><\/div>/);
  assert.ok(html.includes(JSON.stringify(FIGURE.data)));
  assert.match(html, /window\.Plotly\.newPlot\(plot, data, layout, config\)/);
  assert.match(html, /image\.style\.display = 'none'/);
  const svg = svgOfImage(html);
  assert.match(svg, /mark-line/);
  assert.ok(svg.includes('relu'), 'the static image has the legend entry');
});

test('chart ids default to a hash of the figure, and figure text cannot close the script element', async () => {
  const first = /id="([^"]+)"/.exec(await plotlyChartHtml(FIGURE, { withoutStaticImage: true }))?.[1];
  assert.match(first ?? '', /^plotly-[0-9a-f]{8}$/);
  const html = await plotlyChartHtml({ data: [{ y: [1], name: '</script><script>alert(1)</script>' }] }, { id: 'x', withoutStaticImage: true });
  assert.equal(html.match(/<\/script>/g)?.length, 1);
  assert.ok(html.includes('\\u003c/script>'));
});

test('the library is the cartesian bundle (under 1.5 MB), marked so a build can find it, and cannot close early', () => {
  assert.match(plotlyLibraryPath(), /plotly-cartesian\.min\.js$/);
  assert.ok(statSync(plotlyLibraryPath()).size < 1_500_000);
  const folder = mkdtempSync(join(tmpdir(), 'plotly-test-'));
  const libraryPath = join(folder, 'fake-plotly.js');
  writeFileSync(libraryPath, 'window.Plotly = {}; var text = "</script>";');
  assert.equal(plotlyLibraryHtml(libraryPath), '<script type="text/javascript" class="relu-ae-plotly-library">window.Plotly = {}; var text = "<\\/script>";</script>');
});
