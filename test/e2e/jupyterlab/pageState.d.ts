/**
 * The shape of what the JupyterLab test page reports about each code cell (app/collect.ts makes it
 * in the page, lab.ts reads it in the tests). Declarations only, so that both compilations share it.
 */
/** How a cell's outputs changed while it ran. */
export interface OutputCounters {
  /** Outputs appended. */
  added: number;
  /** Outputs replaced in place (update_display_data). */
  replaced: number;
  /** Appended outputs that held a training progress line. */
  progressAdded: number;
  /** In-place replacements that held a training progress line. */
  progressReplaced: number;
}

export interface ChartState {
  /** plotly drew the chart (its SVG exists and is shown). */
  drawn: boolean;
  /** The static image is shown and decoded. */
  staticShown: boolean;
}

export interface ModelOutput {
  outputType: string;
  mimeTypes: string[];
  /** The start of the output's text (text/plain, a stream's text, or an error's evalue). */
  text: string;
  ename?: string;
  evalue?: string;
  traceback?: string[];
  executionCount?: number | null;
  /** A stream's name: stdout or stderr. */
  streamName?: string;
  /** The output's HTML holds a table. */
  hasTable: boolean;
  /** The output's HTML holds a verdict box (class "verdict" or "verdict-record"). */
  hasVerdict: boolean;
}

export interface CellState {
  cellIndex: number;
  firstLine: string;
  executionCount: number | null;
  /** The input prompt as shown, e.g. "[3]:". */
  prompt: string;
  /** The output prompts shown (an execute_result's "[3]:"), empty ones left out. */
  outputPrompts: string[];
  /** The text the outputs show, at most 2,000 characters. */
  shownText: string;
  outputs: ModelOutput[];
  counters: OutputCounters;
  plotlyCharts: ChartState[];
  /** vega-lite images: loaded (decoded with a size) and visible. */
  vegaImages: { loaded: boolean; visible: boolean }[];
  tables: number;
  verdicts: number;
  /** Output areas that JupyterLab rendered as stderr (error and stderr outputs). */
  stderrAreas: number;
}

