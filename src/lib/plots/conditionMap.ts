/**
 * Charts and tables of any condition map (conditionMap/), as pure functions of its entries:
 *   verdict grid — comparisons × conditions at each condition's full budget, coloured by verdict,
 *     the effect as text, interval and Holm-adjusted verdict on hover;
 *   budget bands — one comparison's mean paired difference (% of the baseline) and its 95% band
 *     against the budget, in epochs or in optimizer updates (log x), one panel per level of one
 *     factor, one line per level of another (dashes for a third);
 *   table — one row per comparison × condition at full budget.
 */
import { ConditionMapSpec, MapEntry } from '../conditionMap/index';
import { Verdict } from '../stats';
import { Figure } from './figures';
import { MARGIN_VERDICTS, MarginVerdict } from '../margins';
import { DASH_STYLES, groupColours, MARGIN_VERDICT_COLOURS, VERDICT_COLOURS } from './palette';

/** What the charts read: a map's spec and entries (a ConditionMapResult has them). */
export interface ConditionMapView {
  spec: ConditionMapSpec;
  entries: MapEntry[];
  mapEntries: MapEntry[];
  holm: Verdict[];
  /** Holm-adjusted margin verdicts at δ, when the spec declares a margin. */
  holmMargins?: MarginVerdict[] | null;
}

const VERDICT_CODES: Record<Verdict, number> = { contradicted: -1, inconclusive: 0, supported: 1 };
const percent = (value: number): string => (Number.isFinite(value) ? `${(100 * value).toFixed(1)}%` : '–');

/** A comparison's row title: "C4 · ELU vs ReLU", or its name alone without a group. */
export function comparisonTitle(comparison: { group?: string; comparison?: string; name?: string }): string {
  const name = comparison.comparison ?? comparison.name ?? '';
  return comparison.group ? `${comparison.group} · ${name}` : name;
}

function conditionTitleOf(spec: ConditionMapSpec, id: string): string {
  return spec.conditions.find((condition) => condition.id === id)?.title ?? id;
}

/** Options of conditionMapFigure. */
export interface ConditionMapFigureOptions {
  /** Default: "Verdict of each comparison under each condition, at the full budget". */
  title?: string;
  /** Colour cells by the superiority verdict (default) or by the margin verdict at δ (needs spec.margin). */
  colourBy?: 'verdict' | 'margin';
}

/** Margin verdicts in colour-scale order, worst to best. */
const MARGIN_ORDER: MarginVerdict[] = ['worse', 'inconclusive', 'not worse than δ', 'equivalent within δ', 'better'];

