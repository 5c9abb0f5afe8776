/**
 * One colour per arm across every chart of the report: ReLU is always the same blue, sigmoid the
 * same red, each optimizer its own colour, whichever notebook draws it. Arms without a fixed colour
 * take the next unused colour of EXTRA_COLOURS in order of appearance within a chart.
 */

/** The fixed colours, by arm (a configuration's `group`). */
export const ARM_COLOURS: Readonly<Record<string, string>> = {
  ReLU: '#1f77b4',
  'leaky ReLU': '#ff7f0e',
  ELU: '#2ca02c',
  sigmoid: '#d62728',
  linear: '#8c564b',
  softplus: '#e377c2',
  tanh: '#9edae5',
  adam: '#9467bd',
  sgd: '#7f7f7f',
  momentum: '#bcbd22',
  rmsprop: '#17becf',
  adagrad: '#e7ba52',
  'stacked DAE': '#637939',
  'plain autoencoder': '#843c39',
};

/** Colours for arms without a fixed one; none of them is an arm's colour. */
export const EXTRA_COLOURS = ['#393b79', '#ad494a', '#8ca252', '#7b4173', '#bd9e39', '#3182bd', '#e6550d', '#31a354', '#756bb1', '#636363'];

/** A colour for each group, fixed where the arm has one, otherwise the next extra colour. */
export function groupColours(groups: readonly string[]): Map<string, string> {
  const colours = new Map<string, string>();
  let extra = 0;
  for (const group of groups) {
    if (colours.has(group)) continue;
    colours.set(group, ARM_COLOURS[group] ?? EXTRA_COLOURS[extra++ % EXTRA_COLOURS.length]);
  }
  return colours;
}

/** Line dashes that tell apart several configurations of one arm in a chart. */
export const DASH_STYLES = ['solid', 'dash', 'dot', 'dashdot', 'longdash', 'longdashdot'];

/** Verdict colours: the same in boxes, tables, the forest plot and the robustness map. */
export const VERDICT_COLOURS = { supported: '#2e7d32', contradicted: '#c62828', inconclusive: '#8d6e00' } as const;

/** Colours of the margin verdicts (margins.ts), from the candidate's side: green is good news for it. */
export const MARGIN_VERDICT_COLOURS = {
  better: '#2e7d32',
  'equivalent within δ': '#4e79a7',
  'not worse than δ': '#7fb3d5',
  inconclusive: '#858585',
  worse: '#c62828',
} as const;
