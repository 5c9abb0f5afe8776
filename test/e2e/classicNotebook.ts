/**
 * Opens a saved notebook in the classic Jupyter Notebook UI (notebook 6.x) in headless Chromium,
 * as a reader who downloaded it would, and reports what each output rendered as:
 *
 *   const check = await openInClassicNotebook('reports/01-output-activation.ipynb');
 *   assert.equal(check.trusted, false);
 *   for (const cell of check.cells) for (const output of cell.outputs) assert.notEqual(output.kind, 'empty');
 *
 * The notebook is copied into a fresh temporary folder and the server runs with temporary
 * JUPYTER_CONFIG_DIR, JUPYTER_DATA_DIR, JUPYTER_RUNTIME_DIR and IPYTHONDIR, so the user's notebook,
 * trust database and configuration are never read or written, and trust is never remembered
 * between checks: a notebook written by another program is opened untrusted, as a reader sees it
 * (unless `trusted: true` signs the copy first, for comparison).
 *
 * No kernel is started: the page's request for the kernel list is left unanswered, so the UI
 * neither starts a kernel nor shows "Kernel not found" for kernels this machine lacks (tslab).
 * Requests to anything but the local server are blocked and recorded. The server and the browser
 * are always stopped (the server's whole process group), and the temporary folder removed.
 *
 * Self-contained: no imports from the project's src, and no DOM library (browser-side code is
 * source text).
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { get } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Route } from 'playwright-core';
import { CHROMIUM_ARGUMENTS, CHROMIUM_PATH } from './browser';

/** The Python whose site-packages hold notebook 6 and nbformat (Debian's, not pyenv's). */
const NOTEBOOK_PYTHON = process.env.CLASSIC_NOTEBOOK_PYTHON ?? '/usr/bin/python3';


/**
 * Console errors that are the classic UI's own, not the notebook's: Notebook 6 always tries to load
 * the ipywidgets shim (without ipywidgets installed: a 404 and a refused script, on every
 * notebook), and MathJax 2 probes web fonts with an about:blank URL that Chromium refuses (on every
 * notebook with math in it).
 */
const UI_OWN_CONSOLE_ERRORS = [
  /\/nbextensions\/widgets\/notebook\/js\/extension\.js/,
  /^Access to font at 'about:blank' from origin /,
  /^Failed to load resource: net::ERR_FAILED \(about:blank\)$/,
];

/** What an output rendered as, judged from the DOM after all images have loaded or failed. */
export type OutputKind =
  /** at least one <img> with naturalWidth and naturalHeight > 0 */
  | 'image'
  /** no loaded <img>, but an inline <svg> element */
  | 'svg'
  /** an <img> that failed to decode (naturalWidth 0) and no svg */
  | 'broken-image'
  /** no image or svg, only text */
  | 'text'
  /** nothing visible: the output produced no output area (e.g. untrusted image/svg+xml without text/plain) or an empty one */
  | 'empty';

export interface ImageCheck {
  naturalWidth: number;
  naturalHeight: number;
  /** Size on the page in CSS pixels (0 when hidden). */
  displayedWidth: number;
  displayedHeight: number;
  /** The first 60 characters of src, e.g. "data:image/png;base64,iVBO...". */
  source: string;
}

export interface OutputCheck {
  /** Position in the cell's outputs list in the file (see ClassicNotebookCheck.outputsMatchedBy). */
  outputIndex: number;
  /** output_type in the file: display_data, execute_result, stream, error. */
  outputType: string;
  /** Keys of the output's data bundle in the file (empty for stream and error). */
  mimeTypes: string[];
  kind: OutputKind;
  /**
   * The classic UI's class for the renderer it used, e.g. output_png, output_svg, output_html,
   * output_text, output_stdout, output_error; null when no output area was made.
   */
  renderedAs: string | null;
  /** All output_* classes of the output's subarea, e.g. ["output_text", "output_stream", "output_stderr"]. */
  classes: string[];
  images: ImageCheck[];
  /** Top-level <svg> elements in the output (nested ones not counted). */
  svgElements: number;
  /** Visible text of the output, trimmed, at most 200 characters. */
  text: string;
  /** A stream output that the UI appended to the previous stream output's area (same name). */
  mergedWithPrevious: boolean;
}