/** The verdict grid: one cell per comparison × condition at full budget. */
export function conditionMapFigure(view: ConditionMapView, options: ConditionMapFigureOptions = {}): Figure {
  const { spec, mapEntries, holm } = view;
  const rows = spec.comparisons.map(comparisonTitle);
  const columns = spec.conditions;
  const cell = (row: string, condition: string) => {
    const index = mapEntries.findIndex((entry) => comparisonTitle(entry) === row && entry.condition === condition);
    return index >= 0 ? { entry: mapEntries[index], holm: holm[index] } : null;
  };
  const grid = <Value>(read: (found: { entry: MapEntry; holm: Verdict }) => Value, empty: Value): Value[][] =>
    rows.map((row) => columns.map((column) => {
      const found = cell(row, column.id);
      return found ? read(found) : empty;
    }));
  const budgets = [...new Set(mapEntries.map((entry) => entry.epochs))].sort((a, b) => a - b);
  const byMargin = options.colourBy === 'margin';
  if (byMargin && spec.margin === undefined) throw new Error('conditionMapFigure: colourBy "margin" needs a spec with a margin');
  const marginHover = (entry: MapEntry, index: number): string => (entry.margins
    ? `<br>margin verdict ${entry.margins.delta} (δ/2: ${entry.margins.half}, 2δ: ${entry.margins.double})${view.holmMargins ? ` · Holm-adjusted ${view.holmMargins[index]}` : ''}`
    : '');
  // A discrete scale: each verdict its own band of the 0–1 range.
  const bands = MARGIN_ORDER.length;
  const marginScale = MARGIN_ORDER.flatMap((verdict, index) => [[index / bands, MARGIN_VERDICT_COLOURS[verdict]], [(index + 1) / bands, MARGIN_VERDICT_COLOURS[verdict]]]);
  return {
    data: [{
      type: 'heatmap',
      x: columns.map((condition) => condition.title),
      y: rows,
      z: grid<number | null>(({ entry }) => (byMargin ? (MARGIN_ORDER.indexOf(entry.margins?.delta ?? 'inconclusive') + 0.5) / bands : VERDICT_CODES[entry.verdict]), null),
      text: grid(({ entry }) => percent(entry.relativeDifference), ''),
      texttemplate: '%{text}',
      customdata: grid(({ entry, holm: adjusted }) =>
        `${comparisonTitle(entry)}<br>${conditionTitleOf(spec, entry.condition)}, ${entry.epochs} epochs (${entry.updates.toLocaleString('en-US')} updates)<br>` +
        `difference ${entry.meanDifference.toPrecision(3)} [${entry.interval[0].toPrecision(3)}, ${entry.interval[1].toPrecision(3)}] (${percent(entry.relativeDifference)})<br>` +
        `${entry.seeds} seeds · rates ${entry.rates.baseline} vs ${entry.rates.candidate}<br>verdict ${entry.verdict} · Holm-adjusted ${adjusted}` +
        marginHover(entry, mapEntries.indexOf(entry)), ''),
      hovertemplate: '%{customdata}<extra></extra>',
      zmin: byMargin ? 0 : -1,
      zmax: 1,
      colorscale: byMargin ? marginScale : [[0, VERDICT_COLOURS.contradicted], [0.5, VERDICT_COLOURS.inconclusive], [1, VERDICT_COLOURS.supported]],
      showscale: false,
      xgap: 2,
      ygap: 2,
    }],
    layout: {
      title: {
        text: `${options.title ?? `${byMargin ? `Margin verdict (δ = ${100 * (spec.margin as number)}%)` : 'Verdict'} of each comparison under each condition, after ${budgets.join(' or ')} epochs (each condition's full budget)`}` +
          (byMargin
            ? `<br><sub>${MARGIN_VERDICTS.map((verdict) => `<span style="color:${MARGIN_VERDICT_COLOURS[verdict]}">■</span> ${verdict}`).join(' · ')} (for the candidate); text: paired difference as % of the baseline</sub>`
            : '<br><sub>green: the candidate is better · red: worse · ochre: inconclusive; text: paired difference as % of the baseline</sub>'),
      },
      xaxis: { tickangle: -35, automargin: true },
      yaxis: { autorange: 'reversed', automargin: true },
      // The margins hold the title and the slanted condition names; the cells get at least 80 pixels.
      height: 260 + Math.max(80, 34 * rows.length),
      margin: { l: 260, r: 20, t: 70, b: 190 },
    },
  };
}

/** Options of budgetBandsFigure. */
export interface BudgetBandsOptions {
  /** The comparison: its name, and its group when comparisons are grouped. */
  comparison: { name: string; group?: string };
  /** Only conditions whose factors have these values (e.g. { rate: "thread's rate" }). */
  where?: Record<string, string>;
  /** One panel per level of this factor; default none (one panel). */
  panelBy?: string;
  /** One colour per level of this factor; default one line per condition. */
  lineBy?: string;
  /** One dash style per level of this factor (e.g. the data's scale); default none. */
  dashBy?: string;
  /** The x axis: 'epochs' (default) or 'updates' (optimizer steps), log scale either way. */
  axis?: 'epochs' | 'updates';
  title?: string;
}

/**
 * One comparison's mean paired difference (% of the baseline's mean) against the budget, with its
 * 95% band; see the module comment. Above 0 favours the candidate.
 */
export function budgetBandsFigure(view: Pick<ConditionMapView, 'spec' | 'entries'>, options: BudgetBandsOptions): Figure {
  const { spec, entries } = view;
  const axis = options.axis ?? 'epochs';
  const conditions = spec.conditions.filter((condition) => Object.entries(options.where ?? {}).every(([factor, value]) => condition.factors[factor] === value));
  const levels = (factor: string | undefined): string[] => (factor ? [...new Set(conditions.map((condition) => condition.factors[factor]))] : ['']);
  const panels = levels(options.panelBy);
  const colours = groupColours(options.lineBy ? levels(options.lineBy) : conditions.map((condition) => condition.title));
  const dashes = new Map(levels(options.dashBy).map((level, index) => [level, DASH_STYLES[index % DASH_STYLES.length]]));
  const data: Record<string, unknown>[] = [];
  const layout: Record<string, unknown> = {};
  const annotations: Record<string, unknown>[] = [];
  const width = 1 / panels.length;
  const shownInLegend = new Set<string>();
  panels.forEach((panel, panelIndex) => {
    const suffix = panelIndex === 0 ? '' : String(panelIndex + 1);
    for (const condition of conditions.filter((entry) => !options.panelBy || entry.factors[options.panelBy] === panel)) {
      const own = entries
        .filter((entry) => entry.condition === condition.id && entry.comparison === options.comparison.name && entry.group === options.comparison.group)
        .sort((a, b) => a.epochs - b.epochs);
      if (own.length === 0) continue;
      const scaled = (value: number, entry: MapEntry): number | null => {
        const relative = (100 * value) / entry.baselineMean;
        return Number.isFinite(relative) ? relative : null;
      };
      const x = own.map((entry) => (axis === 'updates' ? entry.updates : entry.epochs));
      const lineName = options.lineBy ? condition.factors[options.lineBy] : condition.title;
      const name = options.dashBy ? `${lineName} · ${condition.factors[options.dashBy]}` : lineName;
      const colour = colours.get(lineName) as string;
      const dash = options.dashBy ? (dashes.get(condition.factors[options.dashBy]) as string) : 'solid';
      const common = { type: 'scatter', x, xaxis: `x${suffix}`, yaxis: `y${suffix}`, legendgroup: name };
      data.push({ ...common, mode: 'lines', y: own.map((entry) => scaled(entry.interval[0], entry)), line: { width: 0, color: colour }, showlegend: false, hoverinfo: 'skip', name: `${name} low` });
      data.push({ ...common, mode: 'lines', y: own.map((entry) => scaled(entry.interval[1], entry)), line: { width: 0, color: colour }, fill: 'tonexty', fillcolor: `${colour}26`, showlegend: false, hoverinfo: 'skip', name: `${name} high` });
      data.push({
        ...common, mode: 'lines+markers', y: own.map((entry) => scaled(entry.meanDifference, entry)), name, showlegend: !shownInLegend.has(name),
        line: { color: colour, width: 2, dash }, marker: { size: 5, color: own.map((entry) => VERDICT_COLOURS[entry.verdict]) },
        customdata: own.map((entry) => `${entry.epochs} epochs, ${entry.updates.toLocaleString('en-US')} updates: ${entry.verdict}, ${entry.seeds} seeds`),
        hovertemplate: `${name}: %{y:.1f}% (%{customdata})<extra></extra>`,
      });
      shownInLegend.add(name);
    }
    // Ticks at budgets that were read (whole epochs, or their updates), at most ten of them.
    const budgets = [...new Set(data.filter((trace) => trace.xaxis === `x${suffix}`).flatMap((trace) => trace.x as number[]))].sort((a, b) => a - b);
    layout[`xaxis${suffix}`] = {
      type: 'log', domain: [panelIndex * width + 0.04, (panelIndex + 1) * width - 0.02], title: { text: `${axis === 'updates' ? 'optimizer updates' : 'epochs'} (log)` },
      tickvals: thinned(budgets, 10), ticktext: thinned(budgets, 10).map((value) => value.toLocaleString('en-US')),
    };
    layout[`yaxis${suffix}`] = { anchor: `x${suffix}`, title: panelIndex === 0 ? { text: 'paired difference, % of baseline' } : undefined, zeroline: true, zerolinewidth: 2, zerolinecolor: '#555' };
    if (options.panelBy) annotations.push({ text: panel, xref: 'paper', yref: 'paper', x: panelIndex * width + width / 2, y: 1.02, showarrow: false, xanchor: 'center', yanchor: 'bottom' });
  });
  return {
    data,
    layout: {
      ...layout,
      annotations,
      title: { text: options.title ?? `${comparisonTitle(options.comparison)}: paired difference against the training budget<br><sub>above 0 favours the candidate; band: 95% interval; markers coloured by verdict</sub>`, font: { size: 14 } },
      height: 400,
      margin: { l: 70, r: 20, t: 80, b: 50 },
      legend: { title: { text: [options.lineBy, options.dashBy].filter(Boolean).join(' · ') || 'condition' } },
    },
  };
}

/** At most `count` of sorted values, evenly spread by position, always the first and the last. */
export function thinned(values: number[], count: number): number[] {
  if (values.length <= count) return values;
  const picked = new Set<number>();
  for (let index = 0; index < count; index++) picked.add(values[Math.round((index * (values.length - 1)) / (count - 1))]);
  return [...picked];
}

/** The map as table rows: one per comparison × condition at full budget, with raw and Holm-adjusted verdicts. */
export function conditionMapTableRows(view: Pick<ConditionMapView, 'spec' | 'mapEntries' | 'holm' | 'holmMargins'>): Record<string, unknown>[] {
  return view.mapEntries.map((entry, index) => ({
    comparison: comparisonTitle(entry),
    condition: conditionTitleOf(view.spec, entry.condition),
    budget: `${entry.epochs} epochs (${entry.updates.toLocaleString('en-US')} updates)`,
    rates: `${entry.rates.baseline} vs ${entry.rates.candidate}`,
    difference: entry.meanDifference,
    low: entry.interval[0],
    high: entry.interval[1],
    relative: Number.isFinite(entry.relativeDifference) ? 100 * entry.relativeDifference : null,
    seeds: entry.seeds,
    verdict: entry.verdict,
    holm: view.holm[index],
    margin: entry.margins ? entry.margins.delta : '–',
    holmMargin: view.holmMargins?.[index] ?? '–',
  }));
}

export const CONDITION_MAP_TABLE_COLUMNS = [
  { key: 'comparison' },
  { key: 'condition' },
  { key: 'budget' },
  { key: 'rates', label: 'rates (baseline vs candidate)' },
  { key: 'difference', label: 'mean difference' },
  { key: 'low', label: '95% low' },
  { key: 'high', label: '95% high' },
  { key: 'relative', label: '% of baseline', digits: 1 },
  { key: 'seeds' },
  { key: 'verdict' },
  { key: 'holm', label: 'Holm-adjusted' },
  { key: 'margin', label: 'margin verdict at δ' },
  { key: 'holmMargin', label: 'Holm-adjusted margin verdict' },
];
