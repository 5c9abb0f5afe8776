/**
 * Where things live: the library's own package (for its version and bundled assets) and the
 * caller's project (for the result cache and relative data paths). The two differ when the library
 * is installed into someone else's project, and results must never be written inside the package.
 */
import * as fs from 'fs';
import * as path from 'path';

/** The name in this library's package.json. */
export const PACKAGE_NAME = 'relu-ae-lab';

/**
 * The library's own root: the nearest folder at or above `start` whose package.json is
 * relu-ae-lab's. The library runs compiled from dist/lib (installed) or build/src/lib (the tests),
 * so a fixed number of '..' would be wrong in one of them.
 */
export function findProjectRoot(start: string = __dirname): string {
  for (let folder = path.resolve(start); ; folder = path.dirname(folder)) {
    const file = path.join(folder, 'package.json');
    if (fs.existsSync(file) && JSON.parse(fs.readFileSync(file, 'utf8')).name === PACKAGE_NAME) return folder;
    if (folder === path.dirname(folder)) throw new Error(`no ${PACKAGE_NAME} package.json at or above ${start}`);
  }
}

/** The library's version, from its package.json. */
export function libraryVersion(): string {
  return JSON.parse(fs.readFileSync(path.join(findProjectRoot(), 'package.json'), 'utf8')).version as string;
}

/**
 * The caller's project: the nearest folder at or above the working directory that has a
 * package.json, else the working directory itself. A notebook in notebooks/ and a script at the
 * top of a project both get the project's top folder.
 */
export function callerProjectRoot(start: string = process.cwd()): string {
  for (let folder = path.resolve(start); ; folder = path.dirname(folder)) {
    if (fs.existsSync(path.join(folder, 'package.json'))) return folder;
    if (folder === path.dirname(folder)) return path.resolve(start);
  }
}

/** The installed version of a package, or 'absent'. */
export function packageVersion(name: string): string {
  try {
    return JSON.parse(fs.readFileSync(require.resolve(`${name}/package.json`), 'utf8')).version as string;
  } catch {
    return 'absent';
  }
}