export interface CodeCellCheck {
  /** Position among all cells of the notebook. */
  cellIndex: number;
  /** Position among code cells only. */
  codeCellIndex: number;
  executionCount: number | null;
  /** The cell's first source line, to tell cells apart in messages. */
  firstLine: string;
  outputs: OutputCheck[];
}

export interface ClassicNotebookCheck {
  /** Jupyter.notebook.trusted after loading. */
  trusted: boolean;
  /** The header's trust indicator text: "Not Trusted" or "Trusted". */
  trustIndicator: string;
  /** window.Jupyter.version, e.g. "6.4.12". */
  notebookVersion: string;
  /** Code cells only, in order. */
  cells: CodeCellCheck[];
  /**
   * 'render-hook': outputs were matched to the file's outputs by wrapping OutputArea.append_output
   * (exact). 'dom-order': the hook did not install (another Notebook version); output areas were
   * paired with the file's outputs in order when their counts agree, and otherwise each area is
   * listed on its own with outputType 'unknown' and outputIndex its position among the areas.
   */
  outputsMatchedBy: 'render-hook' | 'dom-order';
  /** console.error messages (with the URL they concern) and uncaught page errors, less the UI's own. */
  consoleErrors: string[];
  /** The UI's own errors: the ipywidgets-shim 404 and refused script, MathJax's about:blank font probe. */
  ignoredConsoleErrors: string[];
  /** Requests (and websockets) to anything but the local server; all were blocked. */
  externalRequests: string[];
  /** Wall time in milliseconds: server start, page load until outputs rendered, and the whole check. */
  timings: { serverStartMilliseconds: number; renderMilliseconds: number; totalMilliseconds: number };
}

export interface ClassicNotebookOptions {
  /** Limit for the server to start and, separately, for the page to render. Default 60000. */
  timeoutMilliseconds?: number;
  /** Where to write a full-page PNG of the rendered notebook (the whole notebook, not one viewport). */
  screenshotPath?: string;
  /** Sign the temporary copy with a temporary key first, to see what a trusting reader sees. Default false. */
  trusted?: boolean;
  /** Viewport width in CSS pixels. Default 1100. */
  viewportWidth?: number;
}

interface FileOutput {
  outputType: string;
  mimeTypes: string[];
}

interface FileCodeCell {
  cellIndex: number;
  executionCount: number | null;
  firstLine: string;
  outputs: FileOutput[];
}

/** Reads the code cells and their outputs from an nbformat 4 file. */
function readCodeCells(notebookPath: string): FileCodeCell[] {
  const notebook = JSON.parse(readFileSync(notebookPath, 'utf8')) as { cells?: unknown };
  if (!Array.isArray(notebook.cells)) throw new Error(`${notebookPath} is not an nbformat 4 notebook (no cells list)`);
  const codeCells: FileCodeCell[] = [];
  notebook.cells.forEach((raw: unknown, cellIndex: number) => {
    const cell = raw as { cell_type?: string; source?: string | string[]; execution_count?: number | null; outputs?: unknown[] };
    if (cell.cell_type !== 'code') return;
    const source = Array.isArray(cell.source) ? cell.source.join('') : (cell.source ?? '');
    codeCells.push({
      cellIndex,
      executionCount: cell.execution_count ?? null,
      firstLine: source.split('\n')[0] ?? '',
      outputs: (cell.outputs ?? []).map((output) => {
        const { output_type: outputType, data } = output as { output_type?: string; data?: Record<string, unknown> };
        return { outputType: outputType ?? 'unknown', mimeTypes: Object.keys(data ?? {}) };
      }),
    });
  });
  return codeCells;
}

