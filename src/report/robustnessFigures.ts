/**
 * The robustness page's charts and tables, as pure functions of the entries (robustness.ts):
 *   verdict map — comparisons × conditions at the full budget, coloured by verdict, effect and
 *     interval on hover and in the table;
 *   verdict over budget — per comparison, the mean paired difference (% of the baseline) and its
 *     95% band against epochs (log x), one line per initializer, one panel per data set.
 */
import { Figure } from '../lib/plots/figures';
import { groupColours, VERDICT_COLOURS } from '../lib/plots/palette';
import { Verdict } from '../lib/stats';
import { conditionTitle, DATA_TITLES, INITIALIZER_TITLES, RobustnessCondition, RobustnessEntry, RobustnessPlan, ROBUSTNESS_COMPARISONS } from './robustness';

const VERDICT_CODES: Record<Verdict, number> = { contradicted: -1, inconclusive: 0, supported: 1 };
const percent = (value: number): string => (Number.isFinite(value) ? `${(100 * value).toFixed(1)}%` : '–');

/** The columns of the map, in a fixed order: data set, then initializer, then rate choice. */
function mapColumns(plan: RobustnessPlan): Omit<RobustnessCondition, 'epochs'>[] {
  return plan.dataSets.flatMap((data) => plan.initializers.flatMap((initializer) =>
    (['thread', 'best'] as const).map((learningRateChoice) => ({ data, initializer, learningRateChoice }))));
}

const rowTitle = (entry: { claim: string; comparison: string }): string => `${entry.claim} · ${entry.comparison}`;

/** The verdict map: one cell per comparison × condition at the full budget. */
export function verdictMapFigure(mapEntries: RobustnessEntry[], plan: RobustnessPlan, holm: Verdict[]): Figure {
  const columns = mapColumns(plan);
  const rows = ROBUSTNESS_COMPARISONS.map((comparison) => rowTitle({ claim: comparison.claim, comparison: comparison.name }));
  const cell = (row: string, column: Omit<RobustnessCondition, 'epochs'>) => {
    const index = mapEntries.findIndex((entry) => rowTitle(entry) === row && conditionTitle(entry.condition) === conditionTitle(column));
    return index >= 0 ? { entry: mapEntries[index], holm: holm[index] } : null;
  };
  const z = rows.map((row) => columns.map((column) => {
    const found = cell(row, column);
    return found ? VERDICT_CODES[found.entry.verdict] : null;
  }));
  const text = rows.map((row) => columns.map((column) => {
    const found = cell(row, column);
    return found ? percent(found.entry.relativeDifference) : '';
  }));
  const hover = rows.map((row) => columns.map((column) => {
    const found = cell(row, column);
    if (!found) return '';
    const { entry } = found;
    return `${row}<br>${conditionTitle(entry.condition)}, ${entry.condition.epochs} epochs<br>` +
      `difference ${entry.meanDifference.toPrecision(3)} [${entry.interval[0].toPrecision(3)}, ${entry.interval[1].toPrecision(3)}] (${percent(entry.relativeDifference)})<br>` +
      `${entry.seeds} seeds · rates ${entry.rates.baseline} vs ${entry.rates.candidate}<br>verdict ${entry.verdict} · Holm-adjusted ${found.holm}`;
  }));
  return {
    data: [{
      type: 'heatmap',
      x: columns.map(conditionTitle),
      y: rows,
      z,
      text,
      texttemplate: '%{text}',
      customdata: hover,
      hovertemplate: '%{customdata}<extra></extra>',
      zmin: -1,
      zmax: 1,
      colorscale: [[0, VERDICT_COLOURS.contradicted], [0.5, VERDICT_COLOURS.inconclusive], [1, VERDICT_COLOURS.supported]],
      showscale: false,
      xgap: 2,
      ygap: 2,
    }],
    layout: {
      title: { text: `Verdict of each primary comparison under each condition, after ${plan.epochs} epochs<br><sub>green supported · red contradicted · ochre inconclusive; text: paired difference as % of the baseline</sub>` },
      xaxis: { tickangle: -35, automargin: true },
      yaxis: { autorange: 'reversed', automargin: true },
      height: 160 + 34 * rows.length,
      margin: { l: 260, r: 20, t: 60, b: 170 },
    },
  };
}

/**
 * The mean paired difference (% of the baseline's mean) of one comparison against the training
 * budget, with its 95% band, one line per initializer, one panel per data set (log x).
 */
