/**
 * The library as a stranger gets it: `npm pack`, installed into a fresh project (without the
 * optional native engine, as on a machine without a compiler), type-checked under a strict
 * tsconfig without skipLibCheck, and README's "use it in your project" snippets run as they are
 * written — in plain Node, and in a tslab notebook through the real kernel.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ensureKernel, findProjectRoot, jupyterPython } from '../../scripts/kernel';

const PROJECT_ROOT = findProjectRoot(__dirname);
const WORK = mkdtempSync(join(tmpdir(), 'relu-ae-pack-'));
const CONSUMER = join(WORK, 'my-experiments');
after(() => rmSync(WORK, { recursive: true, force: true }));

const run = (command: string, args: string[], cwd: string, environment: NodeJS.ProcessEnv = {}) =>
  promisify(execFile)(command, args, { cwd, maxBuffer: 50_000_000, env: { ...process.env, ...environment } });

/** Runs a notebook of code cells (one per `// cell` section of `source`) through nbconvert and tslab in the consumer project; returns the executed notebook's text. */
async function executeNotebook(name: string, source: string): Promise<string> {
  const notebook = {
    cells: source.split(/\n(?=\/\/ cell)/).map((cell, index) => ({ cell_type: 'code', id: `${name}-${index}`, metadata: {}, source: cell, outputs: [], execution_count: null })),
    metadata: { kernelspec: { display_name: 'TypeScript', language: 'typescript', name: 'tslab' }, language_info: { name: 'typescript' } },
    nbformat: 4,
    nbformat_minor: 5,
  };
  mkdirSync(join(CONSUMER, 'notebooks'), { recursive: true });
  writeFileSync(join(CONSUMER, 'notebooks', `${name}.ipynb`), JSON.stringify(notebook));
  await run(jupyterPython(), ['-m', 'nbconvert', '--to', 'notebook', '--execute', '--ExecutePreprocessor.timeout=-1', '--output', `${name}.executed`, join(CONSUMER, 'notebooks', `${name}.ipynb`)], CONSUMER, {
    JUPYTER_PATH: ensureKernel(PROJECT_ROOT),
  });
  return readFileSync(join(CONSUMER, 'notebooks', `${name}.executed.ipynb`), 'utf8');
}

/** README's fenced block that follows `<!-- tested: NAME -->`. */
export function readmeSnippet(name: string): string {
  const readme = readFileSync(join(PROJECT_ROOT, 'README.md'), 'utf8');
  const match = new RegExp(`<!-- tested: ${name.replace(/[.]/g, '\\.')} -->\\s*\`\`\`[a-z]*\\n([\\s\\S]*?)\`\`\``).exec(readme);
  assert.ok(match, `README has no block marked <!-- tested: ${name} -->`);
  return match[1];
}

const installed = (async () => {
  const pack = await run('npm', ['pack', '--pack-destination', WORK, '--silent'], PROJECT_ROOT);
  const tarball = join(WORK, pack.stdout.trim().split('\n').pop() as string);
  mkdirSync(CONSUMER, { recursive: true });
  writeFileSync(join(CONSUMER, 'package.json'), JSON.stringify({ name: 'my-experiments', version: '1.0.0', private: true }, null, 2));
  // As a machine without a compiler: the optional native engine (and tfjs-node's download) left out.
  await run('npm', ['install', tarball, 'tslab@1.0.22', 'typescript@5.9.3', '@types/node@20', '--omit=optional', '--prefer-offline', '--no-audit', '--no-fund'], CONSUMER);
  return tarball;
})();

test('the packed library installs with its compiled code and types, and nothing of the report folder', { timeout: 600_000 }, async () => {
  await installed;
  const packageFolder = join(CONSUMER, 'node_modules', 'relu-ae-lab');
  for (const file of ['dist/lib/index.js', 'dist/lib/index.d.ts', 'dist/report/index.js', 'dist/lib/tfjs/index.d.ts']) {
    assert.ok(existsSync(join(packageFolder, file)), file);
  }
  assert.ok(!existsSync(join(packageFolder, 'reports')) && !existsSync(join(packageFolder, 'notebooks')));
  assert.ok(!existsSync(join(CONSUMER, 'node_modules', 'nblas')), 'the optional native engine is absent here');
});

