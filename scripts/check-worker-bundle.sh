#!/usr/bin/env bash
# Checks that the prebuilt Worker in edge/dist/ (entry.js, index.js, index_bg.wasm), which the edgedocs
# binary carries and `edgedocs build` writes beside a site, is the one the sources build: builds the
# Worker with scripts/build-worker.sh (incrementally, wasm-opt on) and compares the three files byte for
# byte. The build is reproducible: the same sources, toolchain and pinned tools give the same bytes
# (build-worker.sh maps the machine's source and registry paths out of the wasm).
#
#   scripts/check-worker-bundle.sh            build, then compare (exit 1 on a difference)
#   scripts/check-worker-bundle.sh --update   build, then copy the build into edge/dist/ (commit it)
#   EDGE_CHECK_SKIP_BUILD=1                   compare edge/build/ as it is, without building
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="$repo/edge/build"
dist="$repo/edge/dist"
files=(entry.js index.js index_bg.wasm)
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

# The tools whose versions decide the bytes; edge/dist/TOOLS records those that built it.
tool_versions() {
  rustc --version
  printf "worker-build %s\n" "$(worker-build --version 2>/dev/null | head -n 1)"
  wasm-bindgen --version
  "$repo/node_modules/.bin/wasm-opt" --version
}

if [ -z "${EDGE_CHECK_SKIP_BUILD:-}" ]; then
  # The committed bundle is the default build: the runtime's HTMLRewriter, wasm-opt on.
  EDGE_BUILD_DIR=build EDGE_WORKER_FEATURES= EDGE_WASM_OPT=1 bash "$repo/scripts/build-worker.sh" >/dev/null
fi

if [ "${1:-}" = "--update" ]; then
  mkdir -p "$dist"
  for file in "${files[@]}"; do
    cp "$build/$file" "$dist/$file"
  done
  tool_versions >"$dist/TOOLS"
  echo "check-worker-bundle: edge/dist/ updated from edge/build/; commit it"
  exit 0
fi

status=0
for file in "${files[@]}"; do
  if ! cmp -s "$build/$file" "$dist/$file"; then
    echo "check-worker-bundle: edge/dist/$file differs from what the sources build (edge/build/$file)" >&2
    status=1
  fi
done
if [ "$status" != 0 ]; then
  if ! tool_versions | cmp -s - "$dist/TOOLS"; then
    echo "  note: edge/dist/ was built with other tools (edge/dist/TOOLS); these are:" >&2
    tool_versions | sed 's/^/    /' >&2
  fi
  echo "  help: after changing edge/, run scripts/check-worker-bundle.sh --update and commit edge/dist/" >&2
  exit 1
fi
echo "check-worker-bundle: edge/dist/ is what the sources build ($(wc -c <"$dist/index_bg.wasm") bytes of wasm)"