/**
 * Runs before any page script. When require.js defines `requirejs`, installs an onResourceLoad
 * hook that wraps OutputArea.prototype.append_output as soon as the module is defined (before the
 * notebook's JSON arrives), so every output area in the DOM is tagged with the index of the output
 * in the file that made it: data-classic-harness-outputs="2" (or "2,3" when a stream was merged).
 */
const INIT_SCRIPT = `(() => {
  const wrapOutputArea = (OutputArea) => {
    if (!OutputArea || OutputArea.prototype.__classicHarnessWrapped) return;
    const original = OutputArea.prototype.append_output;
    OutputArea.prototype.append_output = function (json) {
      const container = this.element && this.element[0];
      const before = container ? Array.from(container.children) : [];
      const index = this.__classicHarnessNext || 0;
      this.__classicHarnessNext = index + 1;
      const result = original.apply(this, arguments);
      if (container) {
        const added = Array.from(container.children).filter((child) => !before.includes(child));
        if (added.length > 0) {
          for (const child of added) child.setAttribute('data-classic-harness-outputs', String(index));
        } else if (json && json.output_type === 'stream') {
          // append_stream merged this text into the previous stream output's area
          const tagged = container.querySelectorAll(':scope > [data-classic-harness-outputs]');
          const last = tagged[tagged.length - 1];
          if (last) last.setAttribute('data-classic-harness-outputs', last.getAttribute('data-classic-harness-outputs') + ',' + index + 'm');
        }
      }
      return result;
    };
    OutputArea.prototype.__classicHarnessWrapped = true;
    window.__classicHarnessHooked = true;
  };
  const hook = (requirejs) => {
    const previous = requirejs.onResourceLoad;
    requirejs.onResourceLoad = function (context, map) {
      if (previous) previous.apply(this, arguments);
      if (map && map.id === 'notebook/js/outputarea') {
        const exported = context.defined[map.id];
        wrapOutputArea(exported && exported.OutputArea);
      }
    };
  };
  let value;
  Object.defineProperty(window, 'requirejs', {
    configurable: true,
    enumerable: true,
    get() { return value; },
    set(next) {
      value = next;
      if (typeof next === 'function') { try { hook(next); } catch (error) { console.warn('classic harness hook', error); } }
    },
  });
})();`;

const NOTEBOOK_LOADED = `Boolean(window.Jupyter && window.Jupyter.notebook && window.Jupyter.notebook._fully_loaded)`;
const IMAGES_SETTLED = `Array.from(document.querySelectorAll('#notebook img')).every((image) => image.complete)`;
/** MathJax (typesetting HTML outputs, loading its fonts) is idle and its loading message hidden. */
const MATHJAX_IDLE = `(() => {
  const hub = window.MathJax && window.MathJax.Hub;
  if (!hub || !hub.queue) return true;
  const message = document.getElementById('MathJax_Message');
  return hub.queue.pending === 0 && !hub.queue.running && (!message || message.style.display === 'none');
})()`;
const TWO_FRAMES = `new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(() => done(true))))`;
/** Lets the notebook grow to its full height so a full-page screenshot shows every cell. */
const FULL_HEIGHT_STYLE = `
  html, body, body.notebook_app { height: auto !important; overflow: visible !important; position: static !important; }
  #site { height: auto !important; overflow: visible !important; display: block !important; }
  #header { position: static !important; }`;

interface PageArea {
  tags: string | null;
  classes: string[];
  images: ImageCheck[];
  svgElements: number;
  text: string;
}

interface PageCell {
  cellIndex: number;
  areas: PageArea[];
}

interface PageState {
  trusted: boolean;
  trustIndicator: string;
  notebookVersion: string;
  hooked: boolean;
  cells: PageCell[];
}

