/**
 * The index page's pieces: the claims table (verdict, each primary effect labelled with its
 * comparison, links to the claim pages), the forest plot of every primary comparison, and how the
 * report was made.
 */
import { escapeHtml, formatDuration, tableHtml } from '../lib/display/html';
import { entriesAtFullBudget } from '../lib/conditionMap/index';
import { dataScaleTitle, describeProfile, Profile } from '../lib/experiment/profiles';
import { MARGIN_VERDICT_COLOURS, VERDICT_COLOURS } from '../lib/plots/palette';
import { AnswerRow } from './answer';
import { ClaimId } from './claims';
import { glossaryRows } from './margin';
import { effectText } from './notebook';
import { ClaimRecord, RobustnessRecord } from './records';
import { claimRobustnessSummary, robustnessSpec, scaleAgreement } from './robustness';

/** Extra columns a row of the claims table may carry (the robustness summary adds two). */
export type ClaimRowExtras = Record<string, { html: string }>;

/**
 * The claims table. Links point at the notebooks (`01-output-activation.ipynb`), which works inside
 * Jupyter; the report build rewrites them to the pages (`01-output-activation.html`).
 */
export function claimsTableHtml(claims: ClaimRecord[], extras: Record<string, ClaimRowExtras> = {}): string {
  const extraColumns = [...new Set(Object.values(extras).flatMap((row) => Object.keys(row)))];
  const secondScale = claims.find((claim) => claim.atOtherScale)?.atOtherScale?.data ?? null;
  const body = claims.map((claim) => {
    const colour = VERDICT_COLOURS[claim.verdict];
    const effects = claim.comparisons.filter((comparison) => comparison.primary)
      .map((comparison) => `<div><i>${escapeHtml(comparison.name)}</i>: ${escapeHtml(effectText(comparison))}` +
        `${comparison.margins ? ` · <span style="color:${MARGIN_VERDICT_COLOURS[comparison.margins.verdicts.delta]}">${escapeHtml(comparison.margins.verdicts.delta)}</span>` : ''}</div>`).join('');
    const other = claim.atOtherScale;
    const otherCell = secondScale
      ? `<td style="text-align:left;color:${other ? VERDICT_COLOURS[other.verdict] : '#555'}">${other ? `<b>${escapeHtml(other.verdict)}</b>${other.verdict !== claim.verdict ? ' <span class="scale-differs" style="color:#b00020;font-weight:bold">≠ differs</span>' : ''}` : '–'}</td>`
      : '';
    const extraCells = extraColumns.map((column) => `<td style="text-align:left">${extras[claim.id]?.[column]?.html ?? ''}</td>`).join('');
    return `<tr><td style="text-align:left;white-space:nowrap"><a href="${escapeHtml(claim.notebook)}.ipynb">${escapeHtml(`${claim.id} ${claim.title}`)}</a></td>` +
      `<td style="text-align:left">${escapeHtml(claim.threadWords)}</td>` +
      `<td style="text-align:left;color:${colour}"><b>${escapeHtml(claim.verdict)}</b></td>${otherCell}` +
      `<td style="text-align:left;font-size:0.92em">${effects}</td><td style="text-align:right">${claim.seeds.length}</td>${extraCells}</tr>`;
  }).join('\n');
  const reference = claims[0] ? `verdict (reference protocol: ${dataScaleTitle(claims[0].data)})` : 'verdict (reference protocol)';
  const header = ['claim', "the thread's words", reference, ...(secondScale ? [`verdict at ${dataScaleTitle(secondScale)}`] : []),
    'effect per primary comparison: mean paired difference [95% interval] (relative) · margin verdict', 'seeds', ...extraColumns]
    .map((title) => `<th style="text-align:left">${escapeHtml(title)}</th>`).join('');
  return `<table class="claims-table result-table"><thead><tr>${header}</tr></thead><tbody>${body}</tbody></table>`;
}

/**
 * Every primary comparison's mean paired difference with its 95% interval, relative to the
 * baseline's mean (%), on one axis, coloured by verdict, zero marked. Right of zero favours the
 * thread's side.
 */
export function forestSpec(claims: ClaimRecord[]): Record<string, unknown> {
  const rows = claims.flatMap((claim) => claim.comparisons.filter((comparison) => comparison.primary).map((comparison) => {
    const baseline = comparison.result.baseline.mean;
    const percent = (value: number): number => (100 * value) / baseline;
    return {
      comparison: `${claim.id} · ${comparison.name}`,
      effect: percent(comparison.result.meanDifference),
      low: percent(comparison.result.interval[0]),
      high: percent(comparison.result.interval[1]),
      verdict: comparison.result.verdict,
    };
  })).filter((row) => Number.isFinite(row.effect) && Number.isFinite(row.low) && Number.isFinite(row.high));
  const y = { field: 'comparison', type: 'nominal', sort: rows.map((row) => row.comparison), title: null, axis: { labelLimit: 380 } };
  const verdicts = Object.keys(VERDICT_COLOURS) as (keyof typeof VERDICT_COLOURS)[];
  const color = { field: 'verdict', type: 'nominal', title: 'verdict', scale: { domain: verdicts, range: verdicts.map((verdict) => VERDICT_COLOURS[verdict]) } };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: 'Every primary comparison: mean paired difference and 95% interval, % of the baseline (right of 0 favours the thread)',
    width: 420,
    height: { step: 22 },
    layer: [
      { data: { values: [{ zero: 0 }] }, mark: { type: 'rule', color: '#555', strokeDash: [4, 3] }, encoding: { x: { field: 'zero', type: 'quantitative' } } },
      { data: { values: rows }, mark: { type: 'rule', strokeWidth: 2 }, encoding: { y, x: { field: 'low', type: 'quantitative', title: 'paired difference, % of the baseline mean' }, x2: { field: 'high' }, color } },
      { data: { values: rows }, mark: { type: 'point', filled: true, size: 70 }, encoding: { y, x: { field: 'effect', type: 'quantitative' }, color } },
    ],
  };
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
    `profile: ${describeProfile(profile)}`,
    firstRun ? `engine: ${firstRun.engine} · backend: ${firstRun.backend}` : 'no runs recorded',
    firstRun ? `versions: ${Object.entries(firstRun.versions as Record<string, string>).map(([name, value]) => `${name} ${value}`).join(' · ')}` : '',
    firstRun ? `data: ${JSON.stringify((firstRun.config as { data?: unknown }).data)} (fingerprint ${firstRun.data.fingerprint})` : '',
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

