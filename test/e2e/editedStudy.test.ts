/**
 * A reader changes an arm in a claim notebook's study cell and runs it again, without touching src/
 * or rebuilding: the report build (tslab, nbconvert) runs the edited notebook, and the changed arm is
 * what the records and results.json hold.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { buildReport, copyNotebooks, PROJECT_ROOT } from './scratchReport';

const WORK = join(PROJECT_ROOT, 'test-output', `edited-study-${process.pid}`);
after(() => rmSync(WORK, { recursive: true, force: true }));

test('an arm edited in the study cell is the arm that runs, is compared and is recorded', { timeout: 600_000 }, async () => {
  copyNotebooks(WORK, ['00-index.ipynb', '02-bottleneck.ipynb'], (name, text) => {
    if (name !== '02-bottleneck.ipynb') return text;
    // The reader's edit: a tanh bottleneck instead of the ReLU one, under a new name.
    const edited = text.split('ReLU code → sigmoid out').join('tanh code → sigmoid out').replace('bottleneck: \\"relu\\"', 'bottleneck: \\"tanh\\"');
    assert.notEqual(edited, text, 'the study cell holds the arm');
    return edited;
  });
  const run = await buildReport(WORK, join(WORK, 'report'), join(WORK, 'cache'));
  assert.equal(run.exitCode, 0, `${run.stdout}\n${run.stderr}`);
  const results = JSON.parse(readFileSync(join(WORK, 'report', 'results.json'), 'utf8'));
  const claim = results.claims.find((entry: { id: string }) => entry.id === 'C2');
  assert.equal(claim.comparisons[0].baselineLabel, 'tanh code → sigmoid out');
  const runs = results.runs.filter((entry: { label: string }) => entry.label === 'tanh code → sigmoid out');
  assert.equal(runs.length, 2, 'one run per seed of the quick profile');
  for (const entry of runs) assert.deepEqual(entry.config.autoencoder.bottleneckActivation, { name: 'tanh' });
  const page = readFileSync(join(WORK, 'report', '02-bottleneck.html'), 'utf8');
  assert.ok(page.includes('tanh code → sigmoid out'), 'the page shows the edited arm');
});
