/**
 * Profiles trade time for evidence: `quick` proves the whole pipeline in CI, `default` is what
 * `npm run report` does, `full` is the reference protocol the committed report is built with.
 */
import { PROFILE_NAMES, ProfileName, readSettings } from '../settings';
import { SpecError } from '../specErrors';

export { PROFILE_NAMES } from '../settings';
export type { ProfileName } from '../settings';

export interface Profile {
  name: ProfileName;
  /** Seeds of every configuration; comparisons are paired over them. */
  seeds: number[];
  /** Epochs of every run (the reference protocol has 20). */
  epochs: number;
  trainSize: number;
  testSize: number;
  /** Learning rates of the sweeps (activation × rate, optimizer × rate). */
  sweepLearningRates: number[];
  /** Human words for what this profile shortens, shown in every notebook. */
  description: string;
}

export const PROFILES: Record<ProfileName, Profile> = {
  quick: {
    name: 'quick',
    seeds: [1, 2],
    epochs: 2,
    trainSize: 2000,
    testSize: 500,
    sweepLearningRates: [1e-3, 1e-2],
    description: 'quick (CI smoke run): 2 seeds, 2 epochs, 2,000 training / 500 test digits; numbers are not evidence',
  },
  default: {
    name: 'default',
    seeds: [1, 2, 3],
    epochs: 10,
    trainSize: 8000,
    testSize: 2000,
    sweepLearningRates: [1e-4, 1e-3, 1e-2, 1e-1],
    description: 'default: 3 seeds, 10 epochs (half the reference 20), 8,000 training / 2,000 test digits',
  },
  full: {
    name: 'full',
    seeds: [1, 2, 3, 4, 5],
    epochs: 20,
    trainSize: 8000,
    testSize: 2000,
    sweepLearningRates: [1e-4, 1e-3, 1e-2, 1e-1],
    description: 'full (reference protocol): 5 seeds, 20 epochs, 8,000 training / 2,000 test digits',
  },
};

/** A profile by name (default: RELU_AE_PROFILE, else 'default'); an unknown name is an error. */
export function resolveProfile(name?: string): Profile {
  const wanted = name ?? readSettings().profile ?? 'default';
  if (!(PROFILE_NAMES as readonly string[]).includes(wanted)) {
    throw new SpecError('profile', `unknown value ${JSON.stringify(wanted)}; expected one of ${PROFILE_NAMES.join(', ')}`);
  }
  return PROFILES[wanted as ProfileName];
}
