/**
 * The soak's coordinator: runs a sweep's rounds through the queue (RELU_AE_QUEUE), one after
 * another from --round, and prints one JSON line per finished round. It stops before a new round
 * when --stop-file exists or --rounds rounds are done. The soak kills it (SIGKILL or SIGINT) and
 * starts it again at the first round it has not seen finished; the runs finished meanwhile are
 * collected from the cache and the queue, none computed again.
 *
 * usage: node build/scripts/soak/coordinator.js --sweep default|tiny --round R --cache DIR [--stop-file FILE] [--rounds N]
 */
import { existsSync } from 'node:fs';
import { positiveNumber, readFlags, runCommand, UsageError } from '../../src/lib/commandLine';
import { runExperiment } from '../../src/lib/experiment/runner';
import { SOAK_SWEEPS, SoakSweep, soakRound } from './sweep';

const USAGE = `usage: node build/scripts/soak/coordinator.js --sweep ${SOAK_SWEEPS.join('|')} --round R --cache DIR [--stop-file FILE] [--rounds N]`;

/** What the coordinator prints when a round is finished. */
export interface RoundLine {
  round: number;
  computedRuns: number;
  cachedRuns: number;
  keys: string[];
}

async function main(): Promise<number> {
  const flags = readFlags(process.argv.slice(2), { '--sweep': 'value', '--round': 'value', '--cache': 'value', '--stop-file': 'value', '--rounds': 'value' }, USAGE);
  const sweep = flags.get('--sweep') ?? '';
  if (!(SOAK_SWEEPS as ReadonlyArray<string>).includes(sweep)) throw new UsageError(`--sweep must be one of ${SOAK_SWEEPS.join(', ')}`, USAGE);
  const cacheDirectory = flags.get('--cache');
  if (cacheDirectory === undefined) throw new UsageError('--cache is required', USAGE);
  const roundText = flags.get('--round') ?? '0';
  const first = roundText === '0' ? 0 : positiveNumber('--round', roundText, USAGE, true);
  const roundsText = flags.get('--rounds');
  const last = roundsText === undefined ? Infinity : positiveNumber('--rounds', roundsText, USAGE, true);
  const stopFile = flags.get('--stop-file');
  for (let round = first; round < last && !(stopFile !== undefined && existsSync(stopFile)); round++) {
    const result = await runExperiment(soakRound(sweep as SoakSweep, round), { cacheDirectory });
    const line: RoundLine = { round, computedRuns: result.computedRuns, cachedRuns: result.cachedRuns, keys: result.runs.map((run) => run.key) };
    process.stdout.write(`${JSON.stringify(line)}\n`);
  }
  return 0;
}

if (require.main === module) runCommand('soak coordinator', main);
