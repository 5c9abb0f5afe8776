#!/usr/bin/env bash
# Installs what a fresh Debian/Ubuntu machine lacks, then the npm dependencies (which build the
# library and the native BLAS binding). Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

# Jupyter's executor and exporter (the report), the classic Notebook UI (the untrusted-notebook
# check), Jupyter Server and JupyterLab's server side (the JupyterLab checks serve their notebook
# page from them; the page itself is built from the @jupyterlab/* npm packages), Chromium (the
# browser checks), OpenBLAS headers and a compiler (the optional native fast
# path: nblas builds against them, and the package's install script compiles its step kernels in
# native/), Fashion-MNIST (the robustness map's second data set), util-linux's unshare (the storage
# fault tests), and redis-server (the job queue's tests start their own on a free port; a service
# the package may start on 127.0.0.1:6379 is not used).
PACKAGES="jupyter-nbconvert jupyter-client python3-nbclient python3-ipykernel jupyter-notebook python3-jupyter-server python3-jupyterlab-server chromium libopenblas-dev g++ make python3 dataset-fashion-mnist util-linux redis-server"
missing=""
for package in $PACKAGES; do
  dpkg -s "$package" >/dev/null 2>&1 || missing="$missing $package"
done
if [ -n "$missing" ]; then
  echo "Installing Debian packages:$missing"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
fi

if ! command -v node >/dev/null 2>&1; then
  echo "Node.js 20 or newer is needed (https://nodejs.org or your distribution's nodejs package)." >&2
  exit 1
fi

# npm ci installs exactly the lockfile; its prepare step compiles the library into dist/.
# @tensorflow/tfjs-node is optional: where its download of libtensorflow fails, npm skips it.
npm ci --no-audit --no-fund
npm run kernel:install >/dev/null
node -e "
const engine = require('./dist/lib/engine/index');
const kernels = require('./dist/lib/engine/nativeKernels').loadNativeKernels();
const blas = engine.blasAvailable();
console.log(blas.available
  ? 'Native training path: available (OpenBLAS; step kernels ' + (kernels.kernels ? 'native' : 'in TypeScript: ' + kernels.reason) + ')'
  : 'Native training path unavailable (' + blas.reason + '); training uses the WebAssembly engine');
"
