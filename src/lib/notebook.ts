/**
 * The glue a notebook needs, in one object: the profile, plot display, live progress for
 * experiments, tables and verdict paragraphs. Notebooks pass in the tslab module so this library
 * never depends on running inside a kernel.
 *
 *   const book = lab.createNotebook(tslab, { idPrefix: "c1" });
 *   const result = await book.run(lab.experiment("C1", book.profile, [...]));
 *   await book.vegaLite(lab.finalMetricSpec(result.runs));
 */
import * as fs from 'fs';
import { ClaimComparison, ClaimRecord } from './claims';
import { createNotebookDisplay, escapeHtml, formatDuration, progressHtml, tableHtml, TableColumn } from './display';
import { blasAvailable, resolveEnginePreference } from './engine/index';
import { collectVersions } from './environment';
import { Profile, profileFromEnvironment } from './experiment/profiles';
import { Experiment, ExperimentResult, progressLine, runExperiment } from './experiment/runner';
import { Figure } from './plots';

/** The part of tslab's API used here. */
export interface TslabLike {
  display: { html(html: string): void };
  newDisplay(): { html(html: string): void };
}

export interface Notebook {
  profile: Profile;
  html(html: string): void;
  markdownNote(text: string): void;
  plotly(figure: Figure): void;
  vegaLite(spec: Record<string, unknown>): Promise<void>;
  table(rows: ReadonlyArray<Readonly<Record<string, unknown>>>, columns: ReadonlyArray<string | TableColumn>): void;
  /** Runs an experiment with a live progress line and a closing summary line. */
  run(experiment: Experiment): Promise<ExperimentResult>;
  /** The profile, engine, backend and versions this notebook ran with. */
  showSetup(): void;
  /** A claim's verdict with its numbers, in a coloured box. */
  showVerdict(record: ClaimRecord): void;
}

const VERDICT_COLOURS = { supported: '#2e7d32', contradicted: '#c62828', inconclusive: '#8d6e00' } as const;

/** One comparison as a sentence with its numbers. */
export function describeComparison(comparison: ClaimComparison): string {
  const result = comparison.result;
  const format = (value: number): string => (Number.isFinite(value) ? value.toPrecision(3) : String(value));
  return (
    `${comparison.candidateLabel} vs ${comparison.baselineLabel}: ${comparison.metricName} ${format(result.candidate.mean)} ± ${format(result.candidate.standardDeviation)} ` +
    `vs ${format(result.baseline.mean)} ± ${format(result.baseline.standardDeviation)} (mean ± sd over ${result.pairedSeeds.length} seeds); ` +
    `paired difference (baseline − candidate) ${format(result.meanDifference)} ` +
    `(${Number.isFinite(result.relativeDifference) ? (100 * result.relativeDifference).toFixed(1) : '?'}% of the baseline), ${result.reason} → ${result.verdict}`
  );
}

/** Marks a send function already wrapped by serializeKernelSends. */
const SERIALIZED = Symbol.for('relu-ae-lab.serializedSend');

/**
 * Makes the kernel's ZeroMQ publisher queue its sends. tslab calls zeromq 6's `send` without
 * awaiting it, and zeromq 6 throws "Socket is busy writing" when a send is still in progress —
 * which happens after a large output (the embedded plotly library, a big SVG). The throw lands in
 * the cell, and tslab's attempt to print it throws again, so the cell fails with no error text.
 * Chaining each send after the previous one keeps the order and never overlaps them. Safe to call
 * more than once; outside a tslab kernel (no zeromq) it does nothing.
 */
export function serializeKernelSends(): boolean {
  let zeromq: { Publisher?: { prototype: object } };
  try {
    zeromq = require(require.resolve('zeromq', { paths: [require.resolve('tslab')] }));
  } catch {
    return false;
  }
  return zeromq.Publisher ? serializeSends(zeromq.Publisher.prototype) : false;
}

