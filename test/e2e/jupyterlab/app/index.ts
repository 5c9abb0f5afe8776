/**
 * A JupyterLab notebook page for the tests, assembled from JupyterLab's own components as
 * JupyterLab's examples/notebook does: the notebook panel, the rendermime registry (which sanitizes
 * untrusted HTML and runs scripts only in trusted outputs), the document manager and the services
 * that talk to a Jupyter server. It opens one notebook (page config `notebookPath`) and, in `run`
 * mode, starts the kernel the notebook names; in `view` mode it starts none.
 *
 * The harness (test/e2e/jupyterlab/lab.ts) drives it through `window.reluAeLab` (see LabControl).
 * Bundled by test/e2e/jupyterlab/bundle.ts; not part of the project's own compilation.
 */
import './style';

import { PageConfig } from '@jupyterlab/coreutils';
import {
  CodeMirrorEditorFactory,
  CodeMirrorMimeTypeService,
  EditorExtensionRegistry,
  EditorLanguageRegistry,
  EditorThemeRegistry,
  ybinding,
} from '@jupyterlab/codemirror';
import { DocumentManager } from '@jupyterlab/docmanager';
import { DocumentRegistry } from '@jupyterlab/docregistry';
import { createMarkdownParser } from '@jupyterlab/markedparser-extension';
import { NotebookActions, NotebookModelFactory, NotebookPanel, NotebookWidgetFactory, StaticNotebook } from '@jupyterlab/notebook';
import { RenderMimeRegistry, standardRendererFactories } from '@jupyterlab/rendermime';
import { ServiceManager } from '@jupyterlab/services';
import { Widget } from '@lumino/widgets';
import type { IYText } from '@jupyter/ydoc';
import { collectCells, trackOutputs } from './collect';
import type { OutputCounters } from '../pageState';

/** What the harness calls in the page. */
export interface LabControl {
  /** Resolves when the notebook is loaded and, in run mode, its kernel is idle. */
  ready: Promise<void>;
  /** Runs every cell as "Run All" does; resolves true when every cell ran without error. */
  runAll(): Promise<boolean>;
  /** Runs the cells at these positions one after another, each as soon as the previous one replied. */
  runCells(indices: number[]): Promise<boolean[]>;
  /** Saves the notebook through the server (which signs it when every output is trusted). */
  save(): Promise<void>;
  /** The state of every code cell as the model and the page hold it. */
  collect(): ReturnType<typeof collectCells>;
  /** The kernel's status ('idle', 'busy', …) or 'none'. */
  kernelStatus(): string;
  /** Whether every cell has been rendered (JupyterLab renders cells that start as placeholders when idle). */
  rendered(): boolean;
  /** Whether the model of every code cell is trusted. */
  trusted(): boolean;
  /** Shuts the kernel down (run mode). */
  shutdown(): Promise<void>;
}

declare global {
  interface Window {
    reluAeLab?: LabControl;
  }
}

function editorExtensions(): EditorExtensionRegistry {
  const themes = new EditorThemeRegistry();
  EditorThemeRegistry.getDefaultThemes().forEach((theme) => themes.addTheme(theme));
  const registry = new EditorExtensionRegistry();
  EditorExtensionRegistry.getDefaultExtensions({ themes }).forEach((factory) => registry.addExtension(factory));
  // Without this binding an editor would not show its cell's source.
  registry.addExtension({
    name: 'shared-model-binding',
    factory: (options) => {
      const sharedModel = options.model.sharedModel as IYText;
      return EditorExtensionRegistry.createImmutableExtension(ybinding({ ytext: sharedModel.ysource, undoManager: sharedModel.undoManager ?? undefined }));
    },
  });
  return registry;
}

async function main(): Promise<void> {
  const runMode = PageConfig.getOption('mode') === 'run';
  const manager = new ServiceManager();
  await manager.ready;
  const languages = new EditorLanguageRegistry();
  EditorLanguageRegistry.getDefaultLanguages().forEach((language) => languages.addLanguage(language));
  // No LaTeX typesetter: the notebooks write math in plain Unicode, and the report loads no MathJax.
  const rendermime = new RenderMimeRegistry({ initialFactories: standardRendererFactories, markdownParser: createMarkdownParser(languages) });
  const registry = new DocumentRegistry();
  const documents = new DocumentManager({
    registry,
    manager,
    opener: { open: () => undefined, get opened() { return { connect: () => false, disconnect: () => false }; } } as unknown as DocumentManager.IOptions['opener'],
  });
  const editorFactory = new CodeMirrorEditorFactory({ extensions: editorExtensions(), languages });
  registry.addModelFactory(new NotebookModelFactory({}));
  registry.addWidgetFactory(new NotebookWidgetFactory({
    name: 'Notebook',
    modelName: 'notebook',
    fileTypes: ['notebook'],
    defaultFor: ['notebook'],
    preferKernel: runMode,
    canStartKernel: runMode,
    rendermime,
    contentFactory: new NotebookPanel.ContentFactory({ editorFactory: editorFactory.newInlineEditor }),
    mimeTypeService: new CodeMirrorMimeTypeService(languages),
    // JupyterLab's defaults, windowing included, as a user who changed no setting has them.
    notebookConfig: { ...StaticNotebook.defaultNotebookConfig },
  }));

  const panel = documents.open(PageConfig.getOption('notebookPath'), 'Notebook', undefined, undefined, { shouldStart: runMode, canStart: runMode }) as NotebookPanel;
  panel.id = 'main';
  Widget.attach(panel, document.body);
  window.addEventListener('resize', () => panel.update());

  const counters = new Map<string, OutputCounters>();
  const ready = (async () => {
    await panel.context.ready;
    if (runMode) {
      await panel.sessionContext.ready;
      const kernel = panel.sessionContext.session?.kernel;
      if (!kernel) throw new Error('no kernel started');
      await kernel.info;
    }
    trackOutputs(panel, counters);
  })();

  window.reluAeLab = {
    ready,
    runAll: () => NotebookActions.runAll(panel.content, panel.sessionContext),
    async runCells(indices) {
      const results: boolean[] = [];
      for (const index of indices) {
        panel.content.activeCellIndex = index;
        panel.content.deselectAll();
        results.push(await NotebookActions.run(panel.content, panel.sessionContext));
      }
      return results;
    },
    save: () => panel.context.save(),
    collect: () => collectCells(panel, counters),
    kernelStatus: () => panel.sessionContext.session?.kernel?.status ?? 'none',
    rendered: () => panel.content.widgets.every((cell) => !cell.isPlaceholder()),
    trusted: () => panel.content.widgets.every((cell) => cell.model.type !== 'code' || cell.model.trusted),
    async shutdown() {
      await panel.sessionContext.shutdown();
    },
  };
}

window.addEventListener('load', () => {
  main().catch((error) => {
    console.error('relu-ae-lab harness page failed to start:', error);
    document.body.setAttribute('data-harness-error', String(error));
  });
});
