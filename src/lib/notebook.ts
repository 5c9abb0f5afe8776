/**
 * The glue a tslab notebook needs, in one object: the profile, charts that work with and without
 * scripts, tables, live progress for experiments, and a line that says how the notebook ran.
 * Notebooks pass in the tslab module, so this library never depends on running inside a kernel.
 *
 *   const book = lab.createNotebook(tslab, { idPrefix: "c1", profile: profileName });
 *   const result = await book.run(lab.experiment("C1", book.profile, [...]));
 *   await book.plotly(lab.lossCurvesFigure(result.runs));
 *   await book.vegaLite(lab.finalMetricSpec(result.runs));
 */
import * as fs from 'fs';
import { reconstructionGridHtml } from './display/grids';
import { escapeHtml, formatDuration, progressHtml, tableHtml, TableColumn } from './display/html';
import { plotlyChartHtml, PlotlyFigure, plotlyLibraryHtml, plotlyLibraryUrlFrom } from './display/plotly';
import { vegaLiteHtml, VegaLiteSpec } from './display/vega';
import { ConditionMapResult, ConditionMapSpec, conditionMapExperiment, conditionMapFromRuns, planConditionMap } from './conditionMap/index';
import { blasAvailable } from './engine/blasEngine';
import { describeProfile, resolveProfile, Profile } from './experiment/profiles';
import { Experiment, ExperimentResult, progressLine, runExperiment, RunExperimentOptions } from './experiment/runner';
import { RunsInput } from './plots/runs';
import { collectVersions } from './runs/result';
import { readSettings } from './settings';

/** The part of tslab's API used here. */
export interface TslabLike {
  display: { html(html: string): void };
  newDisplay(): { html(html: string): void };
}

export interface Notebook {
  profile: Profile;
  html(html: string): void;
  /** A short note in grey italics. */
  note(text: string): void;
  /** An interactive plotly chart with a static image that shows where scripts do not run. */
  plotly(figure: PlotlyFigure): Promise<void>;
  /** A vega-lite chart as a static image. */
  vegaLite(spec: VegaLiteSpec): Promise<void>;
  table(rows: ReadonlyArray<Readonly<Record<string, unknown>>>, columns: ReadonlyArray<string | TableColumn>): void;
  /** The first test example of each class and its reconstruction by each run. */
  reconstructions(runs: RunsInput): void;
  /** Runs an experiment with a live progress line (and its estimated time) and a closing summary line. */
  run(experiment: Experiment, options?: Omit<RunExperimentOptions, 'onProgress'>): Promise<ExperimentResult>;
  /** Says a condition map's cost (runs, cached, estimated time) before it starts, then runs it as `run` does. */
  runConditionMap(spec: ConditionMapSpec, options?: Omit<RunExperimentOptions, 'onProgress'>): Promise<ConditionMapResult>;
  /** The profile, engine, backend and versions this notebook runs with. */
  showSetup(): void;
}

export interface NotebookOptions {
  /** Goes into every chart id; give each notebook its own so two notebooks in one page don't share ids. */
  idPrefix: string;
  /** A profile or its name; default RELU_AE_PROFILE, else 'default'. */
  profile?: Profile | string;
}

/** Marks a send function already wrapped by serializeSends. */
const SERIALIZED = Symbol.for('relu-ae-lab.serializedSend');

/**
 * Replaces `prototype.send` with one that waits for the same object's previous send to settle
 * before starting the next. tslab calls zeromq 6's `send` without awaiting it, and zeromq 6 throws
 * "Socket is busy writing" when a send is still in progress — after a large output — so the cell
 * fails with no error text. Returns false when there is no send function to wrap.
 */
export function serializeSends(prototype: object): boolean {
  const original = (prototype as { send?: unknown }).send as ((...parts: unknown[]) => unknown) | undefined;
  if (typeof original !== 'function') return false;
  if ((original as unknown as Record<symbol, boolean>)[SERIALIZED]) return true;
  const pending = new WeakMap<object, Promise<unknown>>();
  const serialized = function (this: object, ...parts: unknown[]): Promise<unknown> {
    const next = (pending.get(this) ?? Promise.resolve())
      .then(() => original.apply(this, parts))
      // A failed send must not block the ones after it; there is no cell left to report it to.
      .catch(() => undefined);
    pending.set(this, next);
    return next;
  };
  (serialized as unknown as Record<symbol, boolean>)[SERIALIZED] = true;
  // zeromq defines send as read-only on its Socket base class, so an own property is defined here instead.
  Object.defineProperty(prototype, 'send', { value: serialized, writable: true, configurable: true });
  return true;
}

