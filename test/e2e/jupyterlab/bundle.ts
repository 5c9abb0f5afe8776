/**
 * Builds the JupyterLab test page (app/) into one JavaScript file, once, and caches it:
 *
 *   app/*.ts ──tsc (type-checked)──▶ ES modules ──webpack──▶ .cache/jupyterlab-harness/bundle-<key>/bundle.js
 *
 * The key is a hash of everything that decides the bundle (the app's sources, this file, the
 * lockfile and Node's major version), so the bundle is rebuilt only when one of them changes and
 * older bundles are removed. The folder is written under a temporary name and renamed when
 * complete, so a build that is killed never leaves a bundle that looks usable.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The app's sources, relative to the project root. */
export const APP_FOLDER = join('test', 'e2e', 'jupyterlab', 'app');
/** Where bundles are cached, relative to the project root (ignored by git). */
export const BUNDLE_CACHE_FOLDER = join('.cache', 'jupyterlab-harness');
const BUNDLE_FILE = 'bundle.js';

export interface BuiltBundle {
  /** The folder holding bundle.js, served as the page's static folder. */
  folder: string;
  /** True when this call built it, false when it came from the cache. */
  built: boolean;
  /** Time spent, in milliseconds (building, or finding the cached bundle). */
  milliseconds: number;
}

/** A hash of everything the bundle depends on. */
export function bundleKey(projectRoot: string): string {
  const hash = createHash('sha256');
  const appFolder = join(projectRoot, APP_FOLDER);
  for (const name of readdirSync(appFolder).sort()) {
    hash.update(name).update(readFileSync(join(appFolder, name)));
  }
  hash.update(readFileSync(join(projectRoot, 'test', 'e2e', 'jupyterlab', 'bundle.ts')));
  hash.update(readFileSync(join(projectRoot, 'package-lock.json')));
  hash.update(process.versions.node.split('.')[0]);
  return hash.digest('hex').slice(0, 16);
}

/** Compiles the app's TypeScript with its own tsconfig (DOM types) into `outFolder`; throws on any error. */
function compileApp(projectRoot: string, outFolder: string): void {
  const ts = require(require.resolve('typescript', { paths: [projectRoot] })) as typeof import('typescript');
  const configPath = join(projectRoot, APP_FOLDER, 'tsconfig.json');
  const config = ts.getParsedCommandLineOfConfigFile(configPath, { outDir: outFolder, noEmit: false }, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
      throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
    },
  });
  if (!config) throw new Error(`cannot read ${configPath}`);
  const program = ts.createProgram(config.fileNames, config.options);
  const emitted = program.emit();
  const diagnostics = [...ts.getPreEmitDiagnostics(program), ...emitted.diagnostics];
  if (diagnostics.length > 0) {
    throw new Error(`the JupyterLab test page does not compile:\n${ts.formatDiagnostics(diagnostics, {
      getCanonicalFileName: (name) => name, getCurrentDirectory: () => projectRoot, getNewLine: () => '\n',
    })}`);
  }
}

/** Bundles the compiled app and its CSS (and the SVG icons and fonts the CSS uses) into one file. */
async function bundleApp(projectRoot: string, compiledFolder: string, outFolder: string): Promise<void> {
  const webpack = require(require.resolve('webpack', { paths: [projectRoot] })) as typeof import('webpack');
  const modules = join(projectRoot, 'node_modules');
  // The CSS files are imported from the app's sources, which tsc does not copy.
  for (const name of readdirSync(join(projectRoot, APP_FOLDER)).filter((file) => file.endsWith('.css'))) {
    writeFileSync(join(compiledFolder, name), readFileSync(join(projectRoot, APP_FOLDER, name)));
  }
  const compiler = webpack({
    mode: 'development',
    devtool: false,
    context: compiledFolder,
    entry: join(compiledFolder, 'index.js'),
    output: { path: outFolder, filename: BUNDLE_FILE },
    resolve: { modules: [modules] },
    resolveLoader: { modules: [modules] },
    performance: { hints: false },
    // One file: no chunks to find by URL at run time.
    optimization: { splitChunks: false, runtimeChunk: false },
    module: {
      rules: [
        // Some packages are ES modules that import without file extensions, as JupyterLab's own build allows.
        { test: /\.m?js$/, resolve: { fullySpecified: false } },
        { test: /\.css$/, use: ['style-loader', 'css-loader'] },
        // In CSS an SVG is a data URL; imported from JavaScript it is the SVG's text (JupyterLab's icons).
        { test: /\.svg$/, issuer: /\.css$/, type: 'asset/inline' },
        { test: /\.svg$/, issuer: /\.js$/, type: 'asset/source' },
        { test: /\.(png|jpg|gif|ttf|woff|woff2|eot)$/, type: 'asset/inline' },
        { test: /\.md$/, type: 'asset/source' },
      ],
    },
    plugins: [
      new webpack.optimize.LimitChunkCountPlugin({ maxChunks: 1 }),
      // Some packages use Node's process (path-browserify's resolve calls process.cwd(), which
      // JupyterLab's URL resolver relies on), which a browser lacks; JupyterLab's build defines it so.
      new webpack.DefinePlugin({ process: '({ cwd: () => "/", env: {} })' }),
    ],
  });
  if (!compiler) throw new Error('webpack made no compiler');
  await new Promise<void>((resolveBuild, reject) => {
    compiler.run((error, stats) => {
      compiler.close(() => undefined);
      if (error) reject(error);
      else if (stats?.hasErrors()) reject(new Error(`webpack failed:\n${stats.toString({ all: false, errors: true })}`));
      else resolveBuild();
    });
  });
}

/** Returns the cached bundle for the current inputs, building it first when there is none. */
export async function ensureBundle(projectRoot: string): Promise<BuiltBundle> {
  const started = Date.now();
  const cacheFolder = join(projectRoot, BUNDLE_CACHE_FOLDER);
  const folder = join(cacheFolder, `bundle-${bundleKey(projectRoot)}`);
  if (existsSync(join(folder, BUNDLE_FILE))) return { folder, built: false, milliseconds: Date.now() - started };
  mkdirSync(cacheFolder, { recursive: true });
  const work = `${folder}.building-${process.pid}`;
  rmSync(work, { recursive: true, force: true });
  try {
    compileApp(projectRoot, join(work, 'compiled'));
    await bundleApp(projectRoot, join(work, 'compiled'), join(work, 'out'));
    rmSync(folder, { recursive: true, force: true });
    renameSync(join(work, 'out'), folder);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  for (const name of readdirSync(cacheFolder)) {
    const other = join(cacheFolder, name);
    if (other !== folder && name.startsWith('bundle-') && !name.includes('.building-')) rmSync(other, { recursive: true, force: true });
  }
  return { folder, built: true, milliseconds: Date.now() - started };
}
