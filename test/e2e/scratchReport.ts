/**
 * Report builds of a few real notebooks in a scratch folder under test-output/ (two levels below the
 * project, as the fixtures are, so that the notebooks' `../dist` imports resolve there), with a cache
 * of their own: what the run-store and edited-study tests build.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { findProjectRoot } from '../../scripts/kernel';

export const PROJECT_ROOT = findProjectRoot(__dirname);
const REPORT_SCRIPT = join(PROJECT_ROOT, 'build', 'scripts', 'report.js');

export interface Build {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Copies notebooks of notebooks/ into `folder`, with their imports one level deeper, each passed through `edit`. */
export function copyNotebooks(folder: string, names: string[], edit: (name: string, text: string) => string = (_, text) => text): void {
  mkdirSync(folder, { recursive: true });
  for (const name of names) {
    const text = readFileSync(join(PROJECT_ROOT, 'notebooks', name), 'utf8').split('\\"../dist/').join('\\"../../dist/');
    writeFileSync(join(folder, name), edit(name, text));
  }
}

/** Runs the report script (quick profile) on the notebooks of `notebooks` into `output`, with its own cache. */
export function buildReport(notebooks: string, output: string, cache: string, ...args: string[]): Promise<Build> {
  const { NODE_TEST_CONTEXT: _testContext, ...inherited } = process.env;
  return promisify(execFile)(process.execPath, [REPORT_SCRIPT, '--profile', 'quick', '--notebooks', notebooks, '--reports', output, ...args], {
    cwd: PROJECT_ROOT, maxBuffer: 20_000_000, env: { ...inherited, RELU_AE_CACHE_DIR: cache },
  }).then(
    ({ stdout, stderr }) => ({ exitCode: 0, stdout, stderr }),
    (error: { code?: number; stdout?: string; stderr?: string }) => ({ exitCode: error.code ?? 1, stdout: error.stdout ?? '', stderr: error.stderr ?? '' }),
  );
}
