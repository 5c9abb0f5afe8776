import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { plotlyChartHtml, plotlyLibraryHtml, plotlyLibraryPath, plotlyLibraryUrlFrom } from '../../../src/lib/display/plotly';
import { findProjectRoot } from '../../../src/lib/paths';
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

test('a chart says where a page without plotly can fetch it, relative to the notebook, through linked folders as they are', async () => {
  const project = mkdtempSync(join(tmpdir(), 'plotly-source-'));
  mkdirSync(join(project, 'notebooks'));
  // A project whose node_modules is a link (as in the JupyterLab harness): the path stays under the project.
  symlinkSync(join(findProjectRoot(__dirname), 'node_modules'), join(project, 'node_modules'));
  assert.equal(plotlyLibraryUrlFrom(join(project, 'notebooks')), '../node_modules/plotly.js-cartesian-dist-min/plotly-cartesian.min.js');
  assert.equal(plotlyLibraryUrlFrom(project), 'node_modules/plotly.js-cartesian-dist-min/plotly-cartesian.min.js');
  const html = await plotlyChartHtml(FIGURE, { id: 'c', withoutStaticImage: true, librarySource: '../node_modules/a b.js' });
  assert.ok(html.includes('<span class="relu-ae-plotly-source" hidden data-path="../node_modules/a b.js" src="../node_modules/a b.js"></span>'));
  assert.ok(!(await plotlyChartHtml(FIGURE, { id: 'c', withoutStaticImage: true })).includes('<span class="relu-ae-plotly-source"'), 'only when asked for');
});

test('without a library source, or in a report page that loads its own copy, a chart only waits for plotly', async () => {
  const html = await plotlyChartHtml(FIGURE, { id: 'c', withoutStaticImage: true });
  assert.match(html, /if \(!source \|\| document\.querySelector\("script\.relu-ae-plotly-loader"\)\) return waitForPlotly\(600\);/);
});
