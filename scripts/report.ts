/**
 * `npm run report -- [--profile quick|default|full] [--only NAME] [--notebooks DIR] [--reports DIR] [--publish] [--recompute] [--reuse DIR|none] [--queue URL]`
 *
 *   reports/runs/ (the published runs) ──verified, imported──▶ the cache (skipped with --recompute: an empty cache of its own)
 *   notebooks/*.ipynb (name order, 00-index last)
 *     ──nbconvert --execute on tslab, parameters injected──▶ OUT.staging-PID/NAME.html (+ claims/, results.json)
 *     ──every page finished, its runs exported into runs/──▶ OUT.staging-PID replaces OUT, only when every notebook passed
 *   --recompute: every run of the build compared with its published twin ─▶ OUT/recompute.json
 *   OUT = out/report/ (scratch, ignored by git); reports/ (the committed evidence) only with --profile full --publish
 *
 * With --queue redis://…, the notebooks' missing runs are computed by the queue's workers
 * (`npm run worker`), here or on other machines; the results are the same, bit for bit.
 *
 * Executed notebooks are never written back to notebooks/: the pages are the record of a run.
 * Every child (nbconvert, its kernel, the kernel's workers) dies with this script, however it ends.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { runCommand, UsageError } from '../src/lib/commandLine';
import { escapeHtml } from '../src/lib/display/html';
import { redactSecrets, redactUrl } from '../src/lib/experiment/queue/redact';
import { PLOTLY_ASSET, plotlyLibraryPath } from '../src/lib/display/plotly';
import { CACHE_FOLDER_NAME } from '../src/lib/experiment/cache';
import { engineIdentity, prepareEngine } from '../src/lib/engine/index';
import { ENVIRONMENT_VARIABLES, readSettings } from '../src/lib/settings';
import { SCRATCH_REPORT_FOLDER } from '../src/report/records';
import { findProjectRoot } from './kernel';
import { INDEX_NOTEBOOK, notebookOrder, parseReportArguments, ReportArguments, reportFileName } from './report/arguments';
import { describeFailure, exportNotebook, ExportOptions, isSilentKernelFailure, NotebookExport } from './report/nbconvert';
import { cellsWithOutputs, notebookTitle, pageHasPlotlyCharts } from './report/pages';
import { buildIdentity, compareWithPublished, exportBuildRuns, importPublishedRuns, PUBLISHED_RUNS_FOLDER } from './report/runStore';
import { acquireBuildLock, createStaging, promoteStaging, removeStaleStaging } from './report/staging';

/** The committed report: evidence, replaced only by a full-profile build with --publish. */
export const PUBLISHED_REPORT_FOLDER = 'reports';

