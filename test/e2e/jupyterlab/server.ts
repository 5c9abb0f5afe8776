/**
 * Starts and stops the Jupyter server behind the JupyterLab test page (server.py): Debian's
 * jupyter_server on a free port of 127.0.0.1 with a random token, serving one root folder, with its
 * own temporary Jupyter config, data (the notary's secret and trust database) and runtime folders,
 * so the user's Jupyter setup is never read or written. Kernels it starts inherit `environment`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { findProjectRoot } from '../../../scripts/kernel';
import { freePort, httpStatus, stopServer } from '../classicNotebook';

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

/**
 * Runs server.py with the parent-death signal set (Linux), so the server and its kernels also end
 * when the test process is killed outright. argv[1] is the expected parent pid.
 */
const LAUNCHER = `
import ctypes, os, signal, sys
try:
    ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
except (AttributeError, OSError):
    pass
if os.getppid() != int(sys.argv[1]):
    sys.exit('parent gone')
os.execv(sys.executable, [sys.executable] + sys.argv[2:])
`;

const delay = (milliseconds: number) => new Promise((done) => setTimeout(done, milliseconds));

/** The environment for the server: the caller's, the temporary Jupyter folders, and `extra`. */
export function labEnvironment(jupyterFolder: string, extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const environment: NodeJS.ProcessEnv = {
    ...process.env,
    JUPYTER_CONFIG_DIR: join(jupyterFolder, 'config'),
    JUPYTER_DATA_DIR: join(jupyterFolder, 'data'),
    JUPYTER_RUNTIME_DIR: join(jupyterFolder, 'runtime'),
    IPYTHONDIR: join(jupyterFolder, 'ipython'),
    PYTHONDONTWRITEBYTECODE: '1',
    ...extra,
  };
  delete environment.JUPYTER_CONFIG_PATH;
  for (const folder of ['config', 'data', 'runtime']) mkdirSync(join(jupyterFolder, folder), { recursive: true });
  return environment;
}

export async function startLabServer(options: LabServerOptions): Promise<LabServer> {
  const environment = labEnvironment(options.jupyterFolder, options.environment);
  const timeout = options.timeoutMilliseconds ?? 60_000;
  const token = randomBytes(24).toString('hex');
  const script = join(findProjectRoot(__dirname), 'test', 'e2e', 'jupyterlab', 'server.py');
  let lastError = '';
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const port = await freePort();
    const child: ChildProcess = spawn(
      LAB_PYTHON,
      [
        '-c', LAUNCHER, String(process.pid), script,
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
      { cwd: options.rootFolder, env: environment, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-20_000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    let exited = false;
    child.on('exit', () => (exited = true));
    child.on('error', (error) => {
      exited = true;
      output += `\n${error.message}`;
    });
    const origin = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + timeout;
    while (!exited && Date.now() < deadline) {
      if ((await httpStatus(`${origin}/api`)) === 200) {
        return { origin, token, environment, log: () => output, stop: () => stopServer(child) };
      }
      await delay(200);
    }
    const exitedByItself = exited;
    await stopServer(child);
    lastError = exitedByItself ? `the Jupyter server exited:\n${output}` : `the Jupyter server did not answer within ${timeout} ms:\n${output}`;
    // Another program took the port between freePort() and the server binding it: try a new one.
    if (!exitedByItself || !/address already in use|Errno 98/i.test(output)) break;
  }
  throw new Error(lastError);
}
