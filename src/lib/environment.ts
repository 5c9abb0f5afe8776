/** Versions and machine facts recorded with every result, so a number can be traced to its setup. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export interface Versions {
  relu_ae_lab: string;
  node: string;
  tfjs: string;
  platform: string;
  cpu: string;
}

function packageVersion(name: string): string {
  try {
    return require(`${name}/package.json`).version as string;
  } catch {
    return 'absent';
  }
}

/**
 * The project root: the nearest folder at or above `start` whose package.json is relu-ae-lab's. The
 * library runs compiled from dist/lib (the build) or build/src/lib (the tests), so a fixed number
 * of '..' would be wrong in one of them.
 */
export function findProjectRoot(start: string = __dirname): string {
  for (let folder = path.resolve(start); ; folder = path.dirname(folder)) {
    const file = path.join(folder, 'package.json');
    if (fs.existsSync(file) && JSON.parse(fs.readFileSync(file, 'utf8')).name === 'relu-ae-lab') return folder;
    if (folder === path.dirname(folder)) throw new Error(`no relu-ae-lab package.json at or above ${start}`);
  }
}

export function collectVersions(): Versions {
  return {
    relu_ae_lab: JSON.parse(fs.readFileSync(path.join(findProjectRoot(), 'package.json'), 'utf8')).version as string,
    node: process.version,
    tfjs: packageVersion('@tensorflow/tfjs-core'),
    platform: `${os.platform()}-${os.arch()}`,
    cpu: `${os.cpus()[0]?.model ?? 'unknown'} ×${os.cpus().length}`,
  };
}
