/**
 * Every command answers a command-line mistake with one line saying what was wrong and one saying
 * what is accepted, and exit code 2; never a stack trace (those are for bugs).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

const BUILD = resolve(__dirname, '../..');

const MISTAKES: { command: string; script: string; argv: string[]; problem: RegExp }[] = [
  { command: 'report', script: 'scripts/report.js', argv: ['--only', '99-nope'], problem: /^report: --only: no notebook "99-nope\.ipynb"$/ },
  { command: 'worker', script: 'src/lib/experiment/queue/workerMain.js', argv: ['--processes', 'two'], problem: /^worker: --processes must be a whole number ≥ 1, got "two"$/ },
  { command: 'bench', script: 'scripts/bench.js', argv: ['--batch', '128'], problem: /^bench: --batch goes with --measure or --profile/ },
  { command: 'bench:queue', script: 'scripts/benchQueue.js', argv: ['--repeats', '5'], problem: /^bench:queue: unknown argument "--repeats"$/ },
  { command: 'soak', script: 'scripts/soak.js', argv: ['--minutes', 'twenty'], problem: /^soak: --minutes must be a positive number, got "twenty"$/ },
];

for (const { command, script, argv, problem } of MISTAKES) {
  test(`${command}: a usage error is two lines and exit code 2, without a stack trace`, () => {
    const run = spawnSync(process.execPath, [resolve(BUILD, script), ...argv], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, RELU_AE_QUEUE: 'redis://:pw@127.0.0.1:1' } });
    assert.equal(run.status, 2, `${run.stdout}${run.stderr}`);
    assert.equal(run.stdout, '');
    const lines = run.stderr.trimEnd().split('\n');
    assert.equal(lines.length, 2, run.stderr);
    assert.match(lines[0], problem);
    assert.match(lines[1], /^(usage: |--only takes one of: )/);
    assert.ok(!/\n\s+at /.test(run.stderr), run.stderr);
  });
}
