/**
 * The processes of a soak on this machine: a redis-server with the append-only file on (a fixed
 * port and folder, so that it can be restarted), worker processes in slots (each in a process group
 * of its own, so that kill -9 of the group takes its training process too), and one coordinator.
 * Every line they print is kept with its arrival time; `cleanup` kills whatever is still running.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { RedisServer, startRedisServer } from '../redisServer';
import { RoundLine } from './coordinator';

const WORKER_MAIN = resolve(__dirname, '../../src/lib/experiment/queue/workerMain.js');
const COORDINATOR = resolve(__dirname, 'coordinator.js');

/** How long a worker or coordinator may take to start serving (a loaded machine, an engine to load). */
const START_TIMEOUT_MILLISECONDS = 90_000;

/** A process of the soak and what it printed. */
export interface SoakProcess {
  pid: number;
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
  running(): boolean;
}

export interface Cluster {
  url: string;
  startRedis(): Promise<void>;
  stopRedis(signal: NodeJS.Signals): Promise<void>;
  /** Starts the worker of a slot (replacing none: its previous process must have exited); resolves once it serves. */
  startWorker(slot: number): Promise<SoakProcess>;
  worker(slot: number): SoakProcess;
  /** Every worker process ever started, in order. */
  allWorkers(): SoakProcess[];
  /** Starts the coordinator at `round`; resolves once it is running a round or has finished. */
  startCoordinator(round: number, extra?: string[]): Promise<SoakProcess>;
  coordinator(): SoakProcess | null;
  /** Every round line any coordinator printed. */
  rounds(): RoundLine[];
  allOutput(): string;
  /** Kills every process still running, at once (for a signal handler). */
  killAll(): void;
  cleanup(): Promise<void>;
}

function track(child: ChildProcess, onLine?: (line: string) => void): SoakProcess {
  let output = '';
  let partial = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk;
    partial += chunk;
    const lines = partial.split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) onLine?.(line);
  });
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolveExit) =>
    child.once('exit', (code, signal) => resolveExit({ code, signal, at: Date.now() })));
  return { pid: child.pid as number, output: () => output, exited, running: () => child.exitCode === null && child.signalCode === null };
}

async function waitUntil(what: string, condition: () => boolean, timeoutMilliseconds: number): Promise<void> {
  const deadline = Date.now() + timeoutMilliseconds;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolveWait) => setTimeout(resolveWait, 50));
  }
}

export function createCluster(options: { redisDirectory: string; password: string; port: number; lockSeconds: number; sweep: string; cacheDirectory: string; stopFile: string }): Cluster {
  const url = `redis://:${options.password}@127.0.0.1:${options.port}`;
  let redis: RedisServer | null = null;
  const workers = new Map<number, SoakProcess>();
  const everyWorker: SoakProcess[] = [];
  const everyProcess: { child: ChildProcess; group: boolean }[] = [];
  let coordinator: SoakProcess | null = null;
  const rounds: RoundLine[] = [];
  const outputs: (() => string)[] = [];

  return {
    url,
    async startRedis() {
      redis = await startRedisServer({ directory: options.redisDirectory, password: options.password, port: options.port });
      everyProcess.push({ child: redis.process, group: false });
    },
    async stopRedis(signal) {
      const server = redis;
      redis = null;
      await server?.stop(signal);
    },
    async startWorker(slot) {
      const child = spawn(process.execPath, [WORKER_MAIN, '--processes', '1', '--lock-seconds', String(options.lockSeconds)], {
        env: { ...process.env, RELU_AE_QUEUE: url, RELU_AE_WORKERS: '' },
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      });
      everyProcess.push({ child, group: true });
      const worker = track(child);
      outputs.push(worker.output);
      workers.set(slot, worker);
      everyWorker.push(worker);
      await waitUntil(`worker ${slot} to serve`, () => / serving /.test(worker.output()) || !worker.running(), START_TIMEOUT_MILLISECONDS);
      if (!worker.running()) throw new Error(`worker ${slot} exited at its start: ${worker.output().slice(-2000)}`);
      return worker;
    },
    worker(slot) {
      const worker = workers.get(slot);
      if (!worker) throw new Error(`no worker in slot ${slot}`);
      return worker;
    },
    allWorkers: () => [...everyWorker],
    async startCoordinator(round, extra = []) {
      const child = spawn(process.execPath, [COORDINATOR, '--sweep', options.sweep, '--round', String(round), '--cache', options.cacheDirectory, '--stop-file', options.stopFile, ...extra], {
        env: { ...process.env, RELU_AE_QUEUE: url },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      everyProcess.push({ child, group: false });
      const started = track(child, (line) => {
        if (line.startsWith('{')) rounds.push(JSON.parse(line) as RoundLine);
      });
      outputs.push(started.output);
      coordinator = started;
      await waitUntil('the coordinator to start a round', () => /run\(s\) go to|"round"/.test(started.output()) || !started.running(), START_TIMEOUT_MILLISECONDS);
      return started;
    },
    coordinator: () => coordinator,
    rounds: () => [...rounds],
    allOutput: () => outputs.map((output) => output()).join('\n'),
    killAll() {
      for (const { child, group } of everyProcess) {
        // A worker's group may outlive the worker for a moment (a training process seeing it gone).
        if (!group && (child.exitCode !== null || child.signalCode !== null)) continue;
        try {
          process.kill(group ? -(child.pid as number) : (child.pid as number), 'SIGKILL');
        } catch {
          // Already gone.
        }
      }
    },
    async cleanup() {
      const running = everyProcess.filter(({ child }) => child.exitCode === null && child.signalCode === null);
      this.killAll();
      await Promise.all(running.map(({ child }) => new Promise((done) => (child.exitCode === null && child.signalCode === null ? child.once('exit', done) : done(null)))));
    },
  };
}
