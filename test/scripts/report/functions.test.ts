/** The pure parts of the report script: arguments, notebook order, pages, the fallback index. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { indexHtml } from '../../../scripts/report';
import { notebookOrder, parseReportArguments, reportFileName } from '../../../scripts/report/arguments';
import { isSilentKernelFailure } from '../../../scripts/report/nbconvert';
import { dropStaticImages, findExternalReferences, notebookTitle, rewriteNotebookLinks, usePlotlyAsset } from '../../../scripts/report/pages';

test('arguments: profile defaults to default, both flag forms work, bad values are refused', () => {
  assert.deepEqual(parseReportArguments([]), { profile: 'default' });
  assert.deepEqual(parseReportArguments(['--profile', 'quick', '--only=01-x']), { profile: 'quick', only: '01-x' });
  assert.throws(() => parseReportArguments(['--profile', 'fast']), /must be one of/);
  assert.throws(() => parseReportArguments(['--only']), /needs a value/);
  assert.throws(() => parseReportArguments(['--verbose']), /unknown argument/);
});

test('--queue takes a redis URL for the kernels, and no error repeats its password', () => {
  assert.deepEqual(parseReportArguments(['--queue', 'redis://:pw@10.0.0.2:6379']), { profile: 'default', queue: 'redis://:pw@10.0.0.2:6379' });
  assert.deepEqual(parseReportArguments(['--queue=rediss://q:6380', '--profile', 'quick']), { profile: 'quick', queue: 'rediss://q:6380' });
  assert.throws(() => parseReportArguments(['--queue', 'localhost:6379']), /RELU_AE_QUEUE: must be a redis:\/\/ or rediss:\/\/ URL/);
  assert.throws(() => parseReportArguments(['--queue']), /--queue needs a value/);
  assert.throws(() => parseReportArguments(['--queu=redis://:hunter2@q:1']), (error: Error) => {
    assert.match(error.message, /unknown argument "--queu=redis:\/\/:\*\*\*@q:1"/);
    assert.ok(!error.message.includes('hunter2'));
    return true;
  });
});

test('--publish replaces the evidence only with the full profile and only in reports/', () => {
  assert.deepEqual(parseReportArguments(['--profile', 'full', '--publish']), { profile: 'full', publish: true });
  assert.throws(() => parseReportArguments(['--publish']), /built with --profile full, not default/);
  assert.throws(() => parseReportArguments(['--profile', 'quick', '--publish']), /not quick/);
  assert.throws(() => parseReportArguments(['--profile', 'full', '--publish', '--reports', 'x']), /leave out --reports/);
  assert.throws(() => parseReportArguments(['--publish=yes']), /unknown argument/);
});

test('notebooks run in name order with 00-index last; --only picks one', () => {
  const files = ['02-b.ipynb', '00-index.ipynb', 'README.md', '01-a.ipynb'];
  assert.deepEqual(notebookOrder(files), ['01-a.ipynb', '02-b.ipynb', '00-index.ipynb']);
  assert.deepEqual(notebookOrder(files, '02-b'), ['02-b.ipynb']);
  assert.throws(() => notebookOrder(files, '03-c'), /--only: no notebook "03-c\.ipynb"/);
  assert.equal(reportFileName('00-index.ipynb'), 'index.html');
  assert.equal(reportFileName('01-a.ipynb'), '01-a.html');
});

test('the title is the first markdown heading', () => {
  const notebook = {
    cells: [
      { cell_type: 'code', source: '# not markdown' },
      { cell_type: 'markdown', source: ['Intro\n', '## Does ReLU work at the output?\n'] },
      { cell_type: 'markdown', source: '# Later' },
    ],
  };
  assert.equal(notebookTitle(notebook), 'Does ReLU work at the output?');
  assert.equal(notebookTitle({ cells: [] }), undefined);
});

test('external references: loads from the web or file:// are found, links and data URLs are not', () => {
  const html = `
    <script src="file:///usr/share/javascript/requirejs/require.min.js"></script>
    <script>var ignored = "<img src='https://example.org/in-code.png'>";</script>
    <link rel="stylesheet" href="https://cdn.example.org/style.css">
    <img src="data:image/png;base64,AAAA"><img src='//cdn.example.org/x.png'>
    <a href="https://arxiv.org/abs/1234">paper</a><a href="file:///home/me/notes.html">notes</a>
    <script src="assets/plotly-cartesian.min.js"></script><img src="/etc/passwd">
    <style>.a { background: url("data:image/svg+xml,<svg xmlns='http://www.w3.org/2000/svg'/>"); }
    .b { background: url(https://cdn.example.org/bg.png); }</style>`;
  assert.deepEqual(findExternalReferences(html), [
    'file:///usr/share/javascript/requirejs/require.min.js',
    'https://cdn.example.org/style.css',
    '//cdn.example.org/x.png',
    'file:///home/me/notes.html',
    '/etc/passwd',
    'https://cdn.example.org/bg.png',
  ]);
});

test('the generated index is self-contained and escapes titles', () => {
  const html = indexHtml([{ title: 'ReLU <output>', href: '01-a.html' }], 'quick');
  assert.ok(html.includes('<a href="01-a.html">ReLU &lt;output&gt;</a>'));
  assert.deepEqual(findExternalReferences(html), []);
});

test('only a cell failure without any error text counts as the kernel failing silently', () => {
  const base = { notebookPath: 'a.ipynb', outputPath: 'a.html', wallSeconds: 1 };
  assert.equal(isSilentKernelFailure({ ...base, failure: { cellIndex: 5, source: 'x', errorText: '  ' } }), true);
  assert.equal(isSilentKernelFailure({ ...base, failure: { cellIndex: 5, source: 'x', errorText: 'Error: boom' } }), false);
  assert.equal(isSilentKernelFailure({ ...base, problem: 'nbconvert exited with 1' }), false);
  assert.equal(isSilentKernelFailure(base), false);
});

test('links to notebooks become links to their pages, the index notebook to index.html', () => {
  const html = '<a href="01-output-activation.ipynb">C1</a> <a href="00-index.ipynb#claims">all</a> <a href="https://example.org/x.ipynb">web</a>';
  assert.equal(rewriteNotebookLinks(html), '<a href="01-output-activation.html">C1</a> <a href="index.html#claims">all</a> <a href="https://example.org/x.ipynb">web</a>');
});

test('plotly: an embedded library is removed, and the shared asset is loaded once where a chart needs it', () => {
  const withChart = '<html><head><title>x</title></head><body><script type="text/javascript" class="relu-ae-plotly-library">var big = 1;</script><div class="plotly-plot"></div></body></html>';
  const finished = usePlotlyAsset(withChart);
  assert.ok(!finished.includes('var big'), 'the embedded library is gone');
  assert.equal(finished.match(/script\.src = 'assets\/plotly-cartesian\.min\.js'/g)?.length, 1, 'one loader of the shared asset');
  assert.match(finished, /window\.addEventListener\('load'/, 'loaded after the page');
  assert.ok(finished.indexOf('plotly-cartesian') < finished.indexOf('</head>'));
  const withoutChart = '<html><head></head><body><p>no charts</p></body></html>';
  assert.equal(usePlotlyAsset(withoutChart), withoutChart, 'a page without charts loads no plotly');
});

test('a page leaves out the static image of each plotly chart, shows its plot box from the start and says what needs scripts', () => {
  const chart = '<div id="c" class="relu-ae-chart"><img class="chart-static" alt="Loss" src="data:image/svg+xml;base64,AAAA"><div class="plotly-plot" style="display:none;width:100%;height:300px;"></div><script>draw()</script></div>';
  const page = `<html><head><title>x</title></head><body class="jp-Notebook">${chart}${chart}<div class="vega-lite-plot"><img class="vega-lite-image" src="data:image/svg+xml;base64,BBBB"></div></body></html>`;
  const finished = dropStaticImages(page);
  assert.ok(!finished.includes('chart-static') && !finished.includes('AAAA'), 'the stand-ins are gone');
  assert.ok(finished.includes('BBBB'), 'vega-lite charts, which are images, stay');
  assert.equal(finished.match(/class="plotly-plot" style="width:100%;height:300px;"/g)?.length, 2, 'the boxes keep their height');
  assert.equal(finished.match(/<noscript>/g)?.length, 1, 'one note for readers without scripts');
  assert.match(finished, /<body class="jp-Notebook">\n<noscript><p class="noscript-note">/, 'at the top of the page');
  const withoutCharts = '<html><head></head><body><img src="x.png"></body></html>';
  assert.equal(dropStaticImages(withoutCharts), withoutCharts);
});
