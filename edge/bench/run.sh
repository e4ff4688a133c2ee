#!/usr/bin/env bash
# Runs the whole benchmark: installs the root npm packages when they are missing, builds both Worker
# variants (incrementally), times the injection natively, then measures the Workers in miniflare on
# loopback (bench/run.mjs; bounded: rounds x duration x variants x 2 pages, about 2 minutes with the
# defaults). Extra arguments go to run.mjs, e.g.
#   bash edge/bench/run.sh --rounds 5 --duration 8
set -euo pipefail

edge_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
scripts_dir="$(cd "$edge_dir/../scripts" && pwd)"
cd "$edge_dir"

bash "$scripts_dir/install-node-packages.sh"

echo "== building the Worker (runtime HTMLRewriter applier) into build/"
bash "$scripts_dir/build-worker.sh" >/dev/null
echo "== building the Worker with lol_html in the wasm into build-lol/"
EDGE_WORKER_FEATURES=worker-lol-html EDGE_BUILD_DIR=build-lol bash "$scripts_dir/build-worker.sh" >/dev/null

echo "== native injection cost (lol_html, the engine behind both appliers)"
cargo bench --quiet -p edgedocs-edge --bench injection_cost

echo "== Workers in miniflare"
export WRANGLER_SEND_METRICS=false CLOUDFLARE_CF_FETCH_ENABLED=false
node bench/run.mjs "$@"
