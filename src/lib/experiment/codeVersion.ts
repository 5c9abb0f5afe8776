/**
 * The code version: a hash of the code that decides a run's numbers — the compiled numeric modules
 * of the library (every module of engine/ among them) and the native kernels' C sources and build
 * settings. A change to any of them gives new cache keys, so that results of different arithmetic are
 * never mixed. Comments and layout do not count (numericText): a comment edited in an engine file
 * changes no number, and must not make published runs unusable.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { findProjectRoot } from '../paths';

/**
 * Source text without its comments and with every run of whitespace made one space: JavaScript and C
 * comments (line and block) are dropped outside string and template literals. A slash inside a
 * regular-expression literal could be read as a comment start; the hash stays deterministic either way.
 */
export function numericText(source: string): string {
  let output = '';
  let index = 0;
  while (index < source.length) {
    const character = source[index];
    const next = source[index + 1];
    if (character === '/' && next === '/') {
      while (index < source.length && source[index] !== '\n') index++;
      continue;
    }
    if (character === '/' && next === '*') {
      const end = source.indexOf('*/', index + 2);
      index = end < 0 ? source.length : end + 2;
      output += ' ';
      continue;
    }
    if (character === '"' || character === "'" || character === '`') {
      const start = index++;
      while (index < source.length && source[index] !== character) index += source[index] === '\\' ? 2 : 1;
      output += source.slice(start, ++index);
      continue;
    }
    output += character;
    index++;
  }
  return output.replace(/\s+/g, ' ').trim();
}

/**
 * The modules whose code decides a run's numbers; a change to any of them invalidates the cache.
 * Every module of engine/ counts too (codeVersion lists them): the dense engine's order of
 * operations and the WebAssembly matrix kernel decide bits as much as the definitions do.
 */
const NUMERIC_MODULES = [
  'data/index', 'data/idx', 'evaluate', 'losses', 'model', 'random', 'spec', 'train',
  'runs/autoencoder', 'runs/stackedDenoising', 'tfjs/ops',
];

/** The compiled modules under a folder of the library, as names like NUMERIC_MODULES', in a fixed order. */
function modulesUnder(libraryRoot: string, folder: string): string[] {
  const directory = path.join(libraryRoot, folder);
  if (!fs.existsSync(directory)) return [];
  return fs.readdirSync(directory, { withFileTypes: true })
    .flatMap((entry) => entry.isDirectory() ? modulesUnder(libraryRoot, `${folder}/${entry.name}`)
      : entry.name.endsWith('.js') ? [`${folder}/${entry.name.slice(0, -'.js'.length)}`] : [])
    .sort();
}

/** A hash of the compiled numeric modules of the library next to this file and of its native kernels' sources. */
export function codeVersion(): string {
  return codeVersionOf(path.join(__dirname, '..'));
}

/**
 * The native kernels' sources and build settings (native/src and binding.gyp under the package's
 * root): the C decides bits as much as the TypeScript it ports (a kernel changed in C alone, or a
 * compiler flag that allows fused multiply-adds, changes results), so it counts in the code
 * version; where the package has no native folder, nothing is added.
 */
function nativeSourceFiles(nativeDirectory: string): string[] {
  const sources = path.join(nativeDirectory, 'src');
  const files = fs.existsSync(sources) ? fs.readdirSync(sources).filter((name) => /\.(c|h)$/.test(name)).sort().map((name) => `src/${name}`) : [];
  return fs.existsSync(path.join(nativeDirectory, 'binding.gyp')) ? [...files, 'binding.gyp'] : files;
}

/** The package's native folder for a compiled library, or null outside a package. */
function defaultNativeDirectory(libraryRoot: string): string | null {
  try {
    return path.join(findProjectRoot(libraryRoot), 'native');
  } catch {
    return null;
  }
}

/**
 * A hash of the compiled numeric modules of the library compiled into libraryRoot, and of the
 * native kernels' sources in `nativeDirectory` (default: native/ at the package's root).
 */
export function codeVersionOf(libraryRoot: string, nativeDirectory: string | null = defaultNativeDirectory(libraryRoot)): string {
  const hash = createHash('sha256');
  for (const name of [...NUMERIC_MODULES, ...modulesUnder(libraryRoot, 'engine')]) {
    const file = path.join(libraryRoot, `${name}.js`);
    hash.update(name);
    if (fs.existsSync(file)) hash.update(numericText(fs.readFileSync(file, 'utf8')));
  }
  if (nativeDirectory) {
    for (const name of nativeSourceFiles(nativeDirectory)) {
      hash.update(`native/${name}`);
      hash.update(numericText(fs.readFileSync(path.join(nativeDirectory, name), 'utf8')));
    }
  }
  return hash.digest('hex').slice(0, 16);
}