export function budgetFigure(entries: RobustnessEntry[], plan: RobustnessPlan, comparison: { claim: string; name: string }, learningRateChoice: RobustnessCondition['learningRateChoice']): Figure {
  const colours = groupColours(plan.initializers.map((initializer) => INITIALIZER_TITLES[initializer] ?? initializer));
  const data: Record<string, unknown>[] = [];
  const layout: Record<string, unknown> = {};
  const width = 1 / plan.dataSets.length;
  const annotations: Record<string, unknown>[] = [];
  plan.dataSets.forEach((dataSet, panel) => {
    const axis = panel === 0 ? '' : String(panel + 1);
    for (const initializer of plan.initializers) {
      const own = entries
        .filter((entry) => entry.claim === comparison.claim && entry.comparison === comparison.name && entry.condition.data === dataSet &&
          entry.condition.initializer === initializer && entry.condition.learningRateChoice === learningRateChoice)
        .sort((a, b) => a.condition.epochs - b.condition.epochs);
      const baselineMean = (entry: RobustnessEntry): number => entry.meanDifference / entry.relativeDifference;
      const scaled = (value: number, entry: RobustnessEntry): number | null => {
        const relative = (100 * value) / baselineMean(entry);
        return Number.isFinite(relative) ? relative : null;
      };
      const epochs = own.map((entry) => entry.condition.epochs);
      const name = INITIALIZER_TITLES[initializer] ?? initializer;
      const colour = colours.get(name) as string;
      const common = { type: 'scatter', x: epochs, xaxis: `x${axis}`, yaxis: `y${axis}`, legendgroup: name };
      data.push({ ...common, mode: 'lines', y: own.map((entry) => scaled(entry.interval[0], entry)), line: { width: 0, color: colour }, showlegend: false, hoverinfo: 'skip', name: `${name} low` });
      data.push({ ...common, mode: 'lines', y: own.map((entry) => scaled(entry.interval[1], entry)), line: { width: 0, color: colour }, fill: 'tonexty', fillcolor: `${colour}33`, showlegend: false, hoverinfo: 'skip', name: `${name} high` });
      data.push({
        ...common, mode: 'lines+markers', y: own.map((entry) => scaled(entry.meanDifference, entry)), name, showlegend: panel === 0,
        line: { color: colour, width: 2 }, marker: { size: 4, color: own.map((entry) => VERDICT_COLOURS[entry.verdict]) },
        customdata: own.map((entry) => `${entry.verdict}, ${entry.seeds} seeds`), hovertemplate: `${name}, %{x} epochs: %{y:.1f}% (%{customdata})<extra></extra>`,
      });
    }
    layout[`xaxis${axis}`] = { type: 'log', domain: [panel * width + 0.04, (panel + 1) * width - 0.02], title: { text: 'epochs (log)' } };
    layout[`yaxis${axis}`] = { anchor: `x${axis}`, title: panel === 0 ? { text: 'paired difference, % of baseline' } : undefined, zeroline: true, zerolinewidth: 2, zerolinecolor: '#555' };
    annotations.push({ text: DATA_TITLES[dataSet] ?? dataSet, xref: 'paper', yref: 'paper', x: panel * width + width / 2, y: 1.02, showarrow: false, xanchor: 'center', yanchor: 'bottom' });
  });
  return {
    data,
    layout: {
      ...layout,
      annotations,
      title: { text: `${comparison.claim} · ${comparison.name}: paired difference against the training budget<br><sub>${learningRateChoice === 'thread' ? 'thread\'s rate' : 'best rate by validation at each budget'}; above 0 favours the thread; band: 95% interval</sub>`, font: { size: 14 } },
      height: 380,
      margin: { l: 70, r: 20, t: 80, b: 50 },
      legend: { title: { text: 'initializer' } },
    },
  };
}

/** The map as table rows: one per comparison × condition, with raw and Holm-adjusted verdicts. */
export function mapTableRows(mapEntries: RobustnessEntry[], holm: Verdict[]): Record<string, unknown>[] {
  return mapEntries.map((entry, index) => ({
    comparison: rowTitle(entry),
    condition: conditionTitle(entry.condition),
    rates: `${entry.rates.baseline} vs ${entry.rates.candidate}`,
    difference: entry.meanDifference,
    low: entry.interval[0],
    high: entry.interval[1],
    relative: Number.isFinite(entry.relativeDifference) ? 100 * entry.relativeDifference : null,
    seeds: entry.seeds,
    verdict: entry.verdict,
    holm: holm[index],
  }));
}

export const MAP_TABLE_COLUMNS = [
  { key: 'comparison' },
  { key: 'condition' },
  { key: 'rates', label: 'rates (baseline vs candidate)' },
  { key: 'difference', label: 'mean difference' },
  { key: 'low', label: '95% low' },
  { key: 'high', label: '95% high' },
  { key: 'relative', label: '% of baseline', digits: 1 },
  { key: 'seeds' },
  { key: 'verdict' },
  { key: 'holm', label: 'Holm-adjusted' },
];
