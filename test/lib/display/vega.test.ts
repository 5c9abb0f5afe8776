import { test } from 'node:test';
import assert from 'node:assert/strict';
import { prefixSvgIds, svgSize, vegaLiteHtml, vegaLiteSvg } from '../../../src/lib/display/vega';

const LINE_SPEC = {
  title: 'Loss <by> epoch',
  data: { values: [{ epoch: 1, loss: 0.5 }, { epoch: 2, loss: 0.25 }, { epoch: 3, loss: 0.2 }] },
  mark: 'line',
  encoding: {
    x: { field: 'epoch', type: 'quantitative', title: 'epoch-axis-title' },
    y: { field: 'loss', type: 'quantitative' },
  },
};

/** The SVG inside an <img src="data:image/svg+xml;base64,…">. */
export function svgOfImage(html: string): string {
  const match = /src="data:image\/svg\+xml;base64,([A-Za-z0-9+/=]+)"/.exec(html);
  assert.ok(match, 'an <img> with an SVG data URL');
  return Buffer.from(match[1], 'base64').toString('utf8');
}

test('a vega-lite chart is an <img> of a static SVG with marks and axis titles, and no script', async () => {
  const html = await vegaLiteHtml(LINE_SPEC);
  assert.match(html, /^<div class="vega-lite-plot"><img class="vega-lite-image" alt="Loss &lt;by&gt; epoch" width="\d+" height="\d+"/);
  assert.ok(!html.includes('<script') && !html.includes('<svg'), 'no inline SVG: a sanitizer would reduce it to run-on text');
  const svg = svgOfImage(html);
  assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  assert.match(svg, /mark-line/);
  assert.ok(svg.includes('epoch-axis-title'));
  assert.equal(await vegaLiteHtml(LINE_SPEC), html, 'the same spec gives the same bytes');
  const size = svgSize(await vegaLiteSvg(LINE_SPEC));
  assert.ok(size.width > 100 && size.height > 100, JSON.stringify(size));
});

test('prefixSvgIds renames ids and their references consistently', () => {
  const svg = '<svg><clipPath id="clip7"><rect/></clipPath><g clip-path="url(#clip7)"></g><use href="#clip7"/></svg>';
  assert.equal(
    prefixSvgIds(svg, 'chart'),
    '<svg><clipPath id="chart-1"><rect/></clipPath><g clip-path="url(#chart-1)"></g><use href="#chart-1"/></svg>',
  );
});
