/**
 * `npm run worker -- [--queue URL] [--processes N] [--lock-seconds S] [--grace-seconds S] [--check]`
 *
 * Serves experiment runs from the queue until stopped. The URL comes from --queue or, better (a
 * command line is visible to every user of the machine in `ps`), from RELU_AE_QUEUE. Processes
 * default to RELU_AE_WORKERS, else one per core.
 *
 * SIGTERM or Ctrl-C (one signal is enough, whatever state Redis is in): an idle worker exits at
 * once; runs in training finish and store their results while Redis answers, for up to
 * --grace-seconds (default 7); runs still unfinished then, or at once when Redis does not answer,
 * are stopped and go back to the queue (at once when Redis answers, else when their locks expire).
 * A second signal stops them at once. The exit code says which happened: WORKER_EXIT_CODES.
 *
 * --check: exits 0 when Redis can be used with these credentials and its version is one BullMQ
 * supports, printing the queue this checkout would serve and its waiting runs; 3 otherwise.
 */
import { commandSettings, positiveNumber, readFlags, runCommand, UsageError } from '../../commandLine';
import { QueueUnusableError } from './connection';
import { checkQueueReadiness } from './readiness';
import { redactedMessage, redactSecrets, redactUrl } from './redact';
import { QUEUE_WORKER_DEFAULTS, QueueWorker, QueueWorkerOptions, QueueWorkerStop, startQueueWorker } from './worker';

const USAGE = 'usage: npm run worker -- [--queue redis://[:password@]host:port] [--processes N] [--lock-seconds S] [--grace-seconds S] [--check]  (the URL better in RELU_AE_QUEUE)';

/** What the worker's exit code says. */
export const WORKER_EXIT_CODES = {
  /** Stopped by a signal with nothing left unfinished: idle, or every run in training finished and was stored. */
  stopped: 0,
  /** An unexpected error (a bug): its stack trace is printed. */
  bug: 1,
  /** A mistake on the command line or in a RELU_AE_* setting. */
  usage: 2,
  /** The queue cannot be used: Redis unreachable, refusing the credentials, or older than BullMQ supports (--check, or at start). */
  queueUnusable: 3,
  /** Stopped by a signal with runs unfinished: they were stopped and go back to the queue (at once, or when their locks expire). */
  runsStopped: 4,
} as const;

/** The worker's command line and settings. */
export interface WorkerArguments extends Omit<QueueWorkerOptions, 'log'> {
  /** How long a signal lets the runs in training finish (milliseconds). */
  graceMilliseconds: number;
  /** Only check readiness, then exit. */
  check: boolean;
}

/** The worker's options from its command line and the environment's settings; a mistake is a UsageError. */
export function parseWorkerArguments(argv: ReadonlyArray<string>, environment: NodeJS.ProcessEnv = process.env): WorkerArguments {
  const settings = commandSettings(USAGE, environment);
  const flags = readFlags(argv, { '--queue': 'value', '--processes': 'value', '--lock-seconds': 'value', '--grace-seconds': 'value', '--check': 'switch' }, USAGE);
  let url = settings.queue;
  const queueFlag = flags.get('--queue');
  if (queueFlag !== undefined) url = commandSettings(USAGE, { RELU_AE_QUEUE: queueFlag }).queue;
  if (url === undefined) throw new UsageError('no queue: give --queue or set RELU_AE_QUEUE', USAGE);
  const number = (flag: string, whole = false): number | undefined => {
    const text = flags.get(flag);
    return text === undefined ? undefined : positiveNumber(flag, text, USAGE, whole);
  };
  const processes = number('--processes', true) ?? settings.workers;
  const lockMilliseconds = (number('--lock-seconds') ?? QUEUE_WORKER_DEFAULTS.lockMilliseconds / 1000) * 1000;
  const graceMilliseconds = (number('--grace-seconds') ?? QUEUE_WORKER_DEFAULTS.graceMilliseconds / 1000) * 1000;
  return {
    url,
    processes: processes === 0 ? undefined : processes,
    lockMilliseconds,
    // Workers look for dead workers' jobs a little more often than locks expire, so a run is handed out again soon after.
    stalledCheckMilliseconds: Math.max(500, Math.round(lockMilliseconds / 2)),
    graceMilliseconds,
    check: flags.has('--check'),
  };
}

