#!/usr/bin/env bash
# edgedocs' search against Pagefind, side by side in one run: index build time, bytes and files on the
# generated corpus; bytes per query and latency in headless Chromium; and, given a book folder, the
# relevance set's MRR and top-1 for both engines. See README.md, "Search against Pagefind".
#
#   bench/search-bench.sh [PAGES] [BOOK_DIR]     PAGES default 10000; BOOK_DIR a copy of rust-lang/book
#                                                (src/, book.toml, listings/) at the commit the set names
#
#   ROUNDS=3          clean builds per side (search on, search off), alternating
#   EDGEDOCS_BIN=...  use this binary instead of building target/release/edgedocs
#
# Needs `bash scripts/install-node-packages.sh` first (the corpus's TypeScript sources and
# playwright-core); installs Pagefind into bench/search/node_modules from bench/search's lock file.
set -euo pipefail

bench_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$bench_dir/.." && pwd)"
pages="${1:-10000}"
book="${2:-}"
rounds="${ROUNDS:-3}"
corpus_root="$bench_dir/.corpus"
work_root="$bench_dir/.work/search"
raw="$bench_dir/results/raw"
log() { echo "search-bench: $*" >&2; }

[ -d "$repo_root/node_modules/playwright-core" ] || { log "run bash scripts/install-node-packages.sh first"; exit 1; }
if [ ! -x "$bench_dir/search/node_modules/.bin/pagefind" ]; then
  log "npm ci (Pagefind, bench/search only)"
  (cd "$bench_dir/search" && npm ci --no-audit --no-fund >&2)
fi
pagefind="$bench_dir/search/node_modules/.bin/pagefind"

if [ -n "${EDGEDOCS_BIN:-}" ]; then
  edgedocs="$EDGEDOCS_BIN"
else
  log "cargo build --release (edgedocs)"
  (cd "$repo_root" && nice -n 10 cargo build --release --locked --quiet -p edgedocs)
  edgedocs="${CARGO_TARGET_DIR:-$repo_root/target}/release/edgedocs"
fi

# The corpus, cached like build-bench.sh's (same folder and fingerprint; its Hugo half is unused here).
fingerprint="$(python3 "$bench_dir/gen_corpus.py" --fingerprint)"
corpus="$corpus_root/n$pages-$fingerprint"
if [ ! -f "$corpus/.complete" ] && [ ! -f "$corpus/.generated" ]; then
  log "generating the $pages-page corpus ($fingerprint)"
  rm -rf "$corpus.tmp"
  nice -n 10 python3 "$bench_dir/gen_corpus.py" --pages "$pages" --out "$corpus.tmp" >&2
  touch "$corpus.tmp/.generated"
  rm -rf "$corpus"
  mv "$corpus.tmp" "$corpus"
fi

mkdir -p "$raw" "$work_root"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
speed_json="$raw/search-speed-n$pages-$stamp.json"
log "measuring at $pages pages, $rounds rounds (load average $(cut -d' ' -f1-3 /proc/loadavg))"
nice -n 10 python3 "$bench_dir/search/search_bench.py" speed --site "$corpus/edgedocs" --work "$work_root" \
  --edgedocs "$edgedocs" --pagefind "$pagefind" --queries "$bench_dir/search/queries-synthetic.txt" \
  --rounds "$rounds" --json "$speed_json"

relevance_args=()
if [ -n "$book" ]; then
  relevance_json="$raw/search-relevance-$stamp.json"
  log "relevance on $book"
  nice -n 10 python3 "$bench_dir/search/search_bench.py" relevance --site "$book" --work "$work_root" \
    --edgedocs "$edgedocs" --pagefind "$pagefind" --set "$bench_dir/search/relevance-rust-book.tsv" \
    --json "$relevance_json"
  relevance_args=(--relevance "$relevance_json")
fi

{
  echo "# Search against Pagefind"
  echo
  echo "edgedocs $(git -C "$repo_root" rev-parse --short HEAD), $("$pagefind" --version), corpus $fingerprint, $(nproc) cores."
  echo
  python3 "$bench_dir/search/search_bench.py" report --speed "$speed_json" "${relevance_args[@]}"
} | tee "$bench_dir/results/search-latest.md"
