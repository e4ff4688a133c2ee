#!/usr/bin/env bash
# Runs every fuzz target (or the ones named) for a given time and prints a table: inputs run, inputs
# per second, panics, hangs (inputs over 2 s), the process's peak memory and the slowest input.
#
#   scripts/fuzz.sh [--seconds N] [--seed S] [--jobs J] [--targets markdown,fence,...]
#
# Defaults: 60 s per target, a seed from the clock, one target at a time, every target. Runs under
# `nice -n ${NICE:-15}`. Panics and hangs are saved under fuzz/artifacts/<target>/ as the input's bytes
# (replay one with `target/release/edgedocs-fuzz --replay FILE`) plus a .txt that shows it; each run's
# log is fuzz/artifacts/logs/<target>.log. Exits 1 when any target found something.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"

seconds=60
seed="$(date +%s)"
jobs=1
targets=""
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds="$2"; shift 2 ;;
    --seed) seed="$2"; shift 2 ;;
    --jobs) jobs="$2"; shift 2 ;;
    --targets) targets="$2"; shift 2 ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done

cargo build --release --locked -q -p edgedocs-fuzz
binary="${CARGO_TARGET_DIR:-$repo/target}/release/edgedocs-fuzz"
if [ -z "$targets" ]; then
  targets="$("$binary" --list | awk '{print $1}' | paste -sd, -)"
fi

logs="fuzz/artifacts/logs"
mkdir -p "$logs"
results="$(mktemp)"
trap 'rm -f "$results"' EXIT

run_target() {
  local target="$1"
  local line
  line="$(nice -n "${NICE:-15}" "$binary" --target "$target" --seconds "$seconds" --seed "$seed" \
    2>"$logs/$target.log" | tail -n 1)" || true
  if [ -z "$line" ]; then
    line="target=$target inputs=? seconds=? per_second=? panics=? hangs=? peak_kib=? slowest_ms=? stuck=crashed"
  fi
  echo "$line" >>"$results"
}

echo "fuzzing ${targets//,/, } for ${seconds} s each (seed $seed, $jobs at a time)" >&2
IFS=',' read -r -a names <<<"$targets"
for target in "${names[@]}"; do
  while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do
    wait -n || true
  done
  run_target "$target" &
done
wait

python3 - "$results" "${names[@]}" <<'PY'
import sys

path, order = sys.argv[1], sys.argv[2:]
rows = {}
for line in open(path):
    fields = dict(part.split("=", 1) for part in line.split())
    rows[fields["target"]] = fields

def mib(kib):
    return f"{int(kib) / 1024:.0f} MiB" if kib.isdigit() else kib

print("| target | inputs | inputs/s | panics | hangs | peak memory | slowest input |")
print("|---|---:|---:|---:|---:|---:|---:|")
found = False
for name in order:
    r = rows.get(name, {})
    stuck = r.get("stuck", "?")
    hangs = r.get("hangs", "?") + (" (still running at the end)" if stuck == "true" else "")
    hangs = hangs + (" (process died)" if stuck == "crashed" else "")
    inputs = r.get("inputs", "?")
    print(f"| {name} | {int(inputs):,} | {r.get('per_second', '?')} | {r.get('panics', '?')} | {hangs} | "
          f"{mib(r.get('peak_kib', '?'))} | {r.get('slowest_ms', '?')} ms |" if inputs.isdigit() else
          f"| {name} | ? | ? | ? | {hangs} | ? | ? |")
    found = found or r.get("panics") not in ("0", None) or r.get("hangs") not in ("0", None) or stuck != "false"
sys.exit(1 if found else 0)
PY
