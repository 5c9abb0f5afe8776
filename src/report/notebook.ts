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
import { MARGIN_VERDICT_COLOURS, VERDICT_COLOURS } from '../lib/plots/palette';
import { countFailures, FAILURE_DEFINITION, failureText } from '../lib/failures';
import { describeComparison } from '../lib/compare';
import { ConditionMapResult, MapEntry } from '../lib/conditionMap/index';
import { dataScaleTitle, describeData, profileOnData } from '../lib/experiment/profiles';
import { ClaimRecord, recordClaim, RobustnessRecord, robustnessRunRecord, writeRobustnessRecord } from './records';
import { robustnessPlan, RobustnessPlan, robustnessSpec } from './robustness';
import { analyzeStudy, sideText, Study, STUDY_METRICS, StudyAnalysis, StudyDefinition, studyExperiment } from './studies';

/** What runClaim returns: the study, its experiment's result, the analysis and the written record. */
export interface ClaimRun extends StudyAnalysis {
  /** The study's definition under the notebook's profile. */
  definition: StudyDefinition;
  result: ExperimentResult;
  record: ClaimRecord;
  /** The same study at the profile's second scale, or null. */
  atOtherScale: (StudyAnalysis & { definition: StudyDefinition; result: ExperimentResult }) | null;
}

/** What runRobustness returns: the plan and the library's condition map of the sweep. */
export interface RobustnessRun extends ConditionMapResult {
  plan: RobustnessPlan;
}

/** Numbers in the robustness record to 4 significant digits: 10,000 entries at full precision only cost bytes. */
function compactEntry(entry: MapEntry): MapEntry {
  const round = (value: number): number => (Number.isFinite(value) ? Number(value.toPrecision(4)) : value);
  return {
    ...entry, meanDifference: round(entry.meanDifference), interval: [round(entry.interval[0]), round(entry.interval[1])],
    baselineMean: round(entry.baselineMean), relativeDifference: round(entry.relativeDifference), pValue: round(entry.pValue),
  };
}

