/** Progress of an experiment: what it reports, a one-line text form, and time estimates. */
import { RunConfig } from '../runs/index';

/** Progress of an experiment, for terminal lines and notebook displays. */
export interface ExperimentProgress {
  experiment: string;
  totalRuns: number;
  doneRuns: number;
  cachedRuns: number;
  /** What each busy worker is doing, e.g. "relu/sigmoid seed 2 · epoch 3/20". */
  running: string[];
  elapsedSeconds: number;
  /** Estimated seconds left: from the plan before a run finishes, then from measured run times. */
  etaSeconds: number | null;
}

/**
 * Roughly how many seconds a run takes at `samplesPerSecond`: its training examples times its
 * epochs (three stages for the stacked recipe), plus an evaluation of the test set per epoch.
 */
export function estimateRunSeconds(config: RunConfig, samplesPerSecond: number): number {
  const trainCount = config.data.trainSize - config.data.validationSize;
  const evaluated = config.data.testSize + config.data.validationSize;
  const stages = config.kind === 'stackedDenoising' ? 2 + (config.recipe.fineTuneEpochs > 0 ? config.recipe.fineTuneEpochs / config.training.epochs : 0) : 1;
  // An evaluation sample costs about a third of a training sample (a forward pass only).
  return (stages * config.training.epochs * (trainCount + evaluated / 3)) / samplesPerSecond;
}

/** Seconds as "1h 02m", "3m 05s" or "42s". */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const whole = Math.round(seconds);
  const hours = Math.floor(whole / 3600);
  const minutes = Math.floor((whole % 3600) / 60);
  const rest = whole % 60;
  const twoDigits = (value: number): string => String(value).padStart(2, '0');
  if (hours > 0) return `${hours}h ${twoDigits(minutes)}m`;
  if (minutes > 0) return `${minutes}m ${twoDigits(rest)}s`;
  return `${rest}s`;
}

/** One line of progress for a terminal or a log: "C1 · 5/8 runs (2 cached) · ETA 12s · running: …". */
export function progressLine(progress: ExperimentProgress): string {
  const eta = progress.etaSeconds === null ? 'ETA ?' : `ETA ${formatDuration(progress.etaSeconds)}`;
  const running = progress.running.length ? ` · running: ${progress.running.join(' | ')}` : '';
  return `${progress.experiment} · ${progress.doneRuns}/${progress.totalRuns} runs (${progress.cachedRuns} cached) · ${eta}${running}`;
}

/** A progress callback that prints a line to stderr whenever the finished count changes. */
export function terminalProgress(stream: NodeJS.WritableStream = process.stderr): (progress: ExperimentProgress) => void {
  let lastDone = -1;
  return (progress) => {
    if (progress.doneRuns === lastDone) return;
    lastDone = progress.doneRuns;
    stream.write(`${progressLine(progress)}\n`);
  };
}
