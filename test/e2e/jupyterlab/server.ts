/**
 * Starts and stops the Jupyter server behind the JupyterLab test page (server.py): Debian's
 * jupyter_server on a free port of 127.0.0.1 with a random token, serving one root folder, with its
 * own temporary Jupyter config, data (the notary's secret and trust database) and runtime folders,
 * so the user's Jupyter setup is never read or written. Kernels it starts inherit `environment`.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { findProjectRoot } from '../../../scripts/kernel';
import { jupyterEnvironment, startJupyterProcess, stopServer } from '../classicNotebook';

/** Debian's Python, which has jupyter_server and jupyterlab_server (not a python found earlier on PATH). */
export const LAB_PYTHON = process.env.RELU_AE_LAB_PYTHON ?? '/usr/bin/python3';

export interface LabServerOptions {
  /** The folder the server serves (notebooks are opened by their path under it). */
  rootFolder: string;
  /** The folder holding the bundled page (bundle.ts). */
  bundleFolder: string;
  /** The Jupyter folders (config, data, runtime) are made under this folder. */
  jupyterFolder: string;
  /** Variables added to the server's environment, and so to every kernel's. */
  environment: NodeJS.ProcessEnv;
  /** Limit for the server to answer. Default 60000 ms. */
  timeoutMilliseconds?: number;
}

export interface LabServer {
  origin: string;
  token: string;
  /** The server's environment (for `jupyter trust` with the same notary). */
  environment: NodeJS.ProcessEnv;
  /** The last 20,000 characters the server printed. */
  log(): string;
  stop(): Promise<void>;
}

export async function startLabServer(options: LabServerOptions): Promise<LabServer> {
  const environment = jupyterEnvironment(options.jupyterFolder, options.environment);
  const timeout = options.timeoutMilliseconds ?? 60_000;
  const token = randomBytes(24).toString('hex');
  const script = join(findProjectRoot(__dirname), 'test', 'e2e', 'jupyterlab', 'server.py');
  const running = await startJupyterProcess({
    python: LAB_PYTHON,
    arguments: (port) => [
      script,
      `--bundle-folder=${options.bundleFolder}`,
      '--no-browser',
      '--allow-root',
      '--ServerApp.ip=127.0.0.1',
      `--ServerApp.port=${port}`,
      // Another port would not be the one the page is opened on.
      '--ServerApp.port_retries=0',
      `--ServerApp.token=${token}`,
      '--ServerApp.password=',
      '--ServerApp.terminals_enabled=False',
      `--ServerApp.root_dir=${options.rootFolder}`,
    ],
    cwd: options.rootFolder,
    environment,
    timeoutMilliseconds: timeout,
    name: 'the Jupyter server',
  });
  return { origin: running.origin, token, environment, log: running.log, stop: () => stopServer(running.child) };
}
