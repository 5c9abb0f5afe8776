/**
 * The sweeps the chaos soak sends through the queue, one round after another: a round is every
 * configuration of the sweep at a fresh block of seeds, so that no round finds another's runs done.
 *
 *   default: the default profile's sizes (784-128-64-2-64-128-784, 10 epochs, 8,000 / 2,000 embedded
 *            digits), four hidden activations × 3 seeds = 12 runs of a few seconds each per round
 *   tiny:    784-32-2-32-784, 3 epochs, 600 / 100 digits, two activations × 4 seeds = 8 runs of
 *            well under a second each: the 2-minute test's sweep
 */
import { autoencoderConfiguration, experiment } from '../../src/lib/experiment/designs';
import { PROFILES } from '../../src/lib/experiment/profiles';
import { Experiment } from '../../src/lib/experiment/runner';

export const SOAK_SWEEPS = ['default', 'tiny'] as const;
export type SoakSweep = (typeof SOAK_SWEEPS)[number];

/** How the soak treats a sweep: its workers' lock, the gaps between faults, how long Redis stays down. */
export interface SoakPace {
  /** The workers' --lock-seconds: a killed worker's run comes back after about this long. */
  lockSeconds: number;
  /** Each gap between two faults is drawn uniformly from this range (seconds). */
  faultGapSeconds: [number, number];
  /** How long Redis stays down in a restart, drawn uniformly from this range (seconds). */
  redisOutageSeconds: [number, number];
  /** Rounds of the fault-free run the soak's throughput is compared with. */
  baselineRounds: number;
}

export const SOAK_PACES: Record<SoakSweep, SoakPace> = {
  default: { lockSeconds: 10, faultGapSeconds: [20, 60], redisOutageSeconds: [0.5, 4], baselineRounds: 3 },
  tiny: { lockSeconds: 3, faultGapSeconds: [4, 9], redisOutageSeconds: [0.3, 1.5], baselineRounds: 20 },
};

/** Round `round` (0, 1, …) of a sweep. */
export function soakRound(sweep: SoakSweep, round: number): Experiment {
  if (sweep === 'default') {
    const profile = PROFILES.default;
    const seedsPerRound = profile.seeds.length;
    const configurations = (['relu', 'elu', 'leakyRelu', 'sigmoid'] as const).map((hidden) =>
      autoencoderConfiguration({ label: hidden, profile, hidden, bottleneck: 'linear', output: 'sigmoid' }));
    return { ...experiment(`soak round ${round}`, profile, configurations), seeds: Array.from({ length: seedsPerRound }, (_, index) => round * seedsPerRound + index + 1) };
  }
  const seedsPerRound = 4;
  return {
    name: `tiny soak round ${round}`,
    seeds: Array.from({ length: seedsPerRound }, (_, index) => round * seedsPerRound + index + 1),
    configurations: (['relu', 'elu'] as const).map((hidden) => ({
      label: hidden,
      run: { autoencoder: { layerSizes: [784, 32, 2, 32, 784], hiddenActivation: hidden }, training: { epochs: 3, batchSize: 50 }, data: { trainSize: 600, testSize: 100 } },
    })),
  };
}

/** Rounds [0, rounds) as one experiment: the same runs (a run's key is its config and seed, not its experiment). */
export function soakRounds(sweep: SoakSweep, rounds: number): Experiment {
  const each = Array.from({ length: rounds }, (_, round) => soakRound(sweep, round));
  return { name: `${sweep} soak, rounds 0-${rounds - 1}`, seeds: each.flatMap((round) => round.seeds), configurations: each[0].configurations };
}

/** Runs per round. */
export function soakRoundSize(sweep: SoakSweep): number {
  const round = soakRound(sweep, 0);
  return round.seeds.length * round.configurations.length;
}