const COLLECT = `(() => {
  const notebook = window.Jupyter.notebook;
  const describe = (area) => {
    const subarea = area.querySelector('.output_subarea');
    const classes = subarea
      ? Array.from(subarea.classList).filter((name) => name.startsWith('output_') && name !== 'output_subarea')
      : [];
    const images = Array.from(area.querySelectorAll('img')).map((image) => {
      const box = image.getBoundingClientRect();
      return {
        naturalWidth: image.naturalWidth,
        naturalHeight: image.naturalHeight,
        displayedWidth: Math.round(box.width),
        displayedHeight: Math.round(box.height),
        source: (image.getAttribute('src') || '').slice(0, 60),
      };
    });
    const svgElements = Array.from(area.querySelectorAll('svg'))
      .filter((svg) => !(svg.parentElement && svg.parentElement.closest('svg'))).length;
    const text = ((subarea || area).innerText || '').trim().slice(0, 200);
    return { tags: area.getAttribute('data-classic-harness-outputs'), classes, images, svgElements, text };
  };
  const cells = [];
  notebook.get_cells().forEach((cell, cellIndex) => {
    if (cell.cell_type !== 'code') return;
    const container = cell.output_area.element[0];
    const areas = Array.from(container.children).filter((child) => child.classList.contains('output_area'));
    cells.push({ cellIndex, areas: areas.map(describe) });
  });
  const indicator = document.querySelector('#notification_trusted');
  return {
    trusted: notebook.trusted === true,
    trustIndicator: indicator ? indicator.textContent.trim() : '',
    notebookVersion: String(window.Jupyter.version || ''),
    hooked: window.__classicHarnessHooked === true,
    cells,
  };
})()`;

function kindOf(areas: PageArea[]): OutputKind {
  const images = areas.flatMap((area) => area.images);
  if (images.some((image) => image.naturalWidth > 0 && image.naturalHeight > 0)) return 'image';
  if (areas.some((area) => area.svgElements > 0)) return 'svg';
  if (images.length > 0) return 'broken-image';
  if (areas.some((area) => area.text !== '')) return 'text';
  return 'empty';
}

function outputCheck(outputIndex: number, fileOutput: FileOutput | undefined, areas: PageArea[], mergedWithPrevious: boolean): OutputCheck {
  return {
    outputIndex,
    outputType: fileOutput?.outputType ?? 'unknown',
    mimeTypes: fileOutput?.mimeTypes ?? [],
    kind: kindOf(areas),
    renderedAs: areas[0]?.classes[0] ?? null,
    classes: areas[0]?.classes ?? [],
    images: areas.flatMap((area) => area.images),
    svgElements: areas.reduce((sum, area) => sum + area.svgElements, 0),
    text: areas.map((area) => area.text).join('\n').slice(0, 200),
    mergedWithPrevious,
  };
}

/** Matches the page's output areas to the file's outputs (by the render hook's tags, or in order). */
function matchOutputs(fileCells: FileCodeCell[], page: PageState): CodeCellCheck[] {
  return page.cells.map((pageCell, codeCellIndex) => {
    const fileCell = fileCells.find((cell) => cell.cellIndex === pageCell.cellIndex) ?? fileCells[codeCellIndex];
    const fileOutputs = fileCell?.outputs ?? [];
    let outputs: OutputCheck[];
    if (page.hooked) {
      outputs = fileOutputs.map((fileOutput, outputIndex) => {
        const tagged = pageCell.areas.filter((area) =>
          (area.tags ?? '').split(',').some((tag) => tag === String(outputIndex) || tag === `${outputIndex}m`),
        );
        const merged = pageCell.areas.some((area) => (area.tags ?? '').split(',').includes(`${outputIndex}m`));
        return outputCheck(outputIndex, fileOutput, tagged, merged);
      });
    } else if (fileOutputs.length === pageCell.areas.length) {
      outputs = fileOutputs.map((fileOutput, outputIndex) => outputCheck(outputIndex, fileOutput, [pageCell.areas[outputIndex]], false));
    } else {
      // Merged streams or outputs that made no area: positions cannot be paired, so list the areas.
      outputs = pageCell.areas.map((area, areaIndex) => outputCheck(areaIndex, undefined, [area], false));
    }
    return {
      cellIndex: pageCell.cellIndex,
      codeCellIndex,
      executionCount: fileCell?.executionCount ?? null,
      firstLine: fileCell?.firstLine ?? '',
      outputs,
    };
  });
}

