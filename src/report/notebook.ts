/**
 * A claim notebook's page, at a glance first: `runClaim` runs the claim's study and shows the verdict
 * with the one number behind it at the top; the method, plots, per-seed values and the full record
 * follow. Builds on the library's createNotebook.
 *
 *   const book = report.createReportNotebook(tslab, { idPrefix: "c1", profile: profile });
 *   const study = await book.runClaim("C1");           // verdict box
 *   book.showDesign(study); … plots … book.showPerSeed(study.record); book.showRecord(study.record);
 */
import { Comparison } from '../lib/compare';
import { escapeHtml, tableHtml } from '../lib/display/html';
import { ExperimentResult } from '../lib/experiment/runner';
import { createNotebook, Notebook, NotebookOptions, TslabLike } from '../lib/notebook';
import { VERDICT_COLOURS } from '../lib/plots/palette';
import { describeComparison } from '../lib/compare';
import { ClaimId } from './claims';
import { ClaimRecord, recordClaim, RobustnessRecord, robustnessRunRecord, writeRobustnessRecord } from './records';
import {
  analyzeRobustness, entriesAtFullBudget, holmVerdicts, RobustnessEntry, robustnessExperiment, robustnessPlan, RobustnessPlan,
} from './robustness';
import { ClaimStudy, claimStudy, StudyAnalysis } from './studies';
import { formatDuration } from '../lib/display/html';
import { planExperiment } from '../lib/experiment/runner';
import { Verdict } from '../lib/stats';

/** What runClaim returns: the study, its experiment's result, the analysis and the written record. */
export interface ClaimRun extends StudyAnalysis {
  study: ClaimStudy;
  result: ExperimentResult;
  record: ClaimRecord;
}

/** What runRobustness returns: the plan, the runs and every entry, with the map's Holm-adjusted verdicts. */
export interface RobustnessRun {
  plan: RobustnessPlan;
  result: ExperimentResult;
  entries: RobustnessEntry[];
  /** The entries at the full budget, and their Holm-adjusted verdicts in the same order. */
  mapEntries: RobustnessEntry[];
  holm: Verdict[];
}

/** Numbers in the robustness record to 4 significant digits: 6,000 entries at full precision only cost bytes. */
function compactEntry(entry: RobustnessEntry): RobustnessEntry {
  const round = (value: number): number => (Number.isFinite(value) ? Number(value.toPrecision(4)) : value);
  return { ...entry, meanDifference: round(entry.meanDifference), interval: [round(entry.interval[0]), round(entry.interval[1])], relativeDifference: round(entry.relativeDifference), pValue: round(entry.pValue) };
}

export interface ReportNotebook extends Notebook {
  /** Runs a claim's study, records its verdict, and shows the verdict box. */
  runClaim(id: ClaimId): Promise<ClaimRun>;
  /** The configurations of a study and its comparisons, as tables. */
  showDesign(claim: ClaimRun): void;
  /** The per-seed values behind each primary comparison: baseline, candidate, difference. */
  showPerSeed(record: ClaimRecord): void;
  /** Every comparison (context ones too) with its numbers, and the conditions. */
  showRecord(record: ClaimRecord): void;
  /** Plans the robustness sweep, says its cost (runs and estimated time) before it starts, runs it, records it. */
  runRobustness(): Promise<RobustnessRun>;
}

const format = (value: number): string => (Number.isFinite(value) ? value.toPrecision(3) : String(value));

/** "−0.00151 [−0.00251, −0.00051] (−3.3% of the baseline)": an effect with its interval. */
export function effectText(comparison: Comparison): string {
  const result = comparison.result;
  const relative = Number.isFinite(result.relativeDifference) ? ` (${(100 * result.relativeDifference).toFixed(1)}%)` : '';
  return `${format(result.meanDifference)} [${format(result.interval[0])}, ${format(result.interval[1])}]${relative}`;
}

/** The box at the top of a claim page: verdict, the thread's words, and each primary effect. */
export function verdictBoxHtml(record: ClaimRecord): string {
  const colour = VERDICT_COLOURS[record.verdict];
  const primary = record.comparisons.filter((comparison) => comparison.primary);
  const effects = primary.map((comparison) =>
    `<li><b>${escapeHtml(comparison.name)}</b>: ${escapeHtml(comparison.metricName)} difference (baseline − candidate) ` +
    `<b>${escapeHtml(effectText(comparison))}</b> over ${comparison.result.pairedSeeds.length} seeds → ` +
    `<span style="color:${VERDICT_COLOURS[comparison.result.verdict]}">${comparison.result.verdict}</span></li>`).join('');
  return `<div class="verdict" style="border-left:6px solid ${colour};padding:8px 12px;background:#fafafa;margin:4px 0 12px">` +
    `<p style="margin:0"><b>${record.id} — “${escapeHtml(record.threadWords)}”</b></p>` +
    `<p style="margin:4px 0;font-size:1.3em;color:${colour}"><b>Verdict: ${record.verdict}</b></p>` +
    `<ul style="margin:4px 0">${effects}</ul>` +
    `<p style="margin:0;color:#555;font-size:0.9em">Positive differences favour the thread's side. Profile ${escapeHtml(record.profile)}; ` +
    `95% paired t-intervals; the full record is at the bottom of the page.</p></div>`;
}

