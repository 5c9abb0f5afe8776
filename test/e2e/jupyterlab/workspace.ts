/**
 * A temporary folder laid out like the project, for a Jupyter server to serve: copies of the
 * notebooks (so running and saving them never touches the checkout) beside links to the project's
 * dist/, node_modules/ and package.json (so `import ... from "../dist/lib"` and `"tslab"` resolve as
 * in the checkout, and the server serves the plotly bundle under /files/node_modules/…), and
 * folders for the result cache, the notebooks' records and Jupyter's own files.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localJupyterPath } from '../../../scripts/kernel';

export interface LabWorkspace {
  /** The server's root folder. */
  root: string;
  /** Notebook paths relative to root, index notebook last (it gathers the other notebooks' records). */
  notebooks: string[];
  /** RELU_AE_* variables and JUPYTER_PATH for the server and its kernels. */
  environment: NodeJS.ProcessEnv;
  /** A folder for the Jupyter config, data and runtime folders of one server. */
  jupyterFolder(name: string): string;
  remove(): void;
}

/** The index notebook, which reads the other notebooks' records and so runs after them. */
const INDEX_NOTEBOOK = '00-index.ipynb';

export function notebookOrder(names: string[]): string[] {
  const sorted = names.filter((name) => name.endsWith('.ipynb')).sort();
  return [...sorted.filter((name) => name !== INDEX_NOTEBOOK), ...sorted.filter((name) => name === INDEX_NOTEBOOK)];
}

/**
 * `only`: notebook names (without .ipynb) to copy, for a quicker run while working on one
 * (RELU_AE_LAB_NOTEBOOKS=01-output-activation,08-robustness); default every notebook.
 */
export function createLabWorkspace(projectRoot: string, profile: string, only: string[] = []): LabWorkspace {
  const work = mkdtempSync(join(tmpdir(), 'relu-ae-jupyterlab-'));
  const root = join(work, 'project');
  mkdirSync(join(root, 'notebooks'), { recursive: true });
  const names = notebookOrder(readdirSync(join(projectRoot, 'notebooks')))
    .filter((name) => only.length === 0 || only.includes(name.replace(/\.ipynb$/, '')));
  for (const name of names) copyFileSync(join(projectRoot, 'notebooks', name), join(root, 'notebooks', name));
  for (const linked of ['dist', 'node_modules', 'package.json']) symlinkSync(join(projectRoot, linked), join(root, linked));
  return {
    root,
    notebooks: names.map((name) => `notebooks/${name}`),
    environment: {
      JUPYTER_PATH: localJupyterPath(projectRoot),
      RELU_AE_PROFILE: profile,
      RELU_AE_CACHE_DIR: join(work, 'cache'),
      RELU_AE_REPORTS_DIR: join(work, 'reports'),
    },
    jupyterFolder: (name) => join(work, 'jupyter', name),
    remove: () => rmSync(work, { recursive: true, force: true }),
  };
}
