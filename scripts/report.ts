/**
 * `npm run report -- [--profile quick|default|full] [--only NAME] [--notebooks DIR] [--reports DIR] [--publish]`
 *
 *   notebooks/*.ipynb (name order, 00-index last) ──nbconvert --execute on tslab──▶ out/report/NAME.html
 *                                        (reports/NAME.html, the committed evidence, only with --profile full --publish)
 *   every page ──findExternalReferences──▶ fail if anything would load from the network or file://
 *   no 00-index notebook ──indexHtml──▶ reports/index.html with a link per notebook
 *
 * The profile reaches the notebooks as the environment variable RELU_AE_PROFILE. Executed
 * notebooks are never written back to notebooks/: the HTML pages are the record of a run.
 */
import { SCRATCH_REPORT_FOLDER } from '../src/lib/claims';
import { escapeHtml } from '../src/lib/display';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative, resolve } from 'node:path';
import { ensureKernel, findProjectRoot, jupyterPython } from './kernel';

export const PROFILES = ['quick', 'default', 'full'] as const;
export type Profile = (typeof PROFILES)[number];

/** The committed report: evidence, replaced only by a full-profile build with --publish. */
export const PUBLISHED_REPORT_FOLDER = 'reports';

/** The notebook that summarizes the others; it runs last and becomes reports/index.html. */
export const INDEX_NOTEBOOK = '00-index.ipynb';

export interface ReportArguments {
  profile: Profile;
  /** One notebook to run (with or without .ipynb), or undefined for all. */
  only?: string;
  /** Where the notebooks are. Default notebooks/; the e2e tests point it at test/fixtures/. */
  notebookFolder?: string;
  /** Where the pages go. Default out/report/ (scratch); reports/ only with `publish`. */
  reportFolder?: string;
  /** Replace the committed evidence in reports/; allowed only with the full profile. */
  publish?: boolean;
}

/** Parses the command line after `node report.js`; throws on anything it does not know. */
export function parseReportArguments(argv: ReadonlyArray<string>): ReportArguments {
  const parsed: ReportArguments = { profile: 'default' };
  for (let index = 0; index < argv.length; index++) {
    const [flag, inlineValue] = argv[index].split(/=(.*)/s, 2);
    const value = (): string => {
      const next = inlineValue ?? argv[++index];
      if (next === undefined) throw new Error(`${flag} needs a value`);
      return next;
    };
    if (flag === '--profile') {
      const profile = value();
      if (!(PROFILES as ReadonlyArray<string>).includes(profile)) {
        throw new Error(`--profile must be one of ${PROFILES.join(', ')}, not "${profile}"`);
      }
      parsed.profile = profile as Profile;
    } else if (flag === '--only') {
      parsed.only = value();
    } else if (flag === '--notebooks') {
      parsed.notebookFolder = value();
    } else if (flag === '--reports') {
      parsed.reportFolder = value();
    } else if (flag === '--publish' && inlineValue === undefined) {
      parsed.publish = true;
    } else {
      throw new Error(
        `Unknown argument "${argv[index]}"; use --profile quick|default|full, --only NAME, --notebooks DIR, --reports DIR, --publish`,
      );
    }
  }
  if (parsed.publish && parsed.profile !== 'full') {
    throw new Error(`--publish replaces the committed evidence in reports/, which is built with --profile full, not ${parsed.profile}`);
  }
  if (parsed.publish && parsed.reportFolder !== undefined) {
    throw new Error('--publish writes reports/; leave out --reports');
  }
  return parsed;
}

/** The notebooks to run, in order: by name, with 00-index.ipynb moved to the end. */
export function notebookOrder(fileNames: ReadonlyArray<string>, only?: string): string[] {
  const notebooks = fileNames.filter((name) => name.endsWith('.ipynb')).sort();
  const ordered = [...notebooks.filter((name) => name !== INDEX_NOTEBOOK), ...notebooks.filter((name) => name === INDEX_NOTEBOOK)];
  if (only === undefined) return ordered;
  const wanted = only.endsWith('.ipynb') ? only : `${only}.ipynb`;
  if (!ordered.includes(wanted)) throw new Error(`No notebook ${wanted}; there are: ${ordered.join(', ')}`);
  return [wanted];
}