/** A port that was free a moment ago on 127.0.0.1 (the server is told not to try others). */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolvePort(port) : reject(new Error('no free port'))));
    });
  });
}

/** Status code of GET url, or 0 when the connection fails. */
export function httpStatus(url: string): Promise<number> {
  return new Promise((resolveStatus) => {
    const request = get(url, (response) => {
      response.resume();
      resolveStatus(response.statusCode ?? 0);
    });
    request.setTimeout(2000, () => request.destroy());
    request.on('error', () => resolveStatus(0));
  });
}

const delay = (milliseconds: number) => new Promise((done) => setTimeout(done, milliseconds));

export interface RunningServer {
  child: ChildProcess;
  origin: string;
  log: () => string;
}

/**
 * Runs `python ARGS` with the parent-death signal set to SIGTERM (Linux), so the server (and its
 * kernels) also end when this Node process is killed outright and no finally block runs. argv[1] is
 * the expected parent pid, to catch a parent that died before prctl.
 */
const LAUNCHER = `
import ctypes, os, signal, sys
try:
    ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
except (AttributeError, OSError):
    pass
if os.getppid() != int(sys.argv[1]):
    sys.exit('parent gone')
os.execv(sys.executable, [sys.executable] + sys.argv[2:])
`;

/**
 * The environment of a Jupyter server of its own: the caller's, Jupyter's folders under
 * `jupyterFolder` (created), nothing from the user's Jupyter configuration, and `extra`.
 */
export function jupyterEnvironment(jupyterFolder: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const environment: NodeJS.ProcessEnv = {
    ...process.env,
    JUPYTER_CONFIG_DIR: join(jupyterFolder, 'config'),
    JUPYTER_DATA_DIR: join(jupyterFolder, 'data'),
    JUPYTER_RUNTIME_DIR: join(jupyterFolder, 'runtime'),
    IPYTHONDIR: join(jupyterFolder, 'ipython'),
    PYTHONDONTWRITEBYTECODE: '1',
    ...extra,
  };
  delete environment.JUPYTER_CONFIG_PATH;
  for (const folder of ['config', 'data', 'runtime']) mkdirSync(join(jupyterFolder, folder), { recursive: true });
  return environment;
}

/** How to start a Jupyter server process (the classic Notebook's, or the JupyterLab harness's). */
export interface JupyterProcessOptions {
  python: string;
  /** The arguments after the interpreter, for the free port chosen. */
  arguments: (port: number) => string[];
  cwd: string;
  environment: NodeJS.ProcessEnv;
  timeoutMilliseconds: number;
  /** The server in words, for errors: "the notebook server". */
  name: string;
  /** Called with the process as soon as it is spawned (so that a caller can stop it whatever happens). */
  started?: (child: ChildProcess) => void;
}

/**
 * Starts a Jupyter server in its own process group on a free port and waits until its API answers;
 * tries another port when another program took the chosen one meanwhile.
 */
export async function startJupyterProcess(options: JupyterProcessOptions): Promise<RunningServer> {
  let lastError = '';
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const port = await freePort();
    const child = spawn(options.python, ['-c', LAUNCHER, String(process.pid), ...options.arguments(port)], {
      cwd: options.cwd, env: options.environment, detached: true, stdio: ['ignore', 'pipe', 'pipe'],
    });
    options.started?.(child);
    let output = '';
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-20_000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    let exited = false;
    child.on('exit', () => (exited = true));
    child.on('error', (error) => {
      exited = true;
      output += `\n${error.message}`;
    });
    const origin = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + options.timeoutMilliseconds;
    while (!exited && Date.now() < deadline) {
      if ((await httpStatus(`${origin}/api`)) === 200) return { child, origin, log: () => output };
      await delay(100);
    }
    const exitedByItself = exited;
    await stopServer(child);
    lastError = exitedByItself
      ? `${options.name} exited:\n${output}`
      : `${options.name} did not answer within ${options.timeoutMilliseconds} ms:\n${output}`;
    // Another program took the port between freePort() and the server binding it: try a new one.
    if (!exitedByItself || !/address already in use|Errno 98/i.test(output)) break;
  }
  throw new Error(lastError);
}