export interface ReportNotebook extends Notebook {
  /**
   * Runs a claim's study (defined in the notebook) under the notebook's profile, and at the profile's
   * second scale when it has one; records the verdict and shows the verdict box.
   */
  runClaim(study: Study): Promise<ClaimRun>;
  /** The configurations of a study and its comparisons, as tables. */
  showDesign(claim: ClaimRun): void;
  /** The per-seed values behind each primary comparison: baseline, candidate, difference. */
  showPerSeed(record: ClaimRecord): void;
  /** Every comparison (context ones too) with its numbers, and the conditions. */
  showRecord(record: ClaimRecord): void;
  /** A strip chart of the per-seed differences of the primary comparisons, so that two groups of seeds show. */
  showPerSeedPoints(record: ClaimRecord): Promise<void>;
  /** Per configuration, how many runs failed (lib/failures.ts) with an exact 95% interval of the rate. */
  showFailures(claim: ClaimRun): void;
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

/** "equivalent within δ (δ/2: inconclusive · 2δ: equivalent within δ)", and the seeds that would resolve it. */
export function marginText(comparison: Comparison): string {
  const margins = comparison.margins;
  if (!margins) return '';
  const { verdicts } = margins;
  const seeds = margins.seedsToResolve;
  const resolve = seeds ? `; about ${Number.isFinite(seeds.seeds) ? seeds.seeds : 'more than 10,000'} seeds would resolve it at δ` : '';
  return `${verdicts.delta} at δ = ${100 * margins.margin}% (at δ/2: ${verdicts.half}; at 2δ: ${verdicts.double})${resolve}`;
}

/** The box at the top of a claim page: verdict, the thread's words, and each primary effect. */
export function verdictBoxHtml(record: ClaimRecord): string {
  const colour = VERDICT_COLOURS[record.verdict];
  const primary = record.comparisons.filter((comparison) => comparison.primary);
  const effects = primary.map((comparison) =>
    `<li><b>${escapeHtml(comparison.name)}</b>: ${escapeHtml(comparison.metricName)} difference (baseline − candidate) ` +
    `<b>${escapeHtml(effectText(comparison))}</b> over ${comparison.result.pairedSeeds.length} seeds → ` +
    `<span style="color:${VERDICT_COLOURS[comparison.result.verdict]}">${comparison.result.verdict}</span>` +
    (comparison.margins ? `; margin verdict: <span style="color:${MARGIN_VERDICT_COLOURS[comparison.margins.verdicts.delta]}"><b>${escapeHtml(marginText(comparison))}</b></span>` : '') +
    (comparison.margins?.bimodality.bimodal ? ' <b>(bimodal per-seed differences: see below)</b>' : '') + '</li>').join('');
  return `<div class="verdict" style="border-left:6px solid ${colour};padding:8px 12px;background:#fafafa;margin:4px 0 12px">` +
    `<p style="margin:0"><b>${record.id} — “${escapeHtml(record.threadWords)}”</b></p>` +
    `<p style="margin:4px 0;font-size:1.3em;color:${colour}"><b>Verdict: ${record.verdict}</b></p>` +
    `<ul style="margin:4px 0">${effects}</ul>` +
    `<p style="margin:0;color:#555;font-size:0.9em">Measured on ${escapeHtml(describeData(record.data))}. Positive differences favour the thread's side. ` +
    `Profile ${escapeHtml(record.profile)}, ${record.seeds.length} seeds; 95% paired t-intervals; the full record is at the bottom of the page.</p>` +
    otherScaleHtml(record) + '</div>';
}

/** The verdict at the profile's second scale, labelled with its data, for the verdict box. */
function otherScaleHtml(record: ClaimRecord): string {
  const other = record.atOtherScale;
  if (!other) return '';
  const effects = other.comparisons.filter((comparison) => comparison.primary)
    .map((comparison) => `${escapeHtml(comparison.name)}: ${escapeHtml(effectText(comparison))} → ${comparison.result.verdict}`).join('; ');
  const moved = other.verdict === record.verdict ? 'the same verdict' : `<b>a different verdict</b> from the ${escapeHtml(dataScaleTitle(record.data))} one`;
  return `<p style="margin:6px 0 0;font-size:0.9em">At ${escapeHtml(describeData(other.data))} (the earlier evidence's scale), the same study gives ` +
    `<b style="color:${VERDICT_COLOURS[other.verdict]}">${other.verdict}</b>, ${moved}: ${effects}.</p>`;
}

/** A run's failure as its record says it (the record holds every run of the claim). */
function runFailureOf(record: ClaimRecord, key: string): string | null {
  return record.runs.find((run) => run.key === key)?.failure ?? null;
}

export function createReportNotebook(tslab: TslabLike, options: NotebookOptions): ReportNotebook {
  const book = createNotebook(tslab, options);
  return {
    ...book,
    async runClaim(study) {
      const definition = study(book.profile);
      const result = await book.run(studyExperiment(definition, book.profile));
      const analysis = analyzeStudy(definition, book.profile, result.runs);
      let atOtherScale: ClaimRun['atOtherScale'] = null;
      const otherData = book.profile.comparisonData;
      if (otherData) {
        const otherProfile = profileOnData(book.profile, otherData);
        const otherDefinition = study(otherProfile);
        const otherResult = await book.run(studyExperiment(otherDefinition, otherProfile));
        atOtherScale = { ...analyzeStudy(otherDefinition, otherProfile, otherResult.runs), definition: otherDefinition, result: otherResult };
      }
      const record = recordClaim({
        id: definition.id, comparisons: analysis.comparisons, profile: book.profile, experiments: [result], conditions: analysis.conditions,
        atOtherScale: atOtherScale && otherData ? { data: otherData, comparisons: atOtherScale.comparisons, experiments: [atOtherScale.result] } : null,
      });
      book.html(verdictBoxHtml(record));
      return { ...analysis, definition, result, record, atOtherScale };
    },
    showDesign(claim) {
      const experiment = studyExperiment(claim.definition, book.profile);
      book.html(`<p style="font:13px monospace">Data: ${escapeHtml(describeData(book.profile.data))}` +
        `${book.profile.comparisonData ? `, and again at ${escapeHtml(describeData(book.profile.comparisonData))}` : ''}; ` +
        `${experiment.seeds.length} seeds (${experiment.seeds.join(', ')}); ${experiment.configurations.length} configurations; ` +
        `each configuration runs once per seed, so every comparison is paired by seed.</p>`);
      const rows = claim.definition.configurations.map((configuration) => ({
        configuration: configuration.label,
        arm: configuration.group ?? configuration.label,
        ...configuration.parameters,
      }));
      const keys = [...new Set(rows.flatMap((row) => Object.keys(row)))];
      book.table(rows, keys);
      book.table(
        claim.definition.comparisons.map((comparison) => ({
          comparison: comparison.name, baseline: sideText(comparison.baseline), candidate: sideText(comparison.candidate),
          metric: STUDY_METRICS[comparison.metric ?? 'testMse'].name, role: comparison.primary === false ? 'context' : 'primary (decides the verdict)',
        })),
        ['comparison', 'baseline', 'candidate', 'metric', 'role'],
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
        const margins = comparison.margins;
        if (margins) {
          const robust = `sign test p = ${margins.signTest.pValue.toPrecision(2)} (${margins.signTest.statistic} of ${margins.signTest.count} differences positive); ` +
            `Wilcoxon signed-rank p = ${margins.signedRankTest.pValue.toPrecision(2)}`;
          book.html(`<p style="margin:2px 0 8px;font-size:0.92em">${margins.bimodality.bimodal
            ? `<b>Bimodal:</b> the per-seed differences fall into two groups (${margins.bimodality.lower.length} and ${margins.bimodality.upper.length} seeds, ` +
              `a gap ${margins.bimodality.separation.toFixed(1)}× the spread within them), so the mean and its t-interval describe neither group. Robust companions: ${escapeHtml(robust)}.`
            : `Robust companions of the t-interval: ${escapeHtml(robust)}.`}</p>`);
        }
      }
    },
    async showPerSeedPoints(record) {
      const rows = record.comparisons.filter((comparison) => comparison.primary).flatMap((comparison) => comparison.result.pairedSeeds.map((seed, index) => ({
        comparison: comparison.name,
        seed,
        difference: (100 * comparison.result.differences[index]) / comparison.result.baseline.mean,
      })));
      if (rows.length === 0) return;
      await book.vegaLite({
        $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
        title: 'Per-seed paired differences (baseline − candidate), % of the baseline\'s mean; right of 0 favours the candidate',
        data: { values: rows },
        width: 420,
        height: { step: 34 },
        layer: [
          { mark: { type: 'rule', color: '#555', strokeDash: [4, 3] }, encoding: { x: { datum: 0, type: 'quantitative' } } },
          { mark: { type: 'point', filled: true, size: 60, opacity: 0.75 }, encoding: { y: { field: 'comparison', type: 'nominal', title: null, axis: { labelLimit: 320 } }, x: { field: 'difference', type: 'quantitative', title: 'paired difference, % of the baseline' }, tooltip: [{ field: 'seed' }, { field: 'difference', format: '.2f' }] } },
        ],
      });
    },
    showFailures(claim) {
      const counts = countFailures(claim.result.runs.map((run) => ({ group: run.label, failure: runFailureOf(claim.record, run.key) })));
      book.table(counts.map((count) => ({
        configuration: count.group, 'failed runs': failureText(count),
        kinds: Object.entries(count.reasons).map(([reason, number]) => `${reason} ×${number}`).join(', ') || '–',
      })), ['configuration', 'failed runs', 'kinds']);
      book.note(FAILURE_DEFINITION);
    },
    async runRobustness() {
      const plan = robustnessPlan(book.profile);
      const map = await book.runConditionMap(robustnessSpec(plan));
      const first = map.experiment.runs[0]?.result;
      const record: RobustnessRecord = {
        plan,
        conditions: map.spec.conditions.map(({ id: conditionId, title, factors }) => ({ id: conditionId, title, factors })),
        entries: map.entries.map(compactEntry),
        holm: map.holm,
        holmMargins: map.holmMargins ?? [],
        runsCommon: { engine: first?.engine ?? '', backend: first?.backend ?? '', versions: first?.versions ?? {} },
        runs: map.experiment.runs.map(robustnessRunRecord),
        recordedAt: new Date().toISOString(),
      };
      writeRobustnessRecord(record);
      return { ...map, plan };
    },
    showRecord(record) {
      const colour = VERDICT_COLOURS[record.verdict];
      const items = record.comparisons
        .map((comparison) => `<li>${comparison.primary ? '' : '(context) '}${escapeHtml(describeComparison(comparison))}${comparison.margins ? `; margin verdict ${escapeHtml(marginText(comparison))}` : ''}</li>`)
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