/** Queues the tslab kernel's zeromq sends (see serializeSends); outside a kernel it does nothing. */
export function serializeKernelSends(): boolean {
  let zeromq: { Publisher?: { prototype: object } };
  try {
    zeromq = require(require.resolve('zeromq', { paths: [require.resolve('tslab')] }));
  } catch {
    return false;
  }
  return zeromq.Publisher ? serializeSends(zeromq.Publisher.prototype) : false;
}

export function createNotebook(tslab: TslabLike, options: NotebookOptions): Notebook {
  serializeKernelSends();
  const profile = typeof options.profile === 'object' ? options.profile : resolveProfile(options.profile);
  const html = (content: string): void => tslab.display.html(content);
  let chartCount = 0;
  let libraryLoaded = false;
  // Where a reopened notebook's charts fetch plotly from (the kernel runs in the notebook's folder).
  const librarySource = plotlyLibraryUrlFrom(process.cwd());
  const loadPlotlyOnce = (): void => {
    if (libraryLoaded) return;
    libraryLoaded = true;
    // The library runs once in the page, then its output is replaced by a stub, so that a saved
    // notebook does not carry 1.4 MB of JavaScript (a report build adds one shared copy per page).
    const library = tslab.newDisplay();
    library.html(plotlyLibraryHtml());
    library.html('<span class="relu-ae-plotly-loaded" style="display:none"></span>');
  };
  const book: Notebook = {
    profile,
    html,
    note: (text) => html(`<p style="color:#555;font-style:italic">${escapeHtml(text)}</p>`),
    async plotly(figure) {
      loadPlotlyOnce();
      chartCount += 1;
      html(await plotlyChartHtml(figure, { id: `${options.idPrefix}-chart-${chartCount}`, librarySource }));
    },
    async vegaLite(spec) {
      html(await vegaLiteHtml(spec));
    },
    table: (rows, columns) => html(tableHtml(rows, columns)),
    reconstructions: (runs) => html(reconstructionGridHtml(runs)),
    async run(experiment, runOptions = {}) {
      const line = tslab.newDisplay();
      const progressFile = readSettings().progressFile;
      const result = await runExperiment(experiment, {
        ...runOptions,
        onProgress: (progress) => {
          if (progressFile) fs.writeFileSync(progressFile, progressLine(progress));
          line.html(progressHtml({
            runsDone: progress.doneRuns,
            runsTotal: progress.totalRuns,
            currentLabel: progress.running.join(' | '),
            etaSeconds: progress.etaSeconds ?? undefined,
          }));
        },
      });
      const notes = result.notes.length ? ` · ${result.notes.map(escapeHtml).join(' · ')}` : '';
      line.html(
        `<p style="font:12px monospace">${escapeHtml(experiment.name)}: ${result.runs.length} runs ` +
          `(${result.computedRuns} computed, ${result.cachedRuns} from the cache${result.corruptFiles.length ? `, ${result.corruptFiles.length} corrupt cache files recomputed` : ''}) ` +
          `in ${formatDuration(result.wallSeconds)} on ${escapeHtml(result.engine)}${notes}</p>`,
      );
      return result;
    },
    async runConditionMap(spec, runOptions = {}) {
      const plan = await planConditionMap(spec, runOptions);
      const where = plan.executor === 'queue' ? 'the job queue\'s workers' : `${Math.max(1, plan.workers)} worker process(es)`;
      html(
        `<p style="font:13px monospace">${escapeHtml(spec.name)}: ${plan.runs} runs (${plan.cachedRuns} already in the cache) of ` +
          `${spec.arms.length} arms under ${spec.conditions.length} conditions × ${spec.seeds.length} seeds; ` +
          `estimated ${formatDuration(plan.estimatedSeconds)} on ${where}.</p>`,
      );
      return conditionMapFromRuns(spec, await book.run(conditionMapExperiment(spec).experiment, runOptions));
    },
    showSetup() {
      const versions = collectVersions();
      const engine = readSettings().engine;
      const blas = blasAvailable();
      const engineText = engine === 'tfjs'
        ? 'tfjs (asked for)'
        : engine === 'wasm' || (engine === 'auto' && !blas.available)
          ? `wasm (WebAssembly SIMD; ${engine === 'wasm' ? 'asked for' : escapeHtml(blas.reason ?? '')})`
          : 'blas (native OpenBLAS fast path)';
      html(
        `<p style="font:12px monospace;color:#444">profile: ${escapeHtml(describeProfile(profile))}<br>` +
          `seeds: ${profile.seeds.join(', ')} · engine: ${engineText}<br>` +
          `versions: ${escapeHtml(Object.entries(versions).map(([name, value]) => `${name} ${value}`).join(' · '))}</p>`,
      );
    },
  };
  return book;
}
