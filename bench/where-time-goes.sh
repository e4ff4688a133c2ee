#!/usr/bin/env bash
# Where a clean build's time goes, on a copy of a corpus:
#
#   bench/where-time-goes.sh CORPUS_DIR [ROUNDS]     CORPUS_DIR is gen_corpus.py's --out (default rounds: 3)
#   bench/where-time-goes.sh --site SITE_DIR [ARGS]  only step 2, on one build of SITE_DIR as it is
#                                                    (with its highlight cache: a warm rebuild's profile)
#
# 1. Highlighting per language: the build's CPU time (user+sys, median of ROUNDS) with only that
#    language's fences highlighted (the others relabelled `text`), minus the build with every fence
#    relabelled; the corpus' lines of that language divided by the difference is lines/s per core.
# 2. The rest: `perf record` of the all-`text` build (and of the real one), its samples by the
#    symbol they fall in, grouped by what owns the symbol (see the table in `categorise`).
#
# Environment: EDGEDOCS_BIN (default target/profiling/edgedocs: `cargo build --profile profiling`,
# which keeps symbols), OUT (default /dev/shm/edgedocs-wtg, tmpfs, so disk writeback stays out).
set -euo pipefail

categorise() {
  # perf report's "overhead symbol" lines, grouped by owner; kernel symbols are [k].
  # perf here cannot read the Rust symbols of the binary: its addresses are looked up in `nm`'s table.
  python3 - "$1" "$bin" <<'EOF'
import bisect, re, subprocess, sys
table = []
for line in subprocess.run(["nm", "-C", "-n", "--defined-only", sys.argv[2]], capture_output=True, text=True).stdout.splitlines():
    parts = line.split(" ", 2)
    if len(parts) == 3 and parts[1] in "tTwW":
        table.append((int(parts[0], 16), parts[2]))
starts = [address for address, _ in table]
def symbol(text):
    if not text.startswith("0x"):
        return text
    index = bisect.bisect_right(starts, int(text, 16)) - 1
    return table[index][1] if index >= 0 else text
groups = [
    ("highlighting (syntect, its regexes, the frame)", r"syntect|onig|fancy_regex|regex_automata|regex_syntax|edgedocs_highlight|^match_at|forward_search|slow_search|bm_search"),
    ("Markdown (pulldown-cmark and edgedocs' passes)", r"pulldown_cmark|edgedocs::markdown"),
    ("templates (tera, its context as JSON values)", r"tera::|serde_json|edgedocs::render::context|edgedocs::content::navigation"),
    ("Markdown twins and llms-full.txt", r"edgedocs::agents"),
    ("search index", r"edgedocs_search|edgedocs::search"),
    ("link check", r"edgedocs::link_check"),
    ("stylesheet (lightningcss)", r"lightningcss|cssparser|parcel"),
    ("diagrams", r"merman|edgedocs_diagram"),
    ("memory (malloc, free, copies)", r"malloc|free|realloc|memcpy|memmove|memset|_int_|cfree|arena"),
    ("kernel (writing files, page faults, threads)", r"^\[k\]"),
]
totals = {name: 0.0 for name, _ in groups}
other = 0.0
others = {}
for line in open(sys.argv[1]):
    m = re.match(r"\s*([\d.]+)%\s+(\S+)\s+(\[.\])\s+(.*)", line)
    if not m:
        continue
    pct, _dso, kind, sym = float(m.group(1)), m.group(2), m.group(3), symbol(m.group(4).strip())
    key = ("[k] " if kind == "[k]" else "") + sym
    for name, pattern in groups:
        if re.search(pattern, key):
            totals[name] += pct
            break
    else:
        other += pct
        others[sym] = others.get(sym, 0) + pct
print("| part | share of samples |")
print("|---|---:|")
for name, _ in groups:
    print(f"| {name} | {totals[name]:.1f}% |")
print(f"| everything else | {other:.1f}% |")
top = sorted(others.items(), key=lambda kv: -kv[1])[:8]
print("\nlargest of everything else: " + "; ".join(f"{s[:60]} {p:.1f}%" for s, p in top))
EOF
}

# perf samples of one build of a site, by owner.
profile_build() {
  local site="$1"; shift
  rm -rf "$work/out"
  perf record -q -F 999 -o "$work/perf.data" -- "$bin" build --root "$site" --output "$work/out" "$@" >/dev/null 2>&1
  perf report -q -i "$work/perf.data" --no-children --sort dso,sym 2>/dev/null >"$work/report.txt"
  categorise "$work/report.txt"
}

