#!/usr/bin/env bash
# Clean-build benchmark: edgedocs against Hugo on the same synthetic corpora, in the same run.
#
#   bench/build-bench.sh [N...]        default: 1000 10000 (a 10-page site is always measured too)
#
# Environment:
#   ROUNDS=k          measured rounds per size (default 5 up to 2,000 pages, 3 above)
#   SMALL_ROUNDS=k    rounds for the 10-page site (default 15)
#   EDGEDOCS_BIN=...  use this binary instead of building target/release/edgedocs
#   HUGO_BIN=...      use this Hugo instead of the one on PATH
#   MDBOOK_BIN=...    use this mdBook instead of the one on PATH (`cargo install --locked mdbook`);
#                     without either, mdBook is left out
#   SKIP_SMALL=1      do not measure the 10-page site
#   BUDGET=s          start no new round of a size after s seconds (default 60/120/240; 0 = no limit)
#
# Writes bench/results/latest.md (the table) and bench/results/raw/*.json (git-ignored).
set -euo pipefail

bench_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$bench_dir/.." && pwd)"
corpus_root="$bench_dir/.corpus"
work_root="$bench_dir/.work"
raw_dir="$bench_dir/results/raw"

sizes=("$@")
if [ ${#sizes[@]} -eq 0 ]; then
  sizes=(1000 10000)
fi
if [ -z "${SKIP_SMALL:-}" ]; then
  sizes=(10 "${sizes[@]}")
fi

log() { printf '==> %s\n' "$*" >&2; }

# --- tools ----------------------------------------------------------------------------------
apt_install() {
  if [ "$(id -u)" -ne 0 ]; then
    echo "missing $*: install it (Debian: apt-get install $*)" >&2
    exit 1
  fi
  log "installing $* with apt-get"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}
[ -x /usr/bin/time ] || apt_install time
hugo_bin="${HUGO_BIN:-$(command -v hugo || true)}"
if [ -z "$hugo_bin" ]; then
  apt_install hugo
  hugo_bin="$(command -v hugo)"
fi

mdbook_bin="${MDBOOK_BIN:-$(command -v mdbook || true)}"

if [ -n "${EDGEDOCS_BIN:-}" ]; then
  edgedocs_bin="$EDGEDOCS_BIN"
else
  log "cargo build --release (edgedocs)"
  (cd "$repo_root" && cargo build --release --quiet -p edgedocs)
  # A copy, so that a concurrent `cargo build` cannot swap the binary in the middle of the run.
  mkdir -p "$work_root"
  cp "${CARGO_TARGET_DIR:-$repo_root/target}/release/edgedocs" "$work_root/edgedocs-bin"
  edgedocs_bin="$work_root/edgedocs-bin"
fi
"$edgedocs_bin" build --help >/dev/null

# --- corpora (cached by size and generator fingerprint) --------------------------------------
fingerprint="$(python3 "$bench_dir/gen_corpus.py" --fingerprint)"

corpus_for() {
  local n="$1" dir="$corpus_root/n$1-$fingerprint"
  if [ ! -f "$dir/.complete" ]; then
    log "generating the $n-page corpus ($fingerprint)"
    rm -rf "$dir.tmp"
    python3 "$bench_dir/gen_corpus.py" --pages "$n" --out "$dir.tmp" --mdbook >&2
    # Chroma's class stylesheets for the three colour themes, like edgedocs' generated --hl-* CSS.
    {
      "$hugo_bin" gen chromastyles --style=github
      "$hugo_bin" gen chromastyles --style=monokai | sed -E 's/^(\/\*[^*]*\*\/ )\./\1.theme-dark ./'
      "$hugo_bin" gen chromastyles --style=solarized-light | sed -E 's/^(\/\*[^*]*\*\/ )\./\1.theme-sepia ./'
    } >"$dir.tmp/hugo/assets/chroma.css"
    touch "$dir.tmp/.complete"
    rm -rf "$dir"
    mv "$dir.tmp" "$dir"
  fi
  # The repo's real theme, copied fresh every run so the benchmark follows the theme's changes.
  local theme="$repo_root/themes/default"
  rm -rf "$dir/edgedocs/themes"
  mkdir -p "$dir/edgedocs/themes"
  cp -R "$theme" "$dir/edgedocs/themes/default"
  # Hugo gets the same stylesheet (main.css's @imports concatenated; Hugo minifies it), script and
  # static files, so the two outputs differ by HTML, not by assets.
  if [ -f "$theme/assets/main.css" ]; then
    local css
    css="$(sed -n -E 's/^@import "([^"]+)";.*/\1/p' "$theme/assets/main.css")"
    (cd "$theme/assets" && cat $css) >"$dir/hugo/assets/theme.css"
  fi
  [ -f "$theme/assets/site.js" ] && cp "$theme/assets/site.js" "$dir/hugo/assets/site.js"
  rm -rf "$dir/hugo/static"
  [ -d "$theme/static" ] && cp -R "$theme/static" "$dir/hugo/static"
  printf '%s\n' "$dir"
}

# --- measure ---------------------------------------------------------------------------------
rm -rf "$raw_dir"
mkdir -p "$raw_dir"
for n in "${sizes[@]}"; do
  corpus="$(corpus_for "$n")"
  # Rounds, warm-ups, and a time budget past which no new round starts (at least 2 always run), so a
  # busy machine stretches the run less.
  if [ "$n" -le 10 ]; then
    rounds="${SMALL_ROUNDS:-15}" warmup=2 budget=60
  elif [ "$n" -le 2000 ]; then
    rounds="${ROUNDS:-5}" warmup=1 budget=120
  else
    rounds="${ROUNDS:-3}" warmup=0 budget=240
  fi
  budget="${BUDGET:-$budget}"
  log "measuring $n pages: $rounds rounds, $warmup warm-up, ${budget} s budget"
  python3 "$bench_dir/measure.py" run --label "$n" --corpus "$corpus" --work "$work_root/n$n" \
    --edgedocs "$edgedocs_bin" --hugo "$hugo_bin" ${mdbook_bin:+--mdbook "$mdbook_bin"} \
    --rounds "$rounds" --warmup "$warmup" \
    --budget "$budget" --json "$raw_dir/$n.json"
  rm -rf "$work_root/n$n"
done

rev="$(cd "$repo_root" && git rev-parse --short HEAD 2>/dev/null || echo unknown)"
if [ -n "$(cd "$repo_root" && git status --porcelain -- generator themes 2>/dev/null)" ]; then
  rev="$rev (with uncommitted changes in generator/ or themes/)"
fi
if [ -n "${EDGEDOCS_BIN:-}" ]; then
  rev="a given binary built $(date -u -r "$edgedocs_bin" +%Y-%m-%dT%H:%MZ) (repo at $rev)"
fi
mdbook_version=""
[ -n "$mdbook_bin" ] && mdbook_version=", $("$mdbook_bin" --version)"
header="edgedocs: $rev, theme from the repo at the time of the run, $("$hugo_bin" version | cut -d' ' -f1-2)$mdbook_version, corpus generator $fingerprint, \
$(nproc) cores, $(date -u +%Y-%m-%d)."
python3 "$bench_dir/measure.py" report --raw "$raw_dir" --markdown "$bench_dir/results/latest.md" \
  --header "$header" "${sizes[@]}"
