/**
 * The report's practical margin δ, declared once, before any number of this report was computed,
 * and the words that justify it. Every margin verdict of the pages, results.json and the map uses it;
 * the pages also show how the verdicts change at δ/2 and 2δ.
 */
import { MARGIN_VERDICTS, MarginVerdict } from '../lib/margins';
import { FAILURE_DEFINITION } from '../lib/failures';

/** δ: 2% of the baseline's mean test MSE. */
export const PRACTICAL_MARGIN = 0.02;

/** Why δ is 2%, as the index prints it above the answers. */
export const MARGIN_JUSTIFICATION =
  'δ = 2% of the baseline\'s test MSE, fixed before the full-scale runs. Retraining the thread\'s network with another seed ' +
  'moved its test MSE by 1.2% of its mean (standard deviation over the 5 seeds of the earlier 8,000-digit evidence, commit 3abab8b), so two ' +
  'single trainings of one network differ by about 1.7%. A systematic difference under 2% is smaller than what a user sees between two ' +
  'of their own trainings of the same network, and at a test MSE near 0.04 it is under 0.001 per pixel, invisible in a reconstruction: ' +
  'it makes no practical difference. The pages also show the verdicts at δ/2 = 1% and 2δ = 4%, and this report\'s own seed-to-seed spread.';

/** One definition per word, used everywhere (pages, results.json, the map). */
export const MARGIN_VERDICT_DEFINITIONS: Record<MarginVerdict, string> = {
  'equivalent within δ': 'the 95% interval of the paired difference lies inside ±δ: whatever the true difference is, it is smaller than δ (two one-sided tests at 2.5% each)',
  better: 'the 95% interval lies above 0 and is not inside ±δ: the candidate\'s test MSE is lower, possibly by more than δ',
  worse: 'the 95% interval lies below 0 and is not inside ±δ: the candidate\'s test MSE is higher, possibly by more than δ',
  'not worse than δ': 'none of the above, but the interval lies above −δ: the candidate is not worse than the baseline by more than δ (non-inferiority)',
  inconclusive: 'none of the above: the interval reaches both below −δ and above 0, so the seeds cannot tell',
};

/** The claim verdicts (the superiority test of the thread's direction), defined once beside them. */
export const CLAIM_VERDICT_DEFINITIONS = {
  supported: 'every primary comparison\'s 95% interval lies on the thread\'s side of 0 (its favoured arm is better)',
  contradicted: 'some primary comparison\'s 95% interval lies on the other side of 0',
  inconclusive: 'neither',
};

/** The glossary the index shows before the numbers: δ, the verdict words, a failed run. */
export function glossaryRows(): { term: string; definition: string }[] {
  return [
    { term: 'δ (the practical margin)', definition: MARGIN_JUSTIFICATION },
    ...MARGIN_VERDICTS.map((word) => ({ term: word, definition: MARGIN_VERDICT_DEFINITIONS[word] })),
    ...Object.entries(CLAIM_VERDICT_DEFINITIONS).map(([word, definition]) => ({ term: `claim ${word}`, definition })),
    { term: 'failed run', definition: FAILURE_DEFINITION },
  ];
}