/** A self-contained index page linking to each notebook page (for notebook folders without 00-index). */
export function indexHtml(entries: ReadonlyArray<{ title: string; href: string }>, profile: string): string {
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

interface BuildInfo {
  profile: string;
  startedAt: string;
  notebooks: { name: string; seconds: number; ok: boolean }[];
  wallSecondsBeforeIndex: number;
  retried: string[];
}

async function build(reportArguments: ReportArguments): Promise<number> {
  const projectRoot = findProjectRoot();
  const notebookFolder = resolve(reportArguments.notebookFolder ?? join(projectRoot, 'notebooks'));
  const outputFolder = resolve(reportArguments.reportFolder ?? join(projectRoot, reportArguments.publish ? PUBLISHED_REPORT_FOLDER : SCRATCH_REPORT_FOLDER));
  const allNotebooks = existsSync(notebookFolder) ? readdirSync(notebookFolder) : [];
  const notebooks = notebookOrder(allNotebooks, reportArguments.only);
  if (notebooks.length === 0) throw new UsageError(`no notebooks in ${notebookFolder}`, '--notebooks takes a folder of .ipynb files (default notebooks/)');
  mkdirSync(resolve(outputFolder, '..'), { recursive: true });
  // An inherited RELU_AE_QUEUE sends the runs to the queue as --queue does.
  const queued = (reportArguments.queue ?? readSettings().queue) !== undefined;
  const releaseLock = await acquireBuildLock(outputFolder, (pid) => console.log(`Waiting for another build (pid ${pid}) that is writing ${outputFolder} …`));
  const staging = createStaging(outputFolder, reportArguments.only !== undefined);
  const workFolder = join(staging, '.build');
  // Ctrl-C or a kill: the supervisors take their trees down; this removes the staging folder.
  const abandon = (signal: NodeJS.Signals): void => {
    if (queued) console.error(`${signal}: stopping; the runs already sent to the queue stay there for the workers, and their results for 7 days: the same command again collects them.`);
    rmSync(staging, { recursive: true, force: true });
    releaseLock();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', abandon);
  process.once('SIGTERM', abandon);
  try {
    for (const stale of removeStaleStaging(outputFolder)) console.log(`  removed ${stale}, left by a build that was killed`);
    console.log(`Profile ${reportArguments.profile}; ${notebooks.length} notebook(s) to run; pages go to ${relative(process.cwd(), outputFolder) || '.'}.`);
    if (reportArguments.queue) console.log(`Missing runs go to the job queue at ${redactUrl(reportArguments.queue)}; start workers with npm run worker.`);
    const failures: NotebookExport[] = [];
    const buildStarted = Date.now();
    const buildInfoFile = join(staging, 'build.json');
    const buildInfo: BuildInfo = { profile: reportArguments.profile, startedAt: new Date().toISOString(), notebooks: [], wallSecondsBeforeIndex: 0, retried: [] };
    // The index notebook reads the build info; every notebook records into the staging folder.
    const environment: Record<string, string> = { [ENVIRONMENT_VARIABLES.buildInfo]: buildInfoFile, [ENVIRONMENT_VARIABLES.reportsDirectory]: staging };
    // The kernels' experiments read it through settings.ts; without --queue, an inherited RELU_AE_QUEUE applies.
    if (reportArguments.queue) environment[ENVIRONMENT_VARIABLES.queue] = reportArguments.queue;
    // The published runs serve this build where their identity matches; --recompute computes every run
    // in a fresh cache of its own instead, to compare them afterwards.
    const store = resolve(projectRoot, reportArguments.reuse ?? PUBLISHED_RUNS_FOLDER);
    let cacheDirectory = readSettings().cacheDirectory ?? join(projectRoot, CACHE_FOLDER_NAME);
    if (reportArguments.recompute) {
      cacheDirectory = join(projectRoot, 'out', 'recompute-cache');
      rmSync(cacheDirectory, { recursive: true, force: true });
      environment[ENVIRONMENT_VARIABLES.cacheDirectory] = cacheDirectory;
      console.log(`Recomputing every run from scratch in ${relative(process.cwd(), cacheDirectory)}, to compare with the published runs in ${relative(process.cwd(), store) || '.'}.`);
    } else if (reportArguments.reuse !== 'none') {
      const identity = buildIdentity(projectRoot, engineIdentity(await prepareEngine()));
      for (const line of importPublishedRuns(store, cacheDirectory, identity)) console.log(line);
    }
    for (const fileName of notebooks) {
      const notebookPath = join(notebookFolder, fileName);
      if (cellsWithOutputs(JSON.parse(readFileSync(notebookPath, 'utf8'))) > 0) {
        console.warn(`  note: ${fileName} was saved with outputs; clear them before committing.`);
      }
      if (fileName === INDEX_NOTEBOOK && failures.length > 0) {
        console.error(`Skipping ${fileName}: the notebooks it summarizes failed.`);
        continue;
      }
      if (fileName === INDEX_NOTEBOOK) {
        buildInfo.wallSecondsBeforeIndex = (Date.now() - buildStarted) / 1000;
        writeFileSync(buildInfoFile, JSON.stringify(buildInfo, null, 1));
      }
      console.log(`Running ${fileName} ...`);
      const exportOptions: ExportOptions = {
        projectRoot,
        notebookPath,
        outputPath: join(staging, reportFileName(fileName)),
        parameters: { profile: reportArguments.profile },
        environment,
        workFolder,
        hideInput: fileName === INDEX_NOTEBOOK,
        onProgress: (line) => console.log(`  ${line}`),
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
        console.error(redactSecrets(describeFailure(result)));
        console.error(`${fileName} FAILED after ${result.wallSeconds.toFixed(1)} s`);
      } else {
        console.log(`${fileName} -> ${relative(process.cwd(), join(outputFolder, reportFileName(fileName)))} in ${result.wallSeconds.toFixed(1)} s`);
      }
      buildInfo.notebooks.push({ name: fileName, seconds: Math.round(result.wallSeconds * 10) / 10, ok: !(result.failure || result.problem) });
    }
    if (failures.length > 0) {
      console.error(`${failures.length} notebook(s) failed: ${failures.map((failure) => basename(failure.notebookPath)).join(', ')}; ${relative(process.cwd(), outputFolder) || '.'} is left as it was`);
      rmSync(staging, { recursive: true, force: true });
      return 1;
    }
    const indexRan = buildInfo.notebooks.some((entry) => entry.name === INDEX_NOTEBOOK && entry.ok);
    let recomputeFailed = false;
    if (indexRan) {
      // The runs of every page, so that this folder re-renders without training wherever it goes.
      const exported = exportBuildRuns(staging, cacheDirectory);
      console.log(`Exported ${exported.written} runs into runs/.`);
      if (exported.missing.length > 0) {
        const message = `${exported.missing.length} run(s) of results.json are not in the cache ${cacheDirectory} (a failed cache write?): ${exported.missing.slice(0, 5).join(', ')}`;
        if (reportArguments.publish) {
          console.error(`${message}; not publishing an incomplete record.`);
          rmSync(staging, { recursive: true, force: true });
          return 1;
        }
        console.warn(`  note: ${message}.`);
      }
      if (reportArguments.recompute) {
        const comparison = compareWithPublished(staging, cacheDirectory, store, (Date.now() - buildStarted) / 1000);
        for (const line of comparison.lines) console.log(line);
        recomputeFailed = comparison.runs.some((run) => run.outcome !== 'identical');
      }
    }
    if (!allNotebooks.includes(INDEX_NOTEBOOK)) {
      const entries = allNotebooks
        .filter((name) => name.endsWith('.ipynb') && existsSync(join(staging, reportFileName(name))))
        .sort()
        .map((name) => ({ title: notebookTitle(JSON.parse(readFileSync(join(notebookFolder, name), 'utf8'))) ?? name, href: reportFileName(name) }));
      writeFileSync(join(staging, 'index.html'), indexHtml(entries, reportArguments.profile));
    }
    writeFileSync(buildInfoFile, JSON.stringify(buildInfo, null, 1));
    // One shared copy of plotly for every page that draws a chart, none when no page does.
    const pages = readdirSync(staging).filter((name) => name.endsWith('.html'));
    rmSync(join(staging, 'assets'), { recursive: true, force: true });
    if (pages.some((name) => pageHasPlotlyCharts(readFileSync(join(staging, name), 'utf8')))) {
      mkdirSync(join(staging, 'assets'), { recursive: true });
      copyFileSync(plotlyLibraryPath(), join(staging, PLOTLY_ASSET));
    }
    rmSync(workFolder, { recursive: true, force: true });
    // Once the index has gathered every record into results.json, the per-notebook records would
    // only repeat it (readers of a published report fall back to results.json).
    if (indexRan) rmSync(join(staging, 'claims'), { recursive: true, force: true });
    promoteStaging(staging, outputFolder);
    console.log(`Report built in ${((Date.now() - buildStarted) / 1000).toFixed(1)} s (profile ${reportArguments.profile}) into ${relative(process.cwd(), outputFolder) || '.'}.`);
    return recomputeFailed ? 1 : 0;
  } finally {
    rmSync(staging, { recursive: true, force: true });
    releaseLock();
  }
}

async function main(argv: ReadonlyArray<string>): Promise<number> {
  return build(parseReportArguments(argv));
}

if (require.main === module) runCommand('report', () => main(process.argv.slice(2)));