/**
 * Replaces `prototype.send` with one that waits for the same object's previous send to settle
 * before starting the next. Returns false when there is no send function to wrap.
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

export function createNotebook(tslab: TslabLike, options: { idPrefix: string; profile?: Profile }): Notebook {
  serializeKernelSends();
  const profile = options.profile ?? profileFromEnvironment();
  const display = createNotebookDisplay({ idPrefix: options.idPrefix });
  tslab.display.html(display.plotlyLibraryHtml());
  const html = (content: string): void => tslab.display.html(content);
  return {
    profile,
    html,
    markdownNote: (text) => html(`<p style="color:#555;font-style:italic">${escapeHtml(text)}</p>`),
    plotly: (figure) => html(display.plotlyHtml(figure)),
    vegaLite: async (spec) => html(await display.vegaLiteHtml(spec)),
    table: (rows, columns) => html(tableHtml(rows, columns)),
    async run(experiment) {
      const line = tslab.newDisplay();
      const progressFile = process.env.RELU_AE_PROGRESS_FILE;
      const result = await runExperiment(experiment, {
        onProgress: (progress) => {
          if (progressFile) fs.writeFileSync(progressFile, progressLine(progress));
          line.html(
            progressHtml({
              runsDone: progress.doneRuns,
              runsTotal: progress.totalRuns,
              currentLabel: progress.running.join(' | '),
              epoch: 0,
              etaSeconds: progress.etaSeconds ?? undefined,
            }),
          );
        },
      });
      line.html(
        `<p style="font:12px monospace">${escapeHtml(experiment.name)}: ${result.runs.length} runs ` +
          `(${result.computedRuns} computed, ${result.cachedRuns} from the cache${result.corruptFiles.length ? `, ${result.corruptFiles.length} corrupt cache files recomputed` : ''}) ` +
          `in ${formatDuration(result.wallSeconds)} on ${escapeHtml(result.engine)}</p>`,
      );
      return result;
    },
    showSetup() {
      const versions = collectVersions();
      const engine = resolveEnginePreference(process.env.RELU_AE_ENGINE);
      const blas = blasAvailable();
      const engineText = engine === 'tfjs' || (engine === 'auto' && !blas.available)
        ? `tfjs (${blas.available ? 'forced' : escapeHtml(blas.reason ?? '')})`
        : 'blas (native OpenBLAS fast path)';
      html(
        `<p style="font:12px monospace;color:#444">profile: ${escapeHtml(profile.description)}<br>` +
          `seeds: ${profile.seeds.join(', ')} · engine: ${engineText}<br>` +
          `versions: ${escapeHtml(Object.entries(versions).map(([name, value]) => `${name} ${value}`).join(' · '))}</p>`,
      );
    },
    showVerdict(record) {
      const colour = VERDICT_COLOURS[record.verdict];
      const items = record.comparisons
        .map((comparison) => `<li>${comparison.primary ? '' : '(context) '}${escapeHtml(describeComparison(comparison))}</li>`)
        .join('');
      html(
        `<div class="verdict" style="border-left:6px solid ${colour};padding:8px 12px;background:#fafafa">` +
          `<p style="margin:0"><b>${record.id} — “${escapeHtml(record.threadWords)}”</b></p>` +
          `<p style="margin:4px 0;font-size:1.2em;color:${colour}"><b>Verdict: ${record.verdict}</b></p>` +
          `<ul style="margin:4px 0">${items}</ul>` +
          `<p style="margin:0;color:#555">Conditions: ${escapeHtml(record.conditions)}</p></div>`,
      );
    },
  };
}

/** The claims table of the index: verdicts coloured, each claim linked to its notebook's page. */
export function claimsTableHtml(rows: { claim: string; thread: string; verdict: string; effect: string; seeds: number; notebook: string }[]): string {
  const body = rows
    .map((row) => {
      const colour = VERDICT_COLOURS[row.verdict as keyof typeof VERDICT_COLOURS] ?? '#333';
      return `<tr><td style="text-align:left"><a href="${escapeHtml(row.notebook)}.html">${escapeHtml(row.claim)}</a></td>` +
        `<td style="text-align:left">${escapeHtml(row.thread)}</td>` +
        `<td style="text-align:left;color:${colour}"><b>${escapeHtml(row.verdict)}</b></td>` +
        `<td style="text-align:left">${escapeHtml(row.effect)}</td><td style="text-align:right">${row.seeds}</td></tr>`;
    })
    .join('\n');
  const header = ['claim', "the thread's words", 'verdict', 'effect: mean paired difference [95% interval] (relative)', 'seeds']
    .map((title) => `<th style="text-align:left">${escapeHtml(title)}</th>`)
    .join('');
  return `<table class="claims-table"><thead><tr>${header}</tr></thead><tbody>${body}</tbody></table>`;
}

/** What the report script recorded about this build (reports/build.json), or {} outside a build. */
export function readBuildInfo(file = process.env.RELU_AE_BUILD_INFO): Record<string, unknown> {
  if (!file || !fs.existsSync(file)) return {};
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

/** How the report was made: profile, engine, backend, versions, data, and time per notebook. */
export function buildInfoHtml(build: Record<string, unknown>, claims: ClaimRecord[], profile: Profile): string {
  const uniqueRuns = [...new Map(claims.flatMap((claim) => claim.runs).map((run) => [run.key, run])).values()];
  const firstRun = uniqueRuns[0];
  const computeSeconds = uniqueRuns.reduce((total, run) => total + (run.durationSeconds ?? 0), 0);
  const cachedCount = uniqueRuns.filter((run) => run.cached).length;
  const notebooks = (build.notebooks as { name: string; seconds: number; ok: boolean }[] | undefined) ?? [];
  const rows = notebooks.map((entry) => ({ notebook: entry.name, seconds: entry.seconds, ok: entry.ok ? 'yes' : 'FAILED' }));
  const facts = [
    `profile: ${profile.description}`,
    firstRun ? `engine: ${firstRun.engine} · backend: ${firstRun.backend}` : 'no runs recorded',
    firstRun ? `versions: ${Object.entries(firstRun.versions as Record<string, string>).map(([name, value]) => `${name} ${value}`).join(' · ')}` : '',
    firstRun ? `data: ${JSON.stringify((firstRun.config as { data?: unknown }).data)}` : '',
    `${uniqueRuns.length} distinct runs took ${formatDuration(computeSeconds)} of training time when computed ` +
      `(spread over the worker processes); ${cachedCount} of them came from the result cache in this build`,
    build.startedAt ? `built: ${build.startedAt}; notebooks before this page took ${formatDuration(Number(build.wallSecondsBeforeIndex))} of wall time` : 'built outside the report script',
    Array.isArray(build.retried) && build.retried.length > 0
      ? `re-run once after the kernel failed a cell without any error text: ${(build.retried as string[]).join(', ')}`
      : '',
  ].filter(Boolean);
  return `<p style="font:13px monospace">${facts.map(escapeHtml).join('<br>')}</p>` +
    (rows.length ? tableHtml(rows, [{ key: 'notebook' }, { key: 'seconds', digits: 1 }, { key: 'ok' }]) : '');
}
