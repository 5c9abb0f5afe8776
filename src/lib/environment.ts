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

export function collectVersions(): Versions {
  return {
    // Compiled into dist/lib (the build) or build/src/lib (the tests): the package file is two or three folders up.
    relu_ae_lab: require(fs.existsSync(path.join(__dirname, '..', '..', 'package.json')) ? '../../package.json' : '../../../package.json').version as string,
    node: process.version,
    tfjs: packageVersion('@tensorflow/tfjs-core'),
    platform: `${os.platform()}-${os.arch()}`,
    cpu: `${os.cpus()[0]?.model ?? 'unknown'} ×${os.cpus().length}`,
  };
}
