/*
 * Builds the optional native step kernels (see src/lib/engine/nativeKernels.ts) with node-gyp.
 * Runs as the package's install script, so it must never fail the install: where there is no C
 * compiler (or node-gyp cannot find Node's headers), it says so and exits 0, and training then
 * uses the TypeScript kernels, which give the same results more slowly. Plain JavaScript, because
 * it runs before the TypeScript is compiled.
 *
 * usage: node native/build.js    (npm runs it on install; `npm run build:native` does it by hand)
 */
const { spawnSync } = require('child_process');
const path = require('path');

// npm names its bundled node-gyp in its lifecycle scripts; elsewhere, one on the PATH.
const nodeGyp = process.env.npm_config_node_gyp;
const command = nodeGyp ? process.execPath : 'node-gyp';
const args = [...(nodeGyp ? [nodeGyp] : []), 'rebuild'];
const result = spawnSync(command, args, { cwd: __dirname, encoding: 'utf8' });
const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
const built = path.join('native', 'build', 'Release', 'relu_ae_kernels.node');
if (result.status === 0) {
  process.stdout.write(`relu-ae-lab: built the native step kernels (${built}).\n`);
} else {
  const reason = result.error ? result.error.message : output.split('\n').filter((line) => /error|not found|No such/i.test(line)).slice(0, 3).join(' | ');
  process.stdout.write(
    `relu-ae-lab: the optional native step kernels were not built (${reason || `node-gyp exited with ${result.status}`}).\n` +
      'relu-ae-lab: training uses the TypeScript kernels instead: the same results, somewhat slower.\n',
  );
}
