/**
 * What a soak's logs and caches say: when each run was started and stored (from the workers' log
 * lines, each stamped with the time the worker wrote it), which runs were computed again after a
 * kill, which (never allowed) were started again after they had been stored, the longest time no run
 * was stored, and whether every stored result is bit for bit the one local mode computes.
 */
import { planExperiment, runExperiment } from '../../src/lib/experiment/runner';
import { RunResult } from '../../src/lib/runs/index';
import { SoakSweep, soakRounds } from './sweep';

/** A run started or stored by a worker, at the time its log line says. */
export interface RunEvent {
  at: number;
  kind: 'started' | 'computed';
  key: string;
  worker: number;
}

/** The run events in the output of the workers, oldest first. */
export function runEvents(workerOutputs: { pid: number; output: string }[]): RunEvent[] {
  const events: RunEvent[] = [];
  for (const { pid, output } of workerOutputs) {
    for (const match of output.matchAll(/^(\S+Z) (started|computed) run ([0-9a-f]{24})/gm)) {
      events.push({ at: Date.parse(match[1]), kind: match[2] as RunEvent['kind'], key: match[3], worker: pid });
    }
  }
  return events.sort((a, b) => a.at - b.at);
}

/** What the run events say about the sweep. */
export interface RunEventFigures {
  /** Runs stored at least once. */
  stored: number;
  /** Runs whose training started more than once before they were stored (their worker was killed, stopped, or lost Redis). */
  recomputedAfterKill: number;
  /** Runs started again after they had been stored: must be none. */
  startedAfterStored: string[];
  /** The longest time between `from` and `to` in which no run was stored (seconds). */
  longestStallSeconds: number;
}

export function runEventFigures(events: RunEvent[], from: number, to: number): RunEventFigures {
  const storedAt = new Map<string, number>();
  const starts = new Map<string, number>();
  const startedAfterStored = new Set<string>();
  for (const event of events) {
    if (event.kind === 'computed') {
      if (!storedAt.has(event.key)) storedAt.set(event.key, event.at);
      continue;
    }
    const stored = storedAt.get(event.key);
    if (stored !== undefined && event.at > stored) startedAfterStored.add(event.key);
    else starts.set(event.key, (starts.get(event.key) ?? 0) + 1);
  }
  const times = [from, ...[...storedAt.values()].filter((at) => at > from && at < to).sort((a, b) => a - b), to];
  let longest = 0;
  for (let index = 1; index < times.length; index++) longest = Math.max(longest, times[index] - times[index - 1]);
  return {
    stored: storedAt.size,
    recomputedAfterKill: [...starts.values()].filter((count) => count > 1).length,
    startedAfterStored: [...startedAfterStored],
    longestStallSeconds: longest / 1000,
  };
}

/** A result without what depends on the machine's speed: the numbers a run is keyed for. */
export function numbersOf(result: RunResult): unknown {
  const { durationSeconds: _duration, samplesPerSecond: _speed, history, ...rest } = JSON.parse(JSON.stringify(result)) as RunResult;
  return { ...rest, history: history.map(({ seconds: _seconds, ...record }) => record) };
}

/** The outcome of comparing the soak's cache with local mode. */
export interface Verification {
  runs: number;
  /** Runs of finished rounds that were not in the soak's cache. */
  missing: string[];
  /** Runs whose numbers differ from local mode's. */
  different: string[];
}

/**
 * Reads rounds [0, rounds) of a sweep from the soak's cache (computing nothing) and computes them
 * again in local mode (no queue, `workers` processes) in a cache of their own; compares each run's
 * numbers as JSON, which writes every double so that it reads back to the same bits.
 */
export async function verifyAgainstLocal(sweep: SoakSweep, rounds: number, soakCache: string, localCache: string, workers: number): Promise<Verification> {
  const verification: Verification = { runs: 0, missing: [], different: [] };
  if (rounds === 0) return verification;
  // One experiment, so that local mode starts its worker processes once.
  const experiment = soakRounds(sweep, rounds);
  const soaked = await planExperiment(experiment, { cacheDirectory: soakCache, queue: null, workers: 0 });
  const local = await runExperiment(experiment, { cacheDirectory: localCache, queue: null, workers });
  for (const run of local.runs) {
    verification.runs++;
    const stored = soaked.cached.get(run.key);
    if (stored === undefined) verification.missing.push(run.key);
    else if (JSON.stringify(numbersOf(stored)) !== JSON.stringify(numbersOf(run.result))) verification.different.push(run.key);
  }
  return verification;
}
