#!/usr/bin/env bash
# End-to-end tests of the Worker: installs the npm packages when they are missing, builds the Worker
# (incrementally), checks that edge/dist/ is that build (scripts/check-worker-bundle.sh) and runs
# edge/tests/e2e/*.test.mjs with node's test runner, which drive the built Worker in workerd through
# miniflare with a local KV namespace. Building needs the Worker toolchain
# (scripts/install-edge-tools.sh).
#
#   EDGE_E2E_ASSETS=<dir>     serve this site (e.g. `edgedocs build --output <dir>`) instead of the fixture
#   EDGE_E2E_BUILD_DIR=build-lol EDGE_WORKER_FEATURES=worker-lol-html
#                             test the Worker built with lol_html in the wasm instead (relative to edge/)
#   EDGE_E2E_SKIP_BUILD=1     use the build directory as it is
#   EDGEDOCS_BIN=<path>       the binary that builds the search tests' site (default: built here with
#                             `cargo build -p edgedocs`)
set -euo pipefail

scripts_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source-path=SCRIPTDIR source=edgedocs-bin.sh
source "$scripts_dir/edgedocs-bin.sh"
ensure_edgedocs_bin "$scripts_dir/.."
export EDGEDOCS_BIN

if [ -n "${EDGE_E2E_ASSETS:-}" ]; then
  EDGE_E2E_ASSETS="$(cd "$EDGE_E2E_ASSETS" && pwd)"
  export EDGE_E2E_ASSETS
  echo "test-edge-e2e: serving $EDGE_E2E_ASSETS"
else
  echo "test-edge-e2e: serving the fixture site (set EDGE_E2E_ASSETS to serve a real build)"
fi

bash "$scripts_dir/install-node-packages.sh"

build_dir="${EDGE_E2E_BUILD_DIR:-build}"
export EDGE_E2E_BUILD_DIR="$build_dir"
if [ -z "${EDGE_E2E_SKIP_BUILD:-}" ]; then
  EDGE_BUILD_DIR="$build_dir" bash "$scripts_dir/build-worker.sh" >/dev/null
  if [ "$build_dir" = build ] && [ -z "${EDGE_WORKER_FEATURES:-}" ]; then
    # The default build is the one the binary carries: edge/dist/ must be exactly it.
    EDGE_CHECK_SKIP_BUILD=1 bash "$scripts_dir/check-worker-bundle.sh"
  fi
fi

cd "$scripts_dir/../edge"
[ -f "$build_dir/entry.js" ] || { echo "test-edge-e2e: edge/$build_dir/entry.js is missing; run scripts/build-worker.sh" >&2; exit 1; }

export WRANGLER_SEND_METRICS=false CLOUDFLARE_CF_FETCH_ENABLED=false
exec node --test --test-concurrency=1 --test-reporter=spec tests/e2e/*.test.mjs