/** The HTML page a notebook becomes. */
export function reportFileName(notebookFileName: string): string {
  return notebookFileName === INDEX_NOTEBOOK ? 'index.html' : notebookFileName.replace(/\.ipynb$/, '.html');
}

interface NotebookJson {
  cells?: Array<{ cell_type?: string; source?: string | string[]; outputs?: unknown[] }>;
}

function cellSource(source: string | string[] | undefined): string {
  return Array.isArray(source) ? source.join('') : source ?? '';
}

/** The text of the notebook's first markdown heading, or undefined when it has none. */
export function notebookTitle(notebook: NotebookJson): string | undefined {
  for (const cell of notebook.cells ?? []) {
    if (cell.cell_type !== 'markdown') continue;
    const heading = /^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$/m.exec(cellSource(cell.source));
    if (heading) return heading[1];
  }
  return undefined;
}

/** How many code cells carry outputs; notebooks are meant to be committed without any. */
export function cellsWithOutputs(notebook: NotebookJson): number {
  return (notebook.cells ?? []).filter((cell) => cell.cell_type === 'code' && (cell.outputs?.length ?? 0) > 0).length;
}

/** A self-contained index page linking to each notebook page. */
export function indexHtml(entries: ReadonlyArray<{ title: string; href: string }>, profile: Profile): string {
  const items = entries.map((entry) => `<li><a href="${escapeHtml(entry.href)}">${escapeHtml(entry.title)}</a></li>`);
  return `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>relu-ae-lab report</title>
<style>body { font-family: sans-serif; max-width: 50em; margin: 2em auto; line-height: 1.5; }</style>
</head><body>
<h1>relu-ae-lab report</h1>
<p>Notebooks executed with profile <code>${escapeHtml(profile)}</code>.</p>
<ul>
${items.join('\n')}
</ul>
</body></html>
`;
}

/**
 * Every reference in the page that a browser would load from the network or the disk: src and
 * href attributes (links in <a> may point to the web, which loads nothing, but not to file://),
 * and CSS url(...). Script bodies are skipped: plotly's code mentions URLs it never fetches for
 * our charts, and what scripts really load is checked in the browser test.
 */
