/**
 * The chaos soak: a sweep's rounds go through the queue on 127.0.0.1 for a fixed time while faults
 * are injected at random but seeded gaps, one at a time, each kind as often as the others:
 *
 *   worker kill -9    the worker's whole process group (its training process too), then a new worker
 *   worker SIGTERM    one signal; it must exit within 10 s (0: its runs finished, 4: stopped), then a new worker
 *   Redis restart     SIGKILL or SIGTERM, down for a moment, started again on its append-only file
 *   coordinator kill  SIGKILL or SIGINT (which must say the runs stay queued), then a new coordinator
 *
 * At the deadline the faults stop, the coordinator finishes its round, and the soak checks that no
 * run was started again after it had been stored. Then the same sweep's first rounds run without
 * faults on a fresh queue, for the throughput to compare with; last (it measures no time), every run
 * of every finished round must be in the coordinator's cache with the numbers local mode computes.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRandom, permutation } from '../../src/lib/random';
import { freePort } from '../redisServer';
import { Cluster, createCluster, SoakProcess } from './cluster';
import { runEventFigures, runEvents, verifyAgainstLocal, Verification } from './figures';
import { SOAK_PACES, SoakSweep, soakRoundSize } from './sweep';

export const FAULT_KINDS = ['worker kill -9', 'worker SIGTERM', 'Redis restart', 'coordinator kill'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** The bound on a worker's exit after one SIGTERM. */
export const SIGTERM_EXIT_LIMIT_SECONDS = 10;

export interface SoakOptions {
  minutes: number;
  seed: number;
  sweep: SoakSweep;
  /** Worker processes (one training process each); 3. */
  workers?: number;
  /** Local processes of the verification; 2. */
  verificationWorkers?: number;
  /** Progress lines; default none. */
  log?: (line: string) => void;
}

export interface SoakReport {
  minutes: number;
  seed: number;
  sweep: SoakSweep;
  workers: number;
  faults: Record<FaultKind, number>;
  /** How the SIGTERMed workers ended: exit 0 (idle, or their runs finished), exit 4 (runs stopped), the longest time to exit. */
  sigterm: { finished: number; stopped: number; longestExitSeconds: number };
  /** The signals the coordinator kills used. */
  coordinatorSignals: Record<string, number>;
  rounds: number;
  runsCompleted: number;
  recomputedAfterKill: number;
  longestStallSeconds: number;
  chaosSeconds: number;
  throughput: { underFaults: number; faultFree: number | null; baselineRounds: number };
  verification: Verification;
  /** Every broken invariant, in words; none on a good soak. */
  violations: string[];
}

const sleep = (milliseconds: number): Promise<void> => new Promise((resolveSleep) => setTimeout(resolveSleep, Math.max(0, milliseconds)));

/** The exit of a process, or null when it takes longer than `milliseconds`. */
async function exitWithin(child: SoakProcess, milliseconds: number): Promise<Awaited<SoakProcess['exited']> | null> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([child.exited, new Promise<null>((resolveLate) => (timer = setTimeout(() => resolveLate(null), milliseconds)))]);
  } finally {
    // A timer left running would keep the process alive long after the soak (a test file never ending).
    clearTimeout(timer);
  }
}

/**
 * Whether any process of a process group is alive. A killed process stays a zombie until whoever
 * adopted it reaps it (some init processes never do): it counts as gone.
 */
function groupAlive(groupId: number): boolean {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const [state, , group] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(group) === groupId && state !== 'Z') return true;
    } catch {
      // The process ended while the list was read.
    }
  }
  return false;
}

