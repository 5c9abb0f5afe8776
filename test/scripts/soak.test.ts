/**
 * The chaos soak, two minutes of it on a tiny sweep (npm run soak runs 20 minutes of the default
 * profile's sizes): every fault kind injected, and every invariant held — each run of each finished
 * round stored once, with local mode's numbers bit for bit; no run started again after it was stored;
 * every SIGTERMed worker gone within 10 s. Throughput is printed, not asserted.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FAULT_KINDS, runSoak, SIGTERM_EXIT_LIMIT_SECONDS } from '../../scripts/soak/chaos';
import { describeSoak } from '../../scripts/soak';

test('a 2-minute chaos soak of a tiny sweep keeps every invariant', { timeout: 15 * 60_000 }, async (t) => {
  const report = await runSoak({ minutes: 2, seed: 7, sweep: 'tiny', log: (line) => t.diagnostic(line) });
  for (const line of describeSoak(report)) t.diagnostic(line);
  assert.deepEqual(report.violations, []);
  for (const kind of FAULT_KINDS) assert.ok(report.faults[kind] >= 1, `${kind} injected`);
  assert.ok(report.rounds >= 1 && report.runsCompleted === report.verification.runs, `${report.runsCompleted} runs, ${report.verification.runs} verified`);
  assert.deepEqual([report.verification.missing, report.verification.different], [[], []]);
  assert.ok(report.sigterm.longestExitSeconds <= SIGTERM_EXIT_LIMIT_SECONDS);
});