export function findExternalReferences(html: string): string[] {
  const withoutScriptBodies = html.replace(/(<script\b[^>]*>)[\s\S]*?(<\/script>)/gi, '$1$2');
  const external = /^\s*(https?:|file:|\/\/)/i;
  const found: string[] = [];
  for (const tag of withoutScriptBodies.matchAll(/<([a-zA-Z][\w:-]*)\b([^>]*)>/g)) {
    const tagName = tag[1].toLowerCase();
    for (const attribute of tag[2].matchAll(/([\w:-]+)\s*=\s*("([^"]*)"|'([^']*)'|([^\s>]+))/g)) {
      const name = attribute[1].toLowerCase();
      const value = attribute[3] ?? attribute[4] ?? attribute[5] ?? '';
      if (!['src', 'href', 'xlink:href', 'srcset', 'poster', 'data'].includes(name)) continue;
      if (!external.test(value)) continue;
      const isNavigationLink = tagName === 'a' && (name === 'href' || name === 'xlink:href');
      if (isNavigationLink && !/^\s*file:/i.test(value)) continue;
      found.push(value);
    }
  }
  for (const url of withoutScriptBodies.matchAll(/url\(\s*['"]?((?:https?:|file:|\/\/)[^'")\s]*)/gi)) found.push(url[1]);
  for (const url of withoutScriptBodies.matchAll(/@import\s+['"]((?:https?:|file:|\/\/)[^'"]*)/gi)) found.push(url[1]);
  return found;
}

export interface CellFailure {
  cellIndex: number;
  source: string;
  errorText: string;
}

/** A cell failure for which the kernel sent no text at all (see the retry in main). */
export function isSilentKernelFailure(result: NotebookExport): boolean {
  return result.failure !== undefined && result.failure.errorText.trim() === '';
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
  profile: Profile;
  /** Leave code cells out of the page (the index: readers want the table, not the calls). */
  hideInput?: boolean;
}

/** Executes one notebook on the tslab kernel (cwd = its folder) and writes its HTML page. */
export async function exportNotebook(options: ExportOptions): Promise<NotebookExport> {
  const { projectRoot, notebookPath, outputPath, profile } = options;
  const jupyterPath = ensureKernel(projectRoot);
  const templateRoot = join(projectRoot, 'report-template');
  const failureFile = join(tmpdir(), `relu-ae-report-failure-${process.pid}-${Date.now()}.json`);
  const outputFolder = join(outputPath, '..');
  mkdirSync(outputFolder, { recursive: true });
  const started = process.hrtime.bigint();
  // The notebook's experiments write their latest progress line here; echo it to the terminal.
  const progressFile = join(tmpdir(), `relu-ae-report-progress-${process.pid}-${Date.now()}.txt`);
  let lastProgress = '';
  const poller = setInterval(() => {
    const line = existsSync(progressFile) ? readFileSync(progressFile, 'utf8').trim() : '';
    if (line && line !== lastProgress) {
      lastProgress = line;
      console.log(`  ${line}`);
    }
  }, 2000);
  const result = await runProcess(
    jupyterPython(),
    [
      '-m', 'nbconvert',
      '--config', join(templateRoot, 'execute_config.py'),
      '--to', 'html',
      `--TemplateExporter.extra_template_basedirs=${templateRoot}`,
      '--template', 'report',
      ...(options.hideInput ? ['--no-input'] : []),
      '--output-dir', outputFolder,
      '--output', basename(outputPath, '.html'),
      notebookPath,
    ],
    {
      ...process.env,
      JUPYTER_PATH: [jupyterPath, process.env.JUPYTER_PATH].filter(Boolean).join(':'),
      JUPYTER_RUNTIME_DIR: join(projectRoot, '.jupyter-local', 'runtime'),
      RELU_AE_PROFILE: profile,
      RELU_AE_REPORT_FAILURE_FILE: failureFile,
      RELU_AE_PROGRESS_FILE: progressFile,
    },
  );
  clearInterval(poller);
  rmSync(progressFile, { force: true });
  const wallSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  const base = { notebookPath, outputPath, wallSeconds };
  if (existsSync(failureFile)) {
    const failure = JSON.parse(readFileSync(failureFile, 'utf8')) as CellFailure;
    rmSync(failureFile, { force: true });
    return { ...base, failure };
  }
  if (result.exitCode !== 0 || !existsSync(outputPath)) {
    return { ...base, problem: `nbconvert exited with ${result.exitCode}:\n${result.stderr.slice(-4000)}` };
  }
  const external = findExternalReferences(readFileSync(outputPath, 'utf8'));
  if (external.length > 0) {
    return { ...base, problem: `${outputPath} loads from outside the file: ${[...new Set(external)].join(', ')}` };
  }
  return base;
}

function runProcess(
  command: string,
  args: string[],
  environment: NodeJS.ProcessEnv,
): Promise<{ exitCode: number; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    // stdout is unused by nbconvert here; stderr is kept to explain failures that are not a cell's.
    const child = spawn(command, args, { env: environment, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-100_000);
    });
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ exitCode: code ?? 1, stderr }));
  });
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

async function main(argv: ReadonlyArray<string>): Promise<number> {
  let reportArguments: ReportArguments;
  try {
    reportArguments = parseReportArguments(argv);
  } catch (error) {
    console.error((error as Error).message);
    return 2;
  }
  const projectRoot = findProjectRoot();
  const notebookFolder = resolve(reportArguments.notebookFolder ?? join(projectRoot, 'notebooks'));
  const reportFolder = resolve(reportArguments.reportFolder ?? join(projectRoot, reportArguments.publish ? PUBLISHED_REPORT_FOLDER : SCRATCH_REPORT_FOLDER));
  const allNotebooks = existsSync(notebookFolder) ? readdirSync(notebookFolder) : [];
  const notebooks = notebookOrder(allNotebooks, reportArguments.only);
  if (notebooks.length === 0) {
    console.error(`No notebooks in ${notebookFolder}`);
    return 1;
  }
  console.log(`Profile ${reportArguments.profile}; ${notebooks.length} notebook(s) to run; pages go to ${relative(process.cwd(), reportFolder) || '.'}.`);
  const failures: NotebookExport[] = [];
  const buildStarted = Date.now();
  const buildInfoFile = join(reportFolder, 'build.json');
  // The index notebook reads this to say how the report was made (profile, times per notebook).
  process.env.RELU_AE_BUILD_INFO = buildInfoFile;
  // Notebooks record their claims and the index writes results.json in this same folder.
  process.env.RELU_AE_REPORTS_DIR = reportFolder;
  const buildInfo = { profile: reportArguments.profile, startedAt: new Date().toISOString(), notebooks: [] as { name: string; seconds: number; ok: boolean }[], wallSecondsBeforeIndex: 0, retried: [] as string[] };
  for (const fileName of notebooks) {
    const notebookPath = join(notebookFolder, fileName);
    if (cellsWithOutputs(JSON.parse(readFileSync(notebookPath, 'utf8')) as NotebookJson) > 0) {
      console.warn(`  note: ${fileName} was saved with outputs; clear them before committing.`);
    }
    if (fileName === INDEX_NOTEBOOK && failures.length > 0) {
      console.error(`Skipping ${fileName}: the notebooks it summarizes failed.`);
      continue;
    }
    if (fileName === INDEX_NOTEBOOK) {
      buildInfo.wallSecondsBeforeIndex = (Date.now() - buildStarted) / 1000;
      mkdirSync(reportFolder, { recursive: true });
      writeFileSync(buildInfoFile, JSON.stringify(buildInfo, null, 1));
    }
    console.log(`Running ${fileName} ...`);
    const exportOptions: ExportOptions = {
      projectRoot,
      notebookPath,
      outputPath: join(reportFolder, reportFileName(fileName)),
      profile: reportArguments.profile,
      hideInput: fileName === INDEX_NOTEBOOK,
    };
    let result = await exportNotebook(exportOptions);
    if (isSilentKernelFailure(result)) {
      // Seen once in several full builds: tslab answered a cell with "error" and sent no error text
      // at all, and the same notebook then ran cleanly. Runs are cached, so one retry is cheap; a
      // second silent failure, or any failure that says something, fails the build.
      console.warn(`${fileName}: cell ${result.failure?.cellIndex} failed without any error text from the kernel; running the notebook once more.`);
      console.warn(`  kernel reply: ${JSON.stringify(result.failure)}`);
      result = await exportNotebook(exportOptions);
      buildInfo.retried.push(fileName);
    }
    if (result.failure || result.problem) {
      failures.push(result);
      console.error(describeFailure(result));
      console.error(`${fileName} FAILED after ${result.wallSeconds.toFixed(1)} s`);
    } else {
      console.log(`${fileName} -> ${relative(process.cwd(), result.outputPath)} in ${result.wallSeconds.toFixed(1)} s`);
    }
    buildInfo.notebooks.push({ name: fileName, seconds: Math.round(result.wallSeconds * 10) / 10, ok: !(result.failure || result.problem) });
  }
  if (!allNotebooks.includes(INDEX_NOTEBOOK)) {
    const entries = allNotebooks
      .filter((name) => name.endsWith('.ipynb') && existsSync(join(reportFolder, reportFileName(name))))
      .sort()
      .map((name) => ({
        title: notebookTitle(JSON.parse(readFileSync(join(notebookFolder, name), 'utf8')) as NotebookJson) ?? name,
        href: reportFileName(name),
      }));
    writeFileSync(join(reportFolder, 'index.html'), indexHtml(entries, reportArguments.profile));
    console.log(`${relative(process.cwd(), join(reportFolder, 'index.html'))} lists ${entries.length} page(s).`);
  }
  console.log(`Report built in ${((Date.now() - buildStarted) / 1000).toFixed(1)} s (profile ${reportArguments.profile}).`);
  if (failures.length > 0) {
    console.error(`${failures.length} notebook(s) failed: ${failures.map((failure) => basename(failure.notebookPath)).join(', ')}`);
    return 1;
  }
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (exitCode) => process.exit(exitCode),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