export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const log = options.log ?? (() => undefined);
  const workerCount = options.workers ?? 3;
  const pace = SOAK_PACES[options.sweep];
  const random = createRandom(options.seed, 'soak');
  const between = ([low, high]: [number, number]): number => (low + (high - low) * random.next()) * 1000;
  const root = mkdtempSync(join(tmpdir(), 'relu-ae-soak-'));
  const violations: string[] = [];
  const password = randomBytes(12).toString('hex');
  const clusters: Cluster[] = [];
  const newCluster = async (name: string): Promise<Cluster> => {
    mkdirSync(join(root, name, 'redis'), { recursive: true });
    const cluster = createCluster({
      redisDirectory: join(root, name, 'redis'), password, port: await freePort(), lockSeconds: pace.lockSeconds,
      sweep: options.sweep, cacheDirectory: join(root, name, 'cache'), stopFile: join(root, name, 'stop'),
    });
    clusters.push(cluster);
    await cluster.startRedis();
    await Promise.all(Array.from({ length: workerCount }, (_, slot) => cluster.startWorker(slot)));
    return cluster;
  };
  // Workers run in process groups of their own, which a Ctrl-C of the soak does not reach.
  const onSignal = (signal: NodeJS.Signals): void => {
    for (const cluster of clusters) cluster.killAll();
    rmSync(root, { recursive: true, force: true });
    process.stderr.write(`soak: ${signal}: stopped; every process it started is killed\n`);
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const cluster = await newCluster('soak');
    const started = Date.now();
    const elapsed = (): string => `[${String(Math.round((Date.now() - started) / 1000)).padStart(5)} s]`;
    const deadline = started + options.minutes * 60_000;
    const nextRound = (): number => Math.max(-1, ...cluster.rounds().map((line) => line.round)) + 1;
    let killingCoordinator = false;
    const watchCoordinator = async (): Promise<void> => {
      const coordinator = cluster.coordinator();
      if (killingCoordinator || coordinator === null || coordinator.running()) return;
      violations.push(`the coordinator exited on its own during the faults: ${coordinator.output().slice(-1500)}`);
      await cluster.startCoordinator(nextRound());
    };
    await cluster.startCoordinator(0);
    const faults = Object.fromEntries(FAULT_KINDS.map((kind) => [kind, 0])) as Record<FaultKind, number>;
    const sigterm = { finished: 0, stopped: 0, longestExitSeconds: 0 };
    const coordinatorSignals: Record<string, number> = {};
    let order: FaultKind[] = [];
    while (Date.now() < deadline) {
      const gapEnds = Math.min(deadline, Date.now() + between(pace.faultGapSeconds));
      while (Date.now() < gapEnds) {
        await sleep(Math.min(250, gapEnds - Date.now()));
        await watchCoordinator();
      }
      if (Date.now() >= deadline) break;
      // Kinds come in shuffled blocks of four: random, yet each as often as the others.
      if (order.length === 0) order = [...permutation(FAULT_KINDS.length, random)].map((index) => FAULT_KINDS[index]);
      const kind = order.shift() as FaultKind;
      faults[kind]++;
      const slot = random.nextInt(workerCount);
      if (kind === 'worker kill -9') {
        const worker = cluster.worker(slot);
        process.kill(-worker.pid, 'SIGKILL');
        await worker.exited;
        log(`${elapsed()} kill -9 of worker ${slot}'s process group`);
        await sleep(between([0, 1]));
        await cluster.startWorker(slot);
      } else if (kind === 'worker SIGTERM') {
        const worker = cluster.worker(slot);
        const sent = Date.now();
        process.kill(worker.pid, 'SIGTERM');
        const exit = await exitWithin(worker, 30_000);
        const seconds = ((exit?.at ?? Date.now()) - sent) / 1000;
        sigterm.longestExitSeconds = Math.max(sigterm.longestExitSeconds, seconds);
        if (exit?.code === 0) sigterm.finished++;
        else if (exit?.code === 4) sigterm.stopped++;
        else violations.push(`worker ${slot} ended with ${JSON.stringify(exit)} after one SIGTERM: ${worker.output().slice(-1000)}`);
        if (seconds > SIGTERM_EXIT_LIMIT_SECONDS) violations.push(`worker ${slot} took ${seconds.toFixed(1)} s to exit after one SIGTERM`);
        if (exit === null) process.kill(-worker.pid, 'SIGKILL');
        // A killed process takes a moment to go on a loaded machine.
        const gone = Date.now() + 5_000;
        while (groupAlive(worker.pid) && Date.now() < gone) await sleep(100);
        if (groupAlive(worker.pid)) violations.push(`worker ${slot}'s training process outlived it by 5 s after SIGTERM`);
        log(`${elapsed()} SIGTERM of worker ${slot}: exit ${exit?.code} after ${seconds.toFixed(1)} s`);
        await cluster.startWorker(slot);
      } else if (kind === 'Redis restart') {
        const signal = random.next() < 0.5 ? 'SIGKILL' : 'SIGTERM';
        await cluster.stopRedis(signal);
        const outage = between(pace.redisOutageSeconds);
        await sleep(outage);
        await cluster.startRedis();
        log(`${elapsed()} Redis restarted (${signal}, down ${(outage / 1000).toFixed(1)} s)`);
      } else {
        const signal = random.next() < 0.5 ? 'SIGKILL' : 'SIGINT';
        coordinatorSignals[signal] = (coordinatorSignals[signal] ?? 0) + 1;
        const coordinator = cluster.coordinator() as SoakProcess;
        killingCoordinator = true;
        process.kill(coordinator.pid, signal);
        const exit = await exitWithin(coordinator, 10_000);
        if (exit === null) {
          violations.push(`the coordinator did not stop within 10 s of ${signal}`);
          process.kill(coordinator.pid, 'SIGKILL');
          await coordinator.exited;
        }
        // Inside a sweep (its runs sent, its round not finished) it must say that they stay queued.
        const output = coordinator.output();
        const inSweep = output.lastIndexOf('run(s) go to') > output.lastIndexOf('{"round"');
        if (signal === 'SIGINT' && inSweep && !/SIGINT: stopping; the \d+ unfinished run\(s\) stay in/.test(output)) {
          violations.push(`the coordinator stopped by SIGINT did not say its runs stay queued: ${coordinator.output().slice(-1000)}`);
        }
        log(`${elapsed()} coordinator killed with ${signal} in round ${nextRound()}`);
        await sleep(between([0, 1]));
        await cluster.startCoordinator(nextRound());
        killingCoordinator = false;
      }
    }
    log(`${elapsed()} faults over; the coordinator finishes round ${nextRound()}`);
    writeFileSync(join(root, 'soak', 'stop'), '');
    const coordinator = cluster.coordinator() as SoakProcess;
    const last = await exitWithin(coordinator, 15 * 60_000);
    if (last?.code !== 0) violations.push(`the last coordinator ended with ${JSON.stringify(last)}: ${coordinator.output().slice(-1500)}`);
    const ended = last?.at ?? Date.now();
    const rounds = nextRound();
    const seenRounds = new Set(cluster.rounds().map((line) => line.round));
    for (let round = 0; round < rounds; round++) if (!seenRounds.has(round)) violations.push(`round ${round} was never reported finished`);
    for (let slot = 0; slot < workerCount; slot++) {
      const worker = cluster.worker(slot);
      process.kill(worker.pid, 'SIGTERM');
      const exit = await exitWithin(worker, 15_000);
      if (exit?.code !== 0) violations.push(`idle worker ${slot} ended with ${JSON.stringify(exit)} after SIGTERM`);
    }
    await cluster.stopRedis('SIGTERM');
    if (cluster.allOutput().includes(password)) violations.push('a process printed the Redis password');
    const events = runEvents(cluster.allWorkers().map((worker) => ({ pid: worker.pid, output: worker.output() })));
    const figures = runEventFigures(events, started, ended);
    for (const key of figures.startedAfterStored) violations.push(`run ${key} was started again after it had been stored`);
    const runsCompleted = rounds * soakRoundSize(options.sweep);
    const baselineRounds = Math.min(pace.baselineRounds, rounds);
    let faultFree: number | null = null;
    if (baselineRounds > 0) {
      log(`${elapsed()} the first ${baselineRounds} round(s) again, without faults, on a fresh queue`);
      const baseline = await newCluster('baseline');
      const baselineStart = Date.now();
      const baselineCoordinator = await baseline.startCoordinator(0, ['--rounds', String(baselineRounds)]);
      const baselineExit = await exitWithin(baselineCoordinator, 30 * 60_000);
      if (baselineExit?.code !== 0) throw new Error(`the fault-free run failed: ${baselineCoordinator.output().slice(-1500)}`);
      faultFree = (baselineRounds * soakRoundSize(options.sweep)) / ((baselineExit.at - baselineStart) / 1000);
      await baseline.cleanup();
    }
    // Last, as it measures no time: the machine may be busy with other work again by then.
    log(`${elapsed()} ${rounds} round(s), ${runsCompleted} runs; verifying them against local mode`);
    const verification = await verifyAgainstLocal(options.sweep, rounds, join(root, 'soak', 'cache'), join(root, 'local-cache'), options.verificationWorkers ?? 2);
    for (const key of verification.missing) violations.push(`run ${key} of a finished round is not in the coordinator's cache`);
    for (const key of verification.different) violations.push(`run ${key} differs from local mode's`);
    return {
      minutes: options.minutes, seed: options.seed, sweep: options.sweep, workers: workerCount,
      faults, sigterm, coordinatorSignals, rounds, runsCompleted,
      recomputedAfterKill: figures.recomputedAfterKill, longestStallSeconds: figures.longestStallSeconds,
      chaosSeconds: (ended - started) / 1000,
      throughput: { underFaults: runsCompleted / ((ended - started) / 1000), faultFree, baselineRounds },
      verification, violations,
    };
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    for (const cluster of clusters) await cluster.cleanup();
    rmSync(root, { recursive: true, force: true });
  }
}