test('README\'s snippet type-checks under a strict tsconfig without skipLibCheck and trains on WebAssembly in plain Node', { timeout: 600_000 }, async () => {
  await installed;
  writeFileSync(join(CONSUMER, 'tsconfig.json'), JSON.stringify({
    compilerOptions: { strict: true, target: 'ES2022', module: 'commonjs', lib: ['ES2022'], types: ['node'], esModuleInterop: true, outDir: 'built', skipLibCheck: false },
    include: ['train.ts'],
  }, null, 2));
  writeFileSync(join(CONSUMER, 'train.ts'), readmeSnippet('train.ts'));
  // The typescript package's own tsc: tslab's bundled TypeScript 5.0 also installs a `tsc` in node_modules/.bin.
  const compiled = await run(process.execPath, [join(CONSUMER, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], CONSUMER).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? String(error), failed: true }));
  assert.ok(!('failed' in compiled), `tsc reported errors:\n${compiled.stdout}`);
  const output = await run(process.execPath, [join(CONSUMER, 'built', 'train.js')], CONSUMER);
  const lines = output.stdout.trim().split('\n');
  const summary = JSON.parse(lines[lines.length - 1]);
  assert.equal(summary.engine, 'wasm', 'without the native engine, the WebAssembly SIMD engine');
  assert.equal(summary.backend, 'wasm-simd', 'never tfjs\'s slow cpu backend');
  assert.ok(summary.testMse > 0 && summary.testMse < 0.2, JSON.stringify(summary));
  assert.ok(existsSync(join(CONSUMER, '.relu-ae-cache')), 'the cache is in the caller\'s project');
  assert.ok(readdirSync(join(CONSUMER, '.relu-ae-cache')).some((name) => name.endsWith('.json')));
  assert.ok(!existsSync(join(CONSUMER, 'node_modules', 'relu-ae-lab', '.relu-ae-cache')), 'never inside the package');
});

test('README\'s notebook snippet runs in a tslab notebook of the consumer project', { timeout: 600_000 }, async () => {
  await installed;
  const executed = await executeNotebook('mine', readmeSnippet('notebook.ts'));
  assert.ok(executed.includes('relu-ae-chart'), 'a plotly chart with its static image');
  assert.ok(executed.includes('vega-lite-plot'), 'a vega-lite chart');
  assert.ok(executed.includes('reconstruction-grid'), 'the reconstruction grid');
  assert.match(executed, /elu vs relu/);
  assert.ok(existsSync(join(CONSUMER, '.relu-ae-cache')), 'the notebook in notebooks/ caches at the top of its project');
});

test('README\'s condition-map snippets: type-checked and run in plain Node, and in a tslab notebook through the real kernel', { timeout: 900_000 }, async () => {
  await installed;
  const snippet = readmeSnippet('conditionMap.ts');
  writeFileSync(join(CONSUMER, 'tsconfig.map.json'), JSON.stringify({
    compilerOptions: { strict: true, target: 'ES2022', module: 'commonjs', lib: ['ES2022'], types: ['node'], esModuleInterop: true, outDir: 'built-map', skipLibCheck: false },
    include: ['conditionMap.ts'],
  }, null, 2));
  writeFileSync(join(CONSUMER, 'conditionMap.ts'), snippet);
  const compiled = await run(process.execPath, [join(CONSUMER, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.map.json'], CONSUMER).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? String(error), failed: true }));
  assert.ok(!('failed' in compiled), `tsc reported errors:\n${compiled.stdout}`);
  const output = await run(process.execPath, [join(CONSUMER, 'built-map', 'conditionMap.js')], CONSUMER);
  assert.match(output.stdout, /^12 runs, \d+ of them cached; about \d+ s$/m, 'the plan before anything runs');
  assert.equal(output.stdout.match(/: (supported|contradicted|inconclusive); margin verdict /g)?.length, 2, 'one line per condition');
  assert.match(output.stdout, /^elu against relu, over 2 conditions each at its full budget \(δ = 2%\): /m);
  // README's notebook form of the same question, through the real kernel: the runs it shares come from the cache.
  const executed = JSON.parse(await executeNotebook('map', readmeSnippet('conditionMapNotebook.ts'))) as { cells: { outputs: { data?: Record<string, string | string[]> }[] }[] };
  const html = executed.cells.flatMap((cell) => cell.outputs).map((output) => [output.data?.['text/html'] ?? ''].flat().join('')).join('\n');
  assert.match(html, /ELU or ReLU\?: 8 runs \(8 already in the cache\)/, 'the cost, before it runs: the quick profile\'s two seeds, cached by the plain Node run');
  assert.ok(html.includes('relu-ae-chart'), 'the map and the budget chart');
  assert.match(html, /elu against relu, over 2 conditions each at its full budget \(δ = 2%\): /);
});