/** Starts `python3 -m notebook` in its own process group and waits until its API answers. */
function startServer(notebookFolder: string, environment: NodeJS.ProcessEnv, timeoutMilliseconds: number, started: (child: ChildProcess) => void): Promise<RunningServer> {
  return startJupyterProcess({
    python: NOTEBOOK_PYTHON,
    arguments: (port) => [
      '-m', 'notebook',
      '--no-browser',
      '--allow-root',
      '--ip=127.0.0.1',
      `--port=${port}`,
      '--port-retries=0',
      '--NotebookApp.token=',
      '--NotebookApp.password=',
      '--NotebookApp.terminals_enabled=False',
      `--notebook-dir=${notebookFolder}`,
    ],
    cwd: notebookFolder,
    environment,
    timeoutMilliseconds,
    name: 'the notebook server',
    started,
  });
}

/** SIGTERM to the server's whole process group, SIGKILL after 5 s. */
export async function stopServer(child: ChildProcess): Promise<void> {
  if (child.pid === undefined) return;
  const group = -child.pid;
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(group, name);
    } catch {
      // already gone
    }
  };
  const running = () => child.exitCode === null && child.signalCode === null;
  if (running()) {
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    signal('SIGTERM');
    await Promise.race([exited, delay(5000)]);
  }
  signal('SIGKILL'); // whatever is left in the group (the server starts no kernel here, but be sure)
  child.stdout?.destroy();
  child.stderr?.destroy();
}

function signNotebook(notebookPath: string, environment: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((done, reject) => {
    // `jupyter trust` is nbformat.sign; Debian's jupyter has no jupyter-trust entry point.
    execFile(NOTEBOOK_PYTHON, ['-m', 'nbformat.sign', notebookPath], { env: environment }, (error, _stdout, stderr) =>
      error ? reject(new Error(`signing ${notebookPath} failed: ${stderr || error.message}`)) : done(),
    );
  });
}

/**
 * Opens `notebookPath` (an .ipynb with saved outputs) in the classic Notebook UI in headless
 * Chromium and reports, per code cell and per output, what rendered. See the file comment.
 */