const log = (line: string): void => {
  process.stdout.write(`${new Date().toISOString()} ${redactSecrets(line)}\n`);
};

/** --check: prints what it found; resolves to the exit code. */
async function check(url: string): Promise<number> {
  try {
    const readiness = await checkQueueReadiness(url);
    const { server, counts } = readiness;
    process.stdout.write(redactSecrets(
      `ready: Redis ${server.redisVersion} at ${redactUrl(url)}\n` +
      `queue ${readiness.queueName} (code version ${readiness.codeVersion}, engine ${readiness.engine}): ${counts.waiting} waiting, ${counts.active} in training, ${counts.delayed} delayed, ${counts.failed} failed\n` +
      readiness.warnings.map((warning) => `warning: ${warning}\n`).join(''),
    ));
    return WORKER_EXIT_CODES.stopped;
  } catch (error) {
    if (!(error instanceof QueueUnusableError)) throw error;
    process.stdout.write(`not ready: ${redactedMessage(error)}\n`);
    return WORKER_EXIT_CODES.queueUnusable;
  }
}

/** The log line of a finished stop, and the exit code it means. */
export function describeStop(outcome: QueueWorkerStop, lockSeconds: number): { line: string; exitCode: number } {
  if (outcome.unfinished === 0) {
    const finished = outcome.inTraining > 0 ? `; the ${outcome.inTraining} run(s) in training finished and their results are stored` : '';
    return { line: `stopped${finished}`, exitCode: WORKER_EXIT_CODES.stopped };
  }
  const why = { grace: 'the grace period ran out', unreachable: 'Redis did not answer', now: 'asked to stop at once', lock: 'Redis refused an update of a run' }[outcome.reason ?? 'now'];
  const later = outcome.unfinished - outcome.released;
  const back = [
    outcome.released > 0 ? `${outcome.released} went back to the queue at once` : '',
    later > 0 ? `${later} go(es) back when its lock expires (within ${lockSeconds} s)` : '',
  ].filter(Boolean).join('; ');
  return { line: `stopped with ${outcome.unfinished} run(s) unfinished (${why}); ${back}`, exitCode: WORKER_EXIT_CODES.runsStopped };
}

async function main(): Promise<number> {
  const options = parseWorkerArguments(process.argv.slice(2));
  if (options.check) return check(options.url);
  let worker: QueueWorker | null = null;
  let stopping = false;
  const lockSeconds = (options.lockMilliseconds ?? QUEUE_WORKER_DEFAULTS.lockMilliseconds) / 1000;
  const finish = (outcome: QueueWorkerStop): never => {
    const { line, exitCode } = describeStop(outcome, lockSeconds);
    log(line);
    // At once: the killed training processes must not be reported to Redis as failed attempts.
    process.exit(exitCode);
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    if (worker === null) {
      log(`${signal} before serving: exiting`);
      process.exit(WORKER_EXIT_CODES.stopped);
    }
    const running = worker;
    if (stopping) {
      log(`${signal} again: stopping the runs in training now`);
      void running.stop({ now: true }).then(finish);
      return;
    }
    stopping = true;
    const inTraining = running.inTraining();
    log(inTraining === 0
      ? `${signal}: no run in training; exiting`
      : `${signal}: letting the ${inTraining} run(s) in training finish for up to ${options.graceMilliseconds / 1000} s while Redis answers, then exiting (send it again to stop them at once)`);
    void running.stop({ graceMilliseconds: options.graceMilliseconds }).then(finish);
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  try {
    worker = await startQueueWorker({ ...options, log });
  } catch (error) {
    if (!(error instanceof QueueUnusableError)) throw error;
    process.stderr.write(`worker: ${redactedMessage(error)}\n`);
    return WORKER_EXIT_CODES.queueUnusable;
  }
  log(`worker ${worker.name}: ${worker.processes} training process(es) serving ${worker.queueName} (code version ${worker.codeVersion}, engine ${worker.engine}) at ${redactUrl(options.url)}`);
  // Serves until a signal ends the process.
  return new Promise<number>(() => undefined);
}

if (require.main === module) runCommand('worker', main);
