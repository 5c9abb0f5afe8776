/**
 * One notebook through nbconvert on the project's tslab kernel, as a supervised child process
 * (supervise.ts): parameters injected after the notebook's `parameters` cell, a failing cell
 * reported with its source and the kernel's real error text, the page finished (pages.ts) and
 * checked offline.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { ENVIRONMENT_VARIABLES } from '../../src/lib/settings';
import { ensureKernel, jupyterPython } from '../kernel';
import { findExternalReferences, finishPage } from './pages';

export interface CellFailure {
  cellIndex: number;
  source: string;
  errorText: string;
}

export interface NotebookExport {
  notebookPath: string;
  outputPath: string;
  wallSeconds: number;
  /** Set when a cell failed; nothing is written to outputPath then. */
  failure?: CellFailure;
  /** Set when nbconvert failed for another reason, or the page loads something from outside. */
  problem?: string;
}

export interface ExportOptions {
  projectRoot: string;
  notebookPath: string;
  outputPath: string;
  /** Values for the notebook's parameters cell (papermill's convention), e.g. { profile: 'quick' }. */
  parameters: Record<string, string | number | boolean>;
  /** Extra environment for the kernel (the report folder, the build info file). */
  environment: NodeJS.ProcessEnv;
  /** Where this build keeps its own files (the failure and progress files). */
  workFolder: string;
  /** Leave code cells out of the page (the index: readers want the table, not the calls). */
  hideInput?: boolean;
  /** Called with each new progress line the notebook's experiments write. */
  onProgress?: (line: string) => void;
}

/** A cell failure for which the kernel sent no text at all (see the retry in report.ts). */
export function isSilentKernelFailure(result: NotebookExport): boolean {
  return result.failure !== undefined && result.failure.errorText.trim() === '';
}

function runSupervised(command: string, args: string[], environment: NodeJS.ProcessEnv): Promise<{ exitCode: number; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    const supervisor = join(__dirname, 'supervise.js');
    // stdout is unused by nbconvert here; stderr is kept to explain failures that are not a cell's.
    const child = spawn(process.execPath, [supervisor, String(process.pid), command, ...args], { env: environment, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-100_000);
    });
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ exitCode: code ?? 1, stderr }));
  });
}

/** Executes one notebook on the tslab kernel (cwd: the notebook's folder) and writes its finished page. */
export async function exportNotebook(options: ExportOptions): Promise<NotebookExport> {
  const { projectRoot, notebookPath, outputPath } = options;
  const jupyterPath = ensureKernel(projectRoot);
  const templateRoot = join(projectRoot, 'report-template');
  const name = basename(notebookPath, '.ipynb');
  const failureFile = join(options.workFolder, `${name}.failure.json`);
  const progressFile = join(options.workFolder, `${name}.progress.txt`);
  const rawPage = join(options.workFolder, `${name}.nbconvert.html`);
  mkdirSync(options.workFolder, { recursive: true });
  mkdirSync(dirname(outputPath), { recursive: true });
  rmSync(failureFile, { force: true });
  const started = process.hrtime.bigint();
  let lastProgress = '';
  const poller = setInterval(() => {
    const line = existsSync(progressFile) ? readFileSync(progressFile, 'utf8').trim() : '';
    if (line && line !== lastProgress) {
      lastProgress = line;
      options.onProgress?.(line);
    }
  }, 2000);
  const result = await runSupervised(
    jupyterPython(),
    [
      '-m', 'nbconvert',
      '--config', join(templateRoot, 'execute_config.py'),
      '--to', 'html',
      `--TemplateExporter.extra_template_basedirs=${templateRoot}`,
      '--template', 'report',
      ...(options.hideInput ? ['--no-input'] : []),
      '--output-dir', options.workFolder,
      '--output', basename(rawPage, '.html'),
      notebookPath,
    ],
    {
      ...process.env,
      ...options.environment,
      JUPYTER_PATH: [jupyterPath, process.env.JUPYTER_PATH].filter(Boolean).join(':'),
      JUPYTER_RUNTIME_DIR: join(projectRoot, '.jupyter-local', 'runtime'),
      RELU_AE_REPORT_FAILURE_FILE: failureFile,
      RELU_AE_REPORT_PARAMETERS: JSON.stringify(options.parameters),
      [ENVIRONMENT_VARIABLES.progressFile]: progressFile,
    },
  );
  clearInterval(poller);
  rmSync(progressFile, { force: true });
  const wallSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  const base = { notebookPath, outputPath, wallSeconds };
  if (existsSync(failureFile)) {
    const failure = JSON.parse(readFileSync(failureFile, 'utf8')) as CellFailure;
    rmSync(failureFile, { force: true });
    rmSync(rawPage, { force: true });
    return { ...base, failure };
  }
  if (result.exitCode !== 0 || !existsSync(rawPage)) {
    return { ...base, problem: `nbconvert exited with ${result.exitCode}:\n${result.stderr.slice(-4000)}` };
  }
  const page = finishPage(readFileSync(rawPage, 'utf8'));
  rmSync(rawPage, { force: true });
  const external = findExternalReferences(page);
  if (external.length > 0) return { ...base, problem: `${outputPath} loads from outside the report: ${[...new Set(external)].join(', ')}` };
  writeFileSync(outputPath, page);
  return base;
}

/** The message for a failed notebook: which cell, its source and the kernel's real error text. */
export function describeFailure(result: NotebookExport): string {
  if (result.failure) {
    const { cellIndex, source, errorText } = result.failure;
    return [
      `${result.notebookPath}: cell ${cellIndex} failed.`,
      '--- cell source ---',
      source,
      '--- error ---',
      errorText || '(the kernel sent no error text)',
    ].join('\n');
  }
  return `${result.notebookPath}: ${result.problem ?? 'failed'}`;
}
