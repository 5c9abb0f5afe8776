/**
 * `npm run soak -- [--minutes M] [--seed N] [--sweep default|tiny]`: the chaos soak (scripts/soak/chaos.ts).
 * A sweep of the default profile's sizes goes through the job queue on 127.0.0.1 for M minutes
 * (default 20) with 3 workers, while workers are killed (-9, process group) and stopped (SIGTERM),
 * Redis is restarted on its append-only file and the coordinator is killed, at seeded random gaps.
 * Prints the faults, the runs completed and recomputed, the longest stall and the throughput against
 * a fault-free run of the same sweep; exits 0 when every invariant held, 1 when one broke (listed).
 * Not part of `npm test`, which runs a 2-minute soak of a tiny sweep (test/scripts/soak.test.ts).
 */
import { positiveNumber, readFlags, runCommand, UsageError } from '../src/lib/commandLine';
import { runSoak, SoakReport } from './soak/chaos';
import { SOAK_SWEEPS, SoakSweep, soakRoundSize } from './soak/sweep';

const USAGE = `usage: npm run soak -- [--minutes M (default 20)] [--seed N (default 1)] [--sweep ${SOAK_SWEEPS.join('|')} (default default)]`;

export interface SoakArguments {
  minutes: number;
  seed: number;
  sweep: SoakSweep;
}

export function parseSoakArguments(argv: ReadonlyArray<string>): SoakArguments {
  const flags = readFlags(argv, { '--minutes': 'value', '--seed': 'value', '--sweep': 'value' }, USAGE);
  const sweep = flags.get('--sweep') ?? 'default';
  if (!(SOAK_SWEEPS as ReadonlyArray<string>).includes(sweep)) throw new UsageError(`--sweep must be one of ${SOAK_SWEEPS.join(', ')}, not ${JSON.stringify(sweep)}`, USAGE);
  const minutesText = flags.get('--minutes');
  const seedText = flags.get('--seed');
  return {
    minutes: minutesText === undefined ? 20 : positiveNumber('--minutes', minutesText, USAGE),
    seed: seedText === undefined ? 1 : positiveNumber('--seed', seedText, USAGE, true),
    sweep: sweep as SoakSweep,
  };
}

/** The report in lines a person reads. */
export function describeSoak(report: SoakReport): string[] {
  const faults = Object.entries(report.faults).map(([kind, count]) => `${kind} ${count}`).join(', ');
  const signals = Object.entries(report.coordinatorSignals).map(([signal, count]) => `${signal} ${count}`).join(', ');
  const { underFaults, faultFree, baselineRounds } = report.throughput;
  const ratio = faultFree ? ` (${Math.round((underFaults / faultFree) * 100)}% of fault-free ${faultFree.toFixed(3)} runs/s, measured on the first ${baselineRounds} round(s))` : '';
  return [
    `soak: ${report.minutes} min, seed ${report.seed}, ${report.workers} workers, sweep ${report.sweep} (${soakRoundSize(report.sweep)} runs a round)`,
    `faults injected: ${faults} (total ${Object.values(report.faults).reduce((a, b) => a + b, 0)})`,
    `  worker SIGTERM: ${report.sigterm.finished} exited 0 (idle, or their runs finished and stored), ${report.sigterm.stopped} exited 4 (runs stopped, back to the queue); longest exit ${report.sigterm.longestExitSeconds.toFixed(1)} s`,
    `  coordinator kills: ${signals || 'none'}`,
    `runs completed: ${report.runsCompleted} in ${report.rounds} round(s), ${report.chaosSeconds.toFixed(0)} s`,
    `runs recomputed after a kill: ${report.recomputedAfterKill}`,
    `longest stall (no run stored): ${report.longestStallSeconds.toFixed(1)} s`,
    `throughput: ${underFaults.toFixed(3)} runs/s under faults${ratio}`,
    `verification: ${report.verification.runs} runs against local mode, ${report.verification.missing.length} missing, ${report.verification.different.length} different`,
    report.violations.length === 0 ? 'every invariant held' : `${report.violations.length} invariant(s) broken:\n  ${report.violations.join('\n  ')}`,
  ];
}

async function main(): Promise<number> {
  const soakArguments = parseSoakArguments(process.argv.slice(2));
  const report = await runSoak({ ...soakArguments, log: (line) => process.stderr.write(`${line}\n`) });
  for (const line of describeSoak(report)) process.stdout.write(`${line}\n`);
  process.stdout.write(`${JSON.stringify(report)}\n`);
  return report.violations.length === 0 ? 0 : 1;
}

if (require.main === module) runCommand('soak', main);