export function createReportNotebook(tslab: TslabLike, options: NotebookOptions): ReportNotebook {
  const book = createNotebook(tslab, options);
  return {
    ...book,
    async runClaim(id) {
      const study = claimStudy(id, book.profile);
      const result = await book.run(study.experiment);
      const analysis = study.analyze(result.runs);
      const record = recordClaim({ id, comparisons: analysis.comparisons, profile: book.profile, experiments: [result], conditions: analysis.conditions });
      book.html(verdictBoxHtml(record));
      return { ...analysis, study, result, record };
    },
    showDesign(claim) {
      const rows = claim.study.experiment.configurations.map((configuration) => ({
        configuration: configuration.label,
        arm: configuration.group ?? configuration.label,
        ...configuration.parameters,
      }));
      const keys = [...new Set(rows.flatMap((row) => Object.keys(row)))];
      book.table(rows, keys);
      book.table(
        claim.comparisons.map((comparison) => ({ comparison: comparison.name, baseline: comparison.baselineLabel, candidate: comparison.candidateLabel, role: comparison.primary ? 'primary (decides the verdict)' : 'context' })),
        ['comparison', 'baseline', 'candidate', 'role'],
      );
    },
    showPerSeed(record) {
      for (const comparison of record.comparisons.filter((entry) => entry.primary)) {
        const result = comparison.result;
        const difference = 'difference (baseline − candidate)';
        book.html(`<p style="margin:8px 0 2px"><b>${escapeHtml(comparison.name)}</b> (${escapeHtml(comparison.metricName)}; lower is better)</p>`);
        book.html(tableHtml(result.pairedSeeds.map((seed, index) => ({
          seed,
          [`baseline: ${comparison.baselineLabel}`]: result.baselineValues[index],
          [`candidate: ${comparison.candidateLabel}`]: result.candidateValues[index],
          [difference]: result.differences[index],
        })), ['seed', { key: `baseline: ${comparison.baselineLabel}`, digits: 6 }, { key: `candidate: ${comparison.candidateLabel}`, digits: 6 }, { key: difference, digits: 6 }]));
        const diverged = [...result.divergedSeeds.baseline.map((seed) => `baseline seed ${seed}`), ...result.divergedSeeds.candidate.map((seed) => `candidate seed ${seed}`)];
        if (diverged.length > 0) book.note(`Diverged, so not paired: ${diverged.join(', ')}.`);
      }
    },
    async runRobustness() {
      const plan = robustnessPlan(book.profile);
      const sweep = robustnessExperiment(plan, book.profile);
      const cost = await planExperiment(sweep);
      book.html(
        `<p style="font:13px monospace">The sweep: ${cost.tasks.length} runs (${cost.tasks.length - cost.pending.length} already in the cache), ` +
          `${plan.epochs} epochs each; estimated ${formatDuration(cost.estimatedSeconds)} on ${Math.max(1, cost.workers)} worker process(es).</p>`,
      );
      const result = await book.run(sweep);
      const entries = analyzeRobustness(result.runs, plan);
      const mapEntries = entriesAtFullBudget(entries, plan);
      const holm = holmVerdicts(mapEntries);
      const first = result.runs[0]?.result;
      const record: RobustnessRecord = {
        plan,
        entries: entries.map(compactEntry),
        holm,
        runsCommon: { engine: first?.engine ?? '', backend: first?.backend ?? '', versions: first?.versions ?? {} },
        runs: result.runs.map(robustnessRunRecord),
        recordedAt: new Date().toISOString(),
      };
      writeRobustnessRecord(record);
      return { plan, result, entries, mapEntries, holm };
    },
    showRecord(record) {
      const colour = VERDICT_COLOURS[record.verdict];
      const items = record.comparisons
        .map((comparison) => `<li>${comparison.primary ? '' : '(context) '}${escapeHtml(describeComparison(comparison))}</li>`)
        .join('');
      book.html(
        `<div class="verdict-record" style="border-left:6px solid ${colour};padding:8px 12px;background:#fafafa">` +
          `<p style="margin:0"><b>${record.id} — “${escapeHtml(record.threadWords)}”</b></p>` +
          `<p style="margin:4px 0;color:${colour}"><b>Verdict: ${record.verdict}</b></p>` +
          `<ul style="margin:4px 0">${items}</ul>` +
          `<p style="margin:0;color:#555">Conditions: ${escapeHtml(record.conditions)}</p></div>`,
      );
    },
  };
}
