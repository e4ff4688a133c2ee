#!/usr/bin/env bash
# Runs every test edgedocs has, from a fresh machine: installs what the tests need (the wasm32 target,
# worker-build and wasm-bindgen-cli, the npm packages, Debian's chromium) when it is missing, then runs
# the Rust tests, builds the showcase site and the Worker, and runs the Worker in workerd and the pages
# in headless Chromium. Safe to run again: every install step skips what is already there.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
target_dir="${CARGO_TARGET_DIR:-$repo/target}"
site_dir="$target_dir/test-site"
# The binary `cargo test --workspace` builds for the integration tests. Later steps use it rather than
# `cargo run`/`cargo build -p edgedocs`, which unify features over fewer packages and would compile the
# dependencies a second time (minutes, and gigabytes of target/ on a small CI disk).
edgedocs_bin="$target_dir/debug/edgedocs"

step() { printf '\n== %s\n' "$*"; }

step "Rust: unit, snapshot and integration tests"
cargo test --workspace --locked

step "Build the showcase site into target/test-site"
"$edgedocs_bin" build --output "$site_dir"

step "Search: the browser's reader of the index against the Rust engine (Node)"
SEARCH_SITE_DIR="$site_dir" EDGEDOCS_BIN="$edgedocs_bin" node --test tests/search/

step "Edge: install the Worker toolchain and the npm packages (skips what is present)"
bash scripts/install-edge-tools.sh

step "Edge: build the Worker, and check that edge/dist/ (the Worker inside the binary) is what it builds"
bash scripts/build-worker.sh
EDGE_CHECK_SKIP_BUILD=1 bash scripts/check-worker-bundle.sh

step "Edge: end-to-end tests in workerd (miniflare)"
EDGE_E2E_ASSETS="$site_dir" EDGE_E2E_SKIP_BUILD=1 bash scripts/test-edge-e2e.sh

step "Theme: browser tests in headless Chromium"
BROWSER_SITE_DIR="$site_dir" bash scripts/test-browser.sh

step "Preview: live-reload browser tests in headless Chromium"
EDGEDOCS_BIN="$edgedocs_bin" bash scripts/test-preview.sh

step "A new site from the binary alone: init, build, its Worker in workerd, serve in Chromium"
EDGEDOCS_BIN="$edgedocs_bin" bash scripts/test-new-site.sh

step "All tests passed"
