/**
 * `npm run worker -- [--queue redis://[:password@]host:port] [--processes N] [--lock-seconds S]`
 *
 * Serves experiment runs from the queue until stopped. The URL comes from --queue or, better (a
 * command line is visible to every user of the machine in `ps`), from RELU_AE_QUEUE. Processes
 * default to RELU_AE_WORKERS, else one per core.
 *
 * SIGTERM or Ctrl-C: stops taking jobs, lets the runs in training finish and store their results,
 * then exits. A second signal exits at once; the runs it held go back to the queue when their locks
 * expire (--lock-seconds, default 30).
 */
import { readSettings } from '../../settings';
import { redactedMessage, redactSecrets, redactUrl } from './redact';
import { QUEUE_WORKER_DEFAULTS, QueueWorkerOptions, startQueueWorker } from './worker';

const USAGE = 'usage: npm run worker -- --queue redis://[:password@]host:port [--processes N] [--lock-seconds S]';

/** The worker's options from its command line and the environment's settings. */
export function parseWorkerArguments(argv: ReadonlyArray<string>, environment: NodeJS.ProcessEnv = process.env): Omit<QueueWorkerOptions, 'log'> {
  const settings = readSettings(environment);
  let url = settings.queue;
  let processes = settings.workers;
  let lockMilliseconds: number | undefined;
  for (let index = 0; index < argv.length; index++) {
    const [flag, inlineValue] = argv[index].split(/=(.*)/s, 2);
    const value = (): string => {
      const next = inlineValue ?? argv[++index];
      if (next === undefined) throw new Error(`${flag} needs a value; ${USAGE}`);
      return next;
    };
    const positive = (text: string): number => {
      if (!/^\d+(\.\d+)?$/.test(text) || Number(text) <= 0) throw new Error(`${flag} must be a positive number, got ${JSON.stringify(redactSecrets(text))}`);
      return Number(text);
    };
    if (flag === '--queue') {
      url = readSettings({ RELU_AE_QUEUE: value() }).queue;
    } else if (flag === '--processes') {
      processes = positive(value());
      if (!Number.isInteger(processes)) throw new Error(`--processes must be a whole number, got ${processes}`);
    } else if (flag === '--lock-seconds') {
      lockMilliseconds = positive(value()) * 1000;
    } else {
      throw new Error(`unknown argument ${JSON.stringify(redactSecrets(argv[index]))}; ${USAGE}`);
    }
  }
  if (url === undefined) throw new Error(`no queue: give --queue or set RELU_AE_QUEUE; ${USAGE}`);
  // Workers look for dead workers' jobs a little more often than locks expire, so a run is handed out again soon after.
  const lock = lockMilliseconds ?? QUEUE_WORKER_DEFAULTS.lockMilliseconds;
  return { url, processes: processes === 0 ? undefined : processes, lockMilliseconds: lock, stalledCheckMilliseconds: Math.max(500, Math.round(lock / 2)) };
}

async function main(): Promise<void> {
  const log = (line: string): void => {
    process.stdout.write(`${new Date().toISOString()} ${redactSecrets(line)}\n`);
  };
  const options = parseWorkerArguments(process.argv.slice(2));
  const worker = await startQueueWorker({ ...options, log });
  log(`worker ${worker.name}: ${worker.processes} training process(es) serving ${worker.queueName} (code version ${worker.codeVersion}, engine ${worker.engine}) at ${redactUrl(options.url)}`);
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) {
      log(`${signal} again: exiting now; the runs in training go back to the queue when their locks expire`);
      process.exit(1);
    }
    stopping = true;
    log(`${signal}: finishing the runs in training, then exiting (send it again to exit at once)`);
    worker.close().then(
      () => {
        log('stopped');
        process.exit(0);
      },
      (error) => {
        log(`stopping failed: ${redactedMessage(error)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

if (require.main === module) {
  main().catch((error) => {
    process.stderr.write(`worker: ${redactedMessage(error)}\n`);
    process.exit(1);
  });
}
