#!/usr/bin/env bash
# Installs what building and testing the Worker needs, skipping whatever is already there:
# the wasm32 target, worker-build and wasm-bindgen-cli at the pinned versions, and the root npm packages
# (wrangler's esbuild and binaryen's wasm-opt build the Worker; miniflare runs it) through
# install-node-packages.sh.
set -euo pipefail

# Keep these in step with edge/Cargo.toml (worker, wasm-bindgen).
WORKER_BUILD_VERSION="0.8.7"
WASM_BINDGEN_VERSION="0.2.130"

scripts_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cargo_bin="${CARGO_HOME:-$HOME/.cargo}/bin"
export PATH="$cargo_bin:$PATH"

log() { printf 'install-edge-tools: %s\n' "$*"; }

if rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "wasm32-unknown-unknown target present"
else
  log "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# Prints the version a cargo-installed binary reports, or nothing when it is missing.
installed_version() {
  local binary="$1"
  if [ -x "$cargo_bin/$binary" ]; then
    "$cargo_bin/$binary" --version 2>/dev/null | grep -oE '[0-9]+\.[0-9]+\.[0-9]+' | head -n1
  fi
}

# `--debug` builds these tools in a fraction of the time of a release build; their output is identical.
if [ "$(installed_version worker-build)" = "$WORKER_BUILD_VERSION" ]; then
  log "worker-build $WORKER_BUILD_VERSION present"
else
  log "installing worker-build $WORKER_BUILD_VERSION"
  cargo install --debug --locked --force worker-build --version "$WORKER_BUILD_VERSION"
fi

# Without --locked: the tool's own lockfile names a crate version the registry no longer serves.
if [ "$(installed_version wasm-bindgen)" = "$WASM_BINDGEN_VERSION" ]; then
  log "wasm-bindgen-cli $WASM_BINDGEN_VERSION present"
else
  log "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION"
  cargo install --debug --force wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
fi

bash "$scripts_dir/install-node-packages.sh"
log "done"