/**
 * The robustness columns of the claims table: "holds in k of n conditions" and a one-sentence
 * answer, both computed from the map at the full budget (claims outside the sweep get a dash).
 */
export function robustnessExtras(record: RobustnessRecord): Record<string, ClaimRowExtras> {
  const mapEntries = entriesAtFullBudget(record.entries);
  const spec = robustnessSpec(record.plan);
  const extras: Record<string, ClaimRowExtras> = {};
  for (const claim of [...new Set(mapEntries.map((entry) => entry.group as ClaimId))]) {
    const summary = claimRobustnessSummary(spec, mapEntries, claim);
    const scales = scaleAgreement(record.plan, mapEntries).filter((row) => row.claim === claim);
    const differing = scales.filter((row) => !row.agrees);
    extras[claim] = {
      ...(scales.length > 0 ? {
        'map: verdicts that differ between the scales': {
          html: differing.length === 0 ? `none of ${scales.length}` : `<span class="scale-differs" style="color:#b00020;font-weight:bold">${differing.length} of ${scales.length}</span>: ` +
            escapeHtml(differing.map((row) => `${row.comparison} on ${row.family} with ${row.initializer}: ${row.small.verdict} at ${row.small.scale}, ${row.large.verdict} at ${row.large.scale}`).join('; ')),
        },
      } : {}),
      'holds in k of n conditions (each at its full budget)': { html: `<b>${summary.holds} of ${summary.conditions}</b>${summary.contradicted ? ` <span style="color:${VERDICT_COLOURS.contradicted}">(reversed in ${summary.contradicted})</span>` : ''}` },
      'answer, from the robustness map': { html: `${escapeHtml(summary.answer)} <a href="08-robustness.ipynb">map</a>` },
    };
  }
  return extras;
}

const SHORT_COLOURS: Record<AnswerRow['short'], string> = { yes: VERDICT_COLOURS.supported, 'yes, but': '#b8860b', no: VERDICT_COLOURS.contradicted, unsettled: '#777' };

/** The title question's three rows, each with its computed sentence and links to its evidence. */
export function answerHtml(rows: AnswerRow[]): string {
  const body = rows.map((row) => `<tr><td style="text-align:left;vertical-align:top;white-space:nowrap"><b>${escapeHtml(row.layer)}</b><br>` +
    `<span style="font-size:1.25em;color:${SHORT_COLOURS[row.short]}"><b>${escapeHtml(row.short)}</b></span></td>` +
    `<td style="text-align:left;vertical-align:top">${escapeHtml(row.sentence)}<br><span style="font-size:0.9em">evidence: ` +
    `${row.evidence.map((notebook) => `<a href="${escapeHtml(notebook)}.ipynb">${escapeHtml(notebook)}</a>`).join(' · ')}</span></td></tr>`).join('\n');
  return `<table class="answer-table result-table"><thead><tr><th style="text-align:left">Can I use ReLU in the …</th>` +
    `<th style="text-align:left">answer, computed from the runs</th></tr></thead><tbody>${body}</tbody></table>`;
}

/** The glossary: δ and its justification, each verdict word, a failed run. */
export function glossaryHtml(): string {
  return tableHtml(glossaryRows(), [{ key: 'term' }, { key: 'definition' }]);
}

/** How many intervals the report computes, and which family each multiplicity correction runs over. */
export function multiplicityText(claims: ClaimRecord[], robustness: RobustnessRecord | null): string {
  const claimComparisons = claims.flatMap((claim) => [...claim.comparisons, ...(claim.atOtherScale?.comparisons ?? [])]);
  const primary = claims.flatMap((claim) => claim.comparisons.filter((comparison) => comparison.primary)).length;
  const mapAll = robustness?.entries.length ?? 0;
  const mapFull = robustness ? entriesAtFullBudget(robustness.entries).length : 0;
  return `This report computes ${(claimComparisons.length + mapAll).toLocaleString('en-US')} paired 95% intervals: ${claimComparisons.length} on the claim pages ` +
    `(${primary} of them primary, deciding a verdict at the reference protocol; the rest context or the second scale) and ${mapAll.toLocaleString('en-US')} on the robustness map, ` +
    `${mapFull} of them at each condition's full budget. Holm's step-down adjustment (family-wise error 5%) runs over those ${mapFull} full-budget map intervals: once for the ` +
    'superiority verdicts, and once for each kind of margin hypothesis (equivalence within δ, non-inferiority), whose adjusted decisions give the map\'s Holm-adjusted margin verdicts. ' +
    'The claim verdicts are not adjusted: each claim is its own pre-declared family of one or a few primary comparisons, and a claim is supported only when all of them are. ' +
    'The budget charts, the second scale and the context comparisons describe; they decide nothing.';
}
