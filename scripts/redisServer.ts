/**
 * A private redis-server for the queue's tests and benchmark: on 127.0.0.1 at a free port, with a
 * password, in a folder of the caller's, the append-only file on (every write synced, so a kill
 * loses nothing). Started again on the same port and folder, it reloads what it held.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';

/** Options of startRedisServer. */
export interface RedisServerOptions {
  /** Where its append-only file lives. */
  directory: string;
  password: string;
  /** Default a free port. */
  port?: number;
  /** How long to wait for it to accept connections (milliseconds; default 20,000). */
  timeoutMilliseconds?: number;
}

export interface RedisServer {
  port: number;
  /** `redis://:password@127.0.0.1:port`: print it only through redactUrl. */
  url: string;
  process: ChildProcess;
  /** Everything it printed. */
  output(): string;
  /** Sends a signal and waits for it to exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** A port nothing listens on now. */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolvePort(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export async function startRedisServer(options: RedisServerOptions): Promise<RedisServer> {
  const port = options.port ?? (await freePort());
  const child = spawn('redis-server', [
    '--port', String(port), '--bind', '127.0.0.1', '--requirepass', options.password, '--dir', options.directory,
    '--appendonly', 'yes', '--appendfsync', 'always', '--save', '', '--daemonize', 'no', '--logfile', '',
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise<void>((resolveExit) => child.once('exit', () => resolveExit()));
  const ready = new Promise<void>((resolveReady, reject) => {
    const timer = setTimeout(() => reject(new Error(`redis-server on port ${port} did not start: ${output.slice(-1000)}`)), options.timeoutMilliseconds ?? 20_000);
    const check = (): void => {
      if (!/Ready to accept connections/.test(output)) return;
      clearTimeout(timer);
      resolveReady();
    };
    child.stdout.on('data', check);
    child.once('exit', () => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited: ${output.slice(-1000)}`));
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`redis-server could not start (${error.message}); install it: apt-get install redis-server`));
    });
  });
  try {
    await ready;
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    port,
    url: `redis://:${options.password}@127.0.0.1:${port}`,
    process: child,
    output: () => output,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}
