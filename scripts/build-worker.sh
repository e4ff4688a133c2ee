#!/usr/bin/env bash
# Builds the Worker into edge/build/ (entry.js, the entry module, over index.js + index_bg.wasm, worker-build's
# output) without downloading anything: worker-build is pointed at the locally installed wasm-bindgen, at
# the esbuild that wrangler brings and at the wasm-opt of npm's binaryen package (all pinned, in the root
# node_modules/). Install them first with scripts/install-edge-tools.sh.
#
#   EDGE_WORKER_FEATURES=worker-lol-html   build the lol_html-in-wasm applier instead of the runtime's
#   EDGE_BUILD_DIR=build-lol               output directory, relative to edge/ (default: build)
#   WASM_OPT_BIN=/path/to/wasm-opt          another wasm-opt (default: node_modules/.bin/wasm-opt)
#   EDGE_WASM_OPT=0                         skip wasm-opt (a quicker build for local iterations)
#
# The default build (runtime HTMLRewriter, wasm-opt on) is what edge/dist/ holds and the edgedocs binary
# carries; scripts/check-worker-bundle.sh checks that they are the same bytes.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
node_bin="$repo/node_modules/.bin"
cd "$repo/edge"
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

for tool in worker-build wasm-bindgen; do
  command -v "$tool" >/dev/null || { echo "build-worker: $tool is missing; run scripts/install-edge-tools.sh" >&2; exit 1; }
done
for tool in esbuild wasm-opt; do
  [ -x "$node_bin/$tool" ] || { echo "build-worker: node_modules/.bin/$tool is missing; run scripts/install-edge-tools.sh" >&2; exit 1; }
done

export WASM_BINDGEN_BIN="${WASM_BINDGEN_BIN:-$(command -v wasm-bindgen)}"
export ESBUILD_BIN="${ESBUILD_BIN:-$node_bin/esbuild}"

build_args=(--profile worker --out-dir "${EDGE_BUILD_DIR:-build}")
# wasm-opt -O: a smaller module (436 -> 366 KiB) that starts faster (see edge/README.md, "Benchmark").
if [ "${EDGE_WASM_OPT:-1}" = 0 ]; then
  build_args+=(--no-opt)
else
  export WASM_OPT_BIN="${WASM_OPT_BIN:-$node_bin/wasm-opt}"
fi
# Reproducible bytes (scripts/check-worker-bundle.sh compares them with edge/dist/): the registry's
# sources are named by a path of this machine in panic locations, so it is mapped to a fixed one. The
# workspace's own sources are named relative to it already. Flags given here replace RUSTFLAGS.
cargo_home="${CARGO_HOME:-$HOME/.cargo}"
export CARGO_ENCODED_RUSTFLAGS="--remap-path-prefix=$cargo_home=/cargo"
# The native driver (feature `native`, on by default) has no place in the wasm.
cargo_args=(--no-default-features)
if [ -n "${EDGE_WORKER_FEATURES:-}" ]; then
  cargo_args+=(--features "$EDGE_WORKER_FEATURES")
fi

worker-build "${build_args[@]}" "${cargo_args[@]}"
cp src/worker/entry.js "${EDGE_BUILD_DIR:-build}/entry.js"
ls -l "${EDGE_BUILD_DIR:-build}"