if [ "${1:-}" = "--site" ]; then
  bin="${EDGEDOCS_BIN:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/target/profiling/edgedocs}"
  work="${OUT:-/dev/shm/edgedocs-wtg}"
  mkdir -p "$work"
  profile_build "${2:?usage: where-time-goes.sh --site SITE_DIR [BUILD ARGS]}" "${@:3}"
  rm -rf "$work"
  exit 0
fi

corpus="${1:?usage: where-time-goes.sh CORPUS_DIR [ROUNDS]}"
rounds="${2:-3}"
bench_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$bench_dir/.." && pwd)"
bin="${EDGEDOCS_BIN:-$repo_root/target/profiling/edgedocs}"
work="${OUT:-/dev/shm/edgedocs-wtg}"
rm -rf "$work" && mkdir -p "$work"

# A copy of the corpus' edgedocs site where only the fences of the languages given stay highlighted.
variant() {
  local name="$1" keep="$2" dir="$work/$1"
  cp -R "$corpus/edgedocs" "$dir"
  if [ ! -d "$dir/themes/default" ]; then
    mkdir -p "$dir/themes" && cp -R "$repo_root/themes/default" "$dir/themes/default"
  fi
  # Every fence language the corpus writes that is not kept becomes `text`.
  local relabel
  relabel="$(printf '%s\n' ts rust json toml bash | grep -vxF -f <(printf '%s\n' $keep) | paste -sd'|' || true)"
  if [ -n "$relabel" ]; then
    find "$dir/content" -name '*.md' -exec sed -i -E "s/^\`\`\`($relabel)( |\$)/\`\`\`text\\2/" {} +
  fi
  printf '%s\n' "$dir"
}

# Median CPU seconds (user+sys) of ROUNDS clean builds of a site, without the highlight cache.
cpu_median() {
  local site="$1" out="$work/out" times=()
  for _ in $(seq "$rounds"); do
    rm -rf "$out" "$site/.edgedocs"
    local t
    t="$( { /usr/bin/time -f '%U %S' "$bin" build --root "$site" --output "$out" --no-cache >/dev/null; } 2>&1 | tail -1)"
    times+=("$(echo "$t" | awk '{print $1 + $2}')")
  done
  printf '%s\n' "${times[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}

echo "corpus: $corpus ($(python3 -c "import json,sys; s=json.load(open(sys.argv[1])); print(', '.join(f'{k} {v[\"lines\"]} lines' for k,v in s['languages'].items()))" "$corpus/corpus-stats.json"))"
echo "binary: $bin; rounds: $rounds; load average: $(cut -d' ' -f1-3 /proc/loadavg)"

plain="$(variant plain "")"
all="$(variant all "ts rust json toml bash")"
base="$(cpu_median "$plain")"
full="$(cpu_median "$all")"
echo
echo "| build | CPU s (median) |"
echo "|---|---:|"
echo "| every fence as text | $base |"
echo "| every fence highlighted | $full |"
echo
echo "| language | lines (all, blank ones too) | highlighting CPU s | lines/s per core |"
echo "|---|---:|---:|---:|"
for lang in ts rust json toml bash; do
  dir="$(variant "only-$lang" "$lang")"
  cpu="$(cpu_median "$dir")"
  lines="$(python3 - "$dir/content" "$lang" <<'EOF'
import pathlib, re, sys
lines = 0
for path in pathlib.Path(sys.argv[1]).rglob("*.md"):
    in_fence = counting = False
    for line in path.read_text().split("\n"):
        if line.startswith("```"):
            if in_fence:
                in_fence = counting = False
            else:
                in_fence = True
                counting = re.match(r"```" + sys.argv[2] + r"( |$)", line) is not None
        elif counting:
            lines += 1
print(lines)
EOF
)"
  echo "| $lang | $lines | $(awk -v a="$cpu" -v b="$base" 'BEGIN {printf "%.2f", a - b}') | $(awk -v a="$cpu" -v b="$base" -v l="$lines" 'BEGIN {d = a - b; if (d > 0) printf "%.0f", l / d; else print "-"}') |"
  rm -rf "$dir"
done

if command -v perf >/dev/null; then
  for site in "$plain" "$all"; do
    rm -rf "$site/.edgedocs"
    echo
    echo "perf, the $(basename "$site") build:"
    profile_build "$site" --no-cache
  done
fi
rm -rf "$work"
