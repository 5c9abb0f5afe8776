/**
 * The project-local tslab kernelspec that `npm run report` and the e2e tests execute notebooks on.
 *
 * It lives in .jupyter-local/ (gitignored) and is found through JUPYTER_PATH, so nothing is
 * installed into the user's or the system's Jupyter. Run directly (`node build/scripts/kernel.js`)
 * it reinstalls the kernelspec; `npm run kernel:install` does the same without compiling.
 */
import { execFileSync } from 'node:child_process';
import { findProjectRoot } from '../src/lib/paths';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The Python that Jupyter runs on here: Debian's, which has nbconvert and nbclient. */
export const DEFAULT_JUPYTER_PYTHON = '/usr/bin/python3';

/** Folder (relative to the project root) that holds the kernelspec, as a Jupyter prefix. */
export const LOCAL_JUPYTER_PREFIX = '.jupyter-local';

export { findProjectRoot } from '../src/lib/paths';

/** The Python to run Jupyter with: RELU_AE_PYTHON if set, else Debian's, else whatever is on PATH. */
export function jupyterPython(environment: NodeJS.ProcessEnv = process.env): string {
  if (environment.RELU_AE_PYTHON) return environment.RELU_AE_PYTHON;
  return existsSync(DEFAULT_JUPYTER_PYTHON) ? DEFAULT_JUPYTER_PYTHON : 'python3';
}

/** The folder to put first on JUPYTER_PATH so Jupyter finds the project's kernelspec. */
export function localJupyterPath(projectRoot: string): string {
  return join(projectRoot, LOCAL_JUPYTER_PREFIX, 'share', 'jupyter');
}

function kernelSpecPath(projectRoot: string): string {
  return join(localJupyterPath(projectRoot), 'kernels', 'tslab', 'kernel.json');
}

/**
 * True when the kernelspec exists and points at this checkout's tslab binary. A kernelspec copied
 * along with a moved project would start a tslab that may no longer exist, so it counts as missing.
 */
export function kernelIsInstalled(projectRoot: string): boolean {
  const specPath = kernelSpecPath(projectRoot);
  if (!existsSync(specPath)) return false;
  const spec = JSON.parse(readFileSync(specPath, 'utf8')) as { argv?: string[] };
  const binary = spec.argv?.[0];
  return binary === tslabBinary(projectRoot) && existsSync(binary);
}

function tslabBinary(projectRoot: string): string {
  return join(projectRoot, 'node_modules', '.bin', 'tslab');
}

/** Writes the tslab (and jslab) kernelspecs into .jupyter-local/. */
export function installKernel(projectRoot: string, environment: NodeJS.ProcessEnv = process.env): void {
  const binary = tslabBinary(projectRoot);
  if (!existsSync(binary)) throw new Error(`tslab is not installed (${binary} is missing): run npm install`);
  execFileSync(
    binary,
    ['install', `--python=${jupyterPython(environment)}`, `--binary=${binary}`, '--prefix', LOCAL_JUPYTER_PREFIX],
    { cwd: projectRoot, stdio: ['ignore', 'ignore', 'inherit'] },
  );
}

/** Installs the kernelspec if it is missing or stale; returns the folder for JUPYTER_PATH. */
export function ensureKernel(projectRoot: string): string {
  if (!kernelIsInstalled(projectRoot)) installKernel(projectRoot);
  return localJupyterPath(projectRoot);
}

if (require.main === module) {
  const projectRoot = findProjectRoot();
  installKernel(projectRoot);
  console.log(`tslab kernelspec installed in ${localJupyterPath(projectRoot)}`);
}
