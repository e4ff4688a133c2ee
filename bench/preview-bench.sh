#!/usr/bin/env bash
# Save-to-browser latency of `edgedocs serve` on the synthetic corpus (see README.md): builds the release
# binary, reuses or generates the corpus, copies it with the repo's theme to a temporary folder, and runs
# preview-bench.mjs (headless Chromium over loopback). Prints p50/p90/p99.
#
#   bench/preview-bench.sh [PAGES]        default 10000
#   ITERATIONS=100 SAVE=rename bench/preview-bench.sh
set -euo pipefail

bench_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$bench_dir/.." && pwd)"
pages="${1:-10000}"
iterations="${ITERATIONS:-60}"
save="${SAVE:-inplace}"

echo "building edgedocs (release)..."
(cd "$repo_root" && cargo build -q --release -p edgedocs)
bin="${CARGO_TARGET_DIR:-$repo_root/target}/release/edgedocs"
case "$bin" in /*) ;; *) bin="$repo_root/$bin" ;; esac

bash "$repo_root/scripts/install-node-packages.sh"

corpus="$bench_dir/.corpus/n$pages-$(python3 "$bench_dir/gen_corpus.py" --fingerprint)"
if [ ! -d "$corpus/edgedocs/content" ]; then
  echo "generating the $pages-page corpus..."
  rm -rf "$corpus.tmp"
  python3 "$bench_dir/gen_corpus.py" --pages "$pages" --out "$corpus.tmp" >&2
  mv "$corpus.tmp" "$corpus"
fi

site="$(mktemp -d "${TMPDIR:-/tmp}/edgedocs-preview-bench.XXXXXX")"
trap 'rm -rf "$site"' EXIT
cp -R "$corpus/edgedocs/content" "$corpus/edgedocs/site.toml" "$site/"
mkdir -p "$site/themes"
cp -R "$repo_root/themes/default" "$site/themes/default"

node "$bench_dir/preview-bench.mjs" --site "$site" --bin "$bin" --iterations "$iterations" --save "$save" \
  --max-seconds "${MAX_SECONDS:-300}"
