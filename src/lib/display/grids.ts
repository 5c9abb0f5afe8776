/** Reconstructions of runs as a digit grid (display/image.ts), one row per run. */
import { asRuns, RunsInput } from '../plots/runs';
import { digitGridHtml } from './image';

/**
 * The first test example of each class and its reconstruction by each run: the first row holds the
 * originals, each further row one run's reconstructions of the same examples.
 */
export function reconstructionGridHtml(input: RunsInput): string {
  const runs = asRuns(input).filter((run) => run.result.samples && run.result.samples.reconstructions.length > 0);
  if (runs.length === 0) return '<p>No reconstructions (every run diverged or kept no samples).</p>';
  const first = runs[0].result.samples as NonNullable<typeof runs[0]['result']['samples']>;
  return digitGridHtml(
    [
      { name: 'original', images: first.reconstructions.map((sample) => sample.original) },
      ...runs.map((run) => ({
        name: `${run.label} (seed ${run.seed})`,
        images: (run.result.samples as NonNullable<typeof run.result.samples>).reconstructions.map((sample) => sample.reconstruction),
      })),
    ],
    'Top row: the first test example of each class; other rows: their reconstructions by each configuration.',
  );
}
