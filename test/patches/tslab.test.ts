/**
 * The project's patch of tslab 1.0.22 (patches/tslab+1.0.22.patch, applied by `npm install`'s
 * postinstall step through patch-package), checked on the real kernel through jupyter_client:
 * a cell that throws sends Jupyter's `error` message with the error's name, its message and the
 * cell's own line; a cell that does not compile names TypeScript's diagnostic; a value is an
 * `execute_result`; a request queued behind an error is aborted ("aborted", as ipykernel), a
 * request sent after the error's reply runs; history requests are answered. The source-map
 * decoding the traceback relies on is checked against a map with a known answer.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ensureKernel, findProjectRoot, jupyterPython } from '../../scripts/kernel';

const PROJECT_ROOT = findProjectRoot(__dirname);
const TSLAB_DIST = join(PROJECT_ROOT, 'node_modules', 'tslab', 'dist');

interface Step {
  reply: { status: string; execution_count?: number; ename?: string; evalue?: string; traceback?: string[] };
  messages: { type: string; content: Record<string, unknown> }[];
}

type Session = Record<'throwing' | 'async_throwing' | 'compile_error' | 'value' | 'earlier_cell' | 'library_error' | 'run_all_error' | 'run_all_next' | 'after_error', Step> & {
  history: { status: string; history: [number, number, string][] };
};

// eslint-disable-next-line no-control-regex
const plain = (text: string) => text.replace(/\u001b\[[0-9;]*m/g, '');

function errorOf(step: Step): { ename: string; evalue: string; traceback: string[] } {
  const error = step.messages.find((message) => message.type === 'error');
  assert.ok(error, `an error message among ${JSON.stringify(step.messages.map((message) => message.type))}`);
  return error.content as { ename: string; evalue: string; traceback: string[] };
}

const session: Promise<Session> = (async () => {
  const { stdout } = await promisify(execFile)(jupyterPython(), [join(PROJECT_ROOT, 'test', 'patches', 'tslab_session.py'), join(PROJECT_ROOT, 'notebooks')], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, JUPYTER_PATH: ensureKernel(PROJECT_ROOT) },
    timeout: 600_000,
    maxBuffer: 10_000_000,
  });
  return JSON.parse(stdout) as Session;
})();
// Each test awaits it; this keeps an early failure from counting as an unhandled rejection.
session.catch(() => undefined);

test('the patch is applied to the installed tslab', () => {
  assert.ok(existsSync(join(TSLAB_DIST, 'errors.js')), 'patch-package added dist/errors.js');
  assert.match(readFileSync(join(TSLAB_DIST, 'jupyter.js'), 'utf8'), /relu-ae-lab patch/);
  assert.equal(JSON.parse(readFileSync(join(PROJECT_ROOT, 'node_modules', 'tslab', 'package.json'), 'utf8')).version, '1.0.22', 'the patch is for tslab 1.0.22');
});

test('source maps decode to the positions they record', () => {
  const errors = require(join(TSLAB_DIST, 'errors.js')) as {
    decodeMappings(mappings: string): [number, number, number][][];
    originalPosition(decoded: [number, number, number][][], line: number, column: number): { line: number; column: number } | null;
  };
  // "AAAA;AACA,IAAI;;AAED": line 0 col 0 ← 0:0; line 1 col 0 ← 1:0 and col 4 ← 1:4; line 2 empty; line 3 col 0 ← 3:3.
  const decoded = errors.decodeMappings('AAAA;AACA,IAAI;;AAED');
  assert.deepEqual(decoded, [[[0, 0, 0]], [[0, 1, 0], [4, 1, 4]], [], [[0, 3, 3]]]);
  assert.deepEqual(errors.originalPosition(decoded, 1, 6), { line: 1, column: 4 });
  assert.equal(errors.originalPosition(decoded, 2, 0), null);
});

test('a cell that throws shows an error output with its name, message and the cell\'s own lines', { timeout: 600_000 }, async () => {
  const { throwing } = await session;
  assert.equal(throwing.reply.status, 'error');
  const error = errorOf(throwing);
  assert.equal(error.ename, 'RangeError');
  assert.equal(error.evalue, 'value must not be positive: 1');
  assert.deepEqual(error.traceback.map(plain), [
    'RangeError: value must not be positive: 1',
    'Cell In[1], line 4: if (value > 0) throw new RangeError("value must not be positive: " + value);',
    'Cell In[1], line 7: check(limit);',
  ]);
  assert.equal(throwing.reply.ename, 'RangeError', 'the reply carries the error too');
  assert.ok(!throwing.messages.some((message) => message.type === 'stream'), 'nothing on stderr besides');
});

test('an error after an await points at the cell\'s line', { timeout: 600_000 }, async () => {
  const error = errorOf((await session).async_throwing);
  assert.equal(error.ename, 'TypeError');
  assert.deepEqual(error.traceback.map(plain).slice(1), ['Cell In[2], line 3: holder.inner!.value;']);
});

test('a function an earlier cell defined names that cell\'s line, then the calling cell\'s', { timeout: 600_000 }, async () => {
  const error = errorOf((await session).earlier_cell);
  assert.deepEqual(error.traceback.map(plain), [
    'Error: from an earlier cell',
    'Cell In[5], line 2: throw new Error("from an earlier cell");',
    'Cell In[6], line 1: failLater();',
  ]);
});

test('a cell that does not compile names the diagnostic and the line', { timeout: 600_000 }, async () => {
  const error = errorOf((await session).compile_error);
  assert.equal(error.ename, 'CompileError');
  assert.match(error.evalue, /^1:5 - Type 'string' is not assignable to type 'number'/);
  assert.ok(error.traceback.map(plain).some((line) => line.includes('Cell In[3], line 1: let count: number = "three";')));
});

test('a wrong spec shows the spec error naming the field, then the cell\'s line, without tslab\'s frames', { timeout: 600_000 }, async () => {
  const error = errorOf((await session).library_error);
  assert.equal(error.ename, 'SpecError');
  assert.equal(error.evalue, 'hiddenActivation.alpha: unknown field; did you mean slope?');
  const traceback = error.traceback.map(plain);
  assert.match(traceback[traceback.length - 1], /^Cell In\[7\], line 2: lab\.resolveAutoencoderSpec/);
  assert.ok(!traceback.some((line) => line.includes(join('tslab', 'dist')) || line.includes('node:internal')), traceback.join('\n'));
});

test('a value is an execute_result with the execution count', { timeout: 600_000 }, async () => {
  const { value } = await session;
  const result = value.messages.find((message) => message.type === 'execute_result');
  assert.ok(result, JSON.stringify(value.messages));
  assert.deepEqual(result.content.data, { 'text/plain': '[ 21, 42 ]' });
  assert.equal(result.content.execution_count, value.reply.execution_count);
  assert.ok(value.messages.some((message) => message.type === 'execute_input'), 'the input is broadcast');
  assert.ok(!value.messages.some((message) => message.type === 'stream'), 'not printed to stdout');
});

test('after an error, a request already queued is aborted and the next one sent runs', { timeout: 600_000 }, async () => {
  const steps = await session;
  assert.equal(steps.run_all_error.reply.status, 'error');
  assert.equal(steps.run_all_next.reply.status, 'aborted');
  assert.deepEqual(steps.run_all_next.messages, []);
  assert.equal(steps.after_error.reply.status, 'ok');
  assert.equal(steps.after_error.reply.execution_count, (steps.run_all_error.reply.execution_count ?? 0) + 1);
});

test('history requests are answered with this session\'s inputs', { timeout: 600_000 }, async () => {
  const { history } = await session;
  assert.equal(history.status, 'ok');
  assert.deepEqual(history.history.map((entry) => entry[2]), ['throw new Error("stops the run")', '"runs after the error"']);
});