export async function openInClassicNotebook(notebookPath: string, options: ClassicNotebookOptions = {}): Promise<ClassicNotebookCheck> {
  const started = Date.now();
  const timeout = options.timeoutMilliseconds ?? 60_000;
  const source = resolve(notebookPath);
  if (!existsSync(source)) throw new Error(`no notebook at ${source}`);
  const fileCells = readCodeCells(source);

  const root = mkdtempSync(join(tmpdir(), 'classic-notebook-'));
  const notebookFolder = join(root, 'notebooks');
  const jupyterFolder = join(root, 'jupyter');
  const environment = jupyterEnvironment(jupyterFolder);
  delete environment.JUPYTER_PATH;
  mkdirSync(notebookFolder, { recursive: true });
  const name = basename(source);
  const copy = join(notebookFolder, name);
  copyFileSync(source, copy);

  let server: ChildProcess | undefined;
  let context: BrowserContext | undefined;
  // If this Node process exits mid-check (process.exit, or playwright's own SIGINT/SIGTERM handler),
  // still take the server's process group down and remove the folder; 'exit' handlers must be synchronous.
  const killOnExit = () => {
    if (server?.pid !== undefined) {
      try {
        process.kill(-server.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    rmSync(root, { recursive: true, force: true });
  };
  process.once('exit', killOnExit);
  try {
    if (options.trusted) await signNotebook(copy, environment);

    const serverStarted = Date.now();
    const running = await startServer(notebookFolder, environment, timeout, (child) => (server = child));
    const serverStartMilliseconds = Date.now() - serverStarted;

    const log = { consoleErrors: [] as string[], ignoredConsoleErrors: [] as string[], externalRequests: [] as string[] };
    const heldRoutes: Route[] = [];
    context = await chromium.launchPersistentContext(join(root, 'chromium'), {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_ARGUMENTS,
      viewport: { width: options.viewportWidth ?? 1100, height: 900 },
      // Chromium writes crash-report settings and a dconf cache under ~ whatever its profile folder.
      env: { ...process.env, HOME: join(root, 'home'), XDG_CONFIG_HOME: join(root, 'home', '.config'), XDG_CACHE_HOME: join(root, 'home', '.cache') },
    });
    await context.addInitScript({ content: INIT_SCRIPT });
    await context.route('**/*', async (route) => {
      const url = route.request().url();
      if (url.startsWith('data:') || url.startsWith('blob:')) {
        await route.continue();
      } else if (url.startsWith(`${running.origin}/`)) {
        // Never answered: no kernel list, so no kernel is chosen or started and no dialog appears.
        if (new URL(url).pathname === '/api/kernelspecs') heldRoutes.push(route);
        else await route.continue();
      } else {
        log.externalRequests.push(url);
        await route.abort('blockedbyclient');
      }
    });
    const page = context.pages()[0] ?? (await context.newPage());
    page.on('websocket', (socket) => {
      if (!socket.url().startsWith(`ws://127.0.0.1:`)) log.externalRequests.push(socket.url());
    });
    page.on('console', (message) => {
      if (message.type() !== 'error') return;
      const where = message.location().url;
      const text = where && !message.text().includes(where) ? `${message.text()} (${where})` : message.text();
      if (UI_OWN_CONSOLE_ERRORS.some((pattern) => pattern.test(text))) log.ignoredConsoleErrors.push(text);
      else log.consoleErrors.push(text);
    });
    page.on('pageerror', (error) => log.consoleErrors.push(`${error.name}: ${error.message}`));

    const renderStarted = Date.now();
    await page.goto(`${running.origin}/notebooks/${encodeURIComponent(name)}`, { waitUntil: 'load', timeout });
    try {
      await page.waitForFunction(NOTEBOOK_LOADED, undefined, { timeout: Math.max(1, timeout - (Date.now() - renderStarted)) });
      await page.waitForFunction(IMAGES_SETTLED, undefined, { timeout: Math.max(1, timeout - (Date.now() - renderStarted)) });
    } catch (error) {
      throw new Error(`the notebook did not render within ${timeout} ms (${String(error)})\nconsole errors: ${log.consoleErrors.join('\n')}\nserver log:\n${running.log()}`);
    }
    // Only cosmetic (its loading message would cover the screenshot), so not waiting is no failure.
    await page.waitForFunction(MATHJAX_IDLE, undefined, { timeout: 10_000 }).catch(() => undefined);
    await page.evaluate(TWO_FRAMES);
    const state = (await page.evaluate(COLLECT)) as PageState;
    const renderMilliseconds = Date.now() - renderStarted;

    if (options.screenshotPath) {
      mkdirSync(dirname(resolve(options.screenshotPath)), { recursive: true });
      await page.addStyleTag({ content: FULL_HEIGHT_STYLE });
      await page.evaluate(TWO_FRAMES);
      await page.screenshot({ path: options.screenshotPath, fullPage: true });
    }

    return {
      trusted: state.trusted,
      trustIndicator: state.trustIndicator,
      notebookVersion: state.notebookVersion,
      cells: matchOutputs(fileCells, state),
      outputsMatchedBy: state.hooked ? 'render-hook' : 'dom-order',
      consoleErrors: log.consoleErrors,
      ignoredConsoleErrors: log.ignoredConsoleErrors,
      externalRequests: log.externalRequests,
      timings: { serverStartMilliseconds, renderMilliseconds, totalMilliseconds: Date.now() - started },
    };
  } finally {
    try {
      await context?.close();
    } finally {
      if (server) await stopServer(server);
      process.removeListener('exit', killOnExit);
      rmSync(root, { recursive: true, force: true });
    }
  }
}
