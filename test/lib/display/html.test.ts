import { test } from 'node:test';
import assert from 'node:assert/strict';
import { contentHash, escapeHtml, formatDuration, formatNumber, progressHtml, scriptJson, tableHtml } from '../../../src/lib/display/html';

test('escapeHtml escapes the five characters that matter in content and attributes', () => {
  assert.equal(escapeHtml(`<b a="1">'x' & y</b>`), '&lt;b a=&quot;1&quot;&gt;&#39;x&#39; &amp; y&lt;/b&gt;');
});

test('script JSON cannot close its element; content hashes are 8 hex digits and stable', () => {
  assert.equal(scriptJson({ name: '</script>' }), '{"name":"\\u003c/script>"}');
  assert.match(contentHash('abc'), /^[0-9a-f]{8}$/);
  assert.equal(contentHash('abc'), contentHash('abc'));
  assert.notEqual(contentHash('abc'), contentHash('abd'));
});

test('progressHtml shows runs, what runs and the eta, with a bar of the done share', () => {
  const html = progressHtml({ runsDone: 1, runsTotal: 4, currentLabel: 'relu <latent 32> · epoch 5/10', etaSeconds: 125 });
  assert.ok(html.includes('run 1/4'));
  assert.ok(html.includes('relu &lt;latent 32&gt; · epoch 5/10'));
  assert.ok(html.includes('eta 2m 05s'));
  assert.ok(html.includes('width:25.0%'));
  assert.ok(progressHtml({ runsDone: 4, runsTotal: 4, currentLabel: '' }).includes('width:100.0%'));
});

test('tableHtml formats numbers, escapes text, keeps column order and shows a missing value as a dash, never 0', () => {
  const html = tableHtml(
    [
      { activation: '<relu>', loss: 0.0123456, runs: 5, zeroCodes: null },
      { activation: 'sigmoid', loss: 1 / 3, runs: 5, ignored: 'x' },
    ],
    ['activation', { key: 'loss', label: 'loss & more', digits: 3 }, 'runs', 'zeroCodes'],
  );
  assert.ok(html.includes('<th style="text-align:left;">loss &amp; more</th>'));
  assert.ok(html.includes('&lt;relu&gt;'));
  assert.ok(html.includes('>0.012</td>'));
  assert.ok(html.includes('>0.333</td>'));
  assert.ok(html.includes('>5</td>'));
  assert.ok(!html.includes('ignored'));
  assert.equal(html.match(/not applicable or not measured/g)?.length, 2, 'null and a missing key both show as a dash');
  assert.ok(!/>0<\/td>/.test(html));
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
