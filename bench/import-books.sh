#!/usr/bin/env bash
# Builds existing mdBook books unchanged with edgedocs and, when `mdbook` is on PATH, with mdBook, each
# ROUNDS times (alternating), output on tmpfs; prints per book the median wall time of each tool and
# edgedocs' summary line (pages, sections, links checked) and its warnings by kind.
#
#   bench/import-books.sh BOOK_DIR...     each a folder with book.toml
#
#   EDGEDOCS   the binary to measure (default: target/release/edgedocs)
#   ROUNDS     rounds per tool and book (default: 3)
#   OUT        where the outputs go (default: /dev/shm/edgedocs-import-books, else a temporary folder)
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
edgedocs="${EDGEDOCS:-$repo/target/release/edgedocs}"
rounds="${ROUNDS:-3}"
out="${OUT:-}"
if [ -z "$out" ]; then
  if [ -d /dev/shm ]; then out=/dev/shm/edgedocs-import-books; else out="$(mktemp -d)"; fi
fi
mkdir -p "$out"
[ -x "$edgedocs" ] || { echo "error: no edgedocs binary at $edgedocs (cargo build --release -p edgedocs)" >&2; exit 1; }
have_mdbook=0
command -v mdbook >/dev/null && have_mdbook=1

median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

for book in "$@"; do
  name="$(basename "$(cd "$book" && pwd)")"
  edgedocs_times=()
  mdbook_times=()
  for _ in $(seq "$rounds"); do
    start=$(date +%s.%N)
    "$edgedocs" build --root "$book" --output "$out/$name-edgedocs" > "$out/$name-edgedocs.log" 2>&1 || true
    edgedocs_times+=("$(echo "$(date +%s.%N) - $start" | bc)")
    if [ "$have_mdbook" = 1 ]; then
      start=$(date +%s.%N)
      mdbook build "$book" --dest-dir "$out/$name-mdbook" > "$out/$name-mdbook.log" 2>&1 || true
      mdbook_times+=("$(echo "$(date +%s.%N) - $start" | bc)")
    fi
  done
  echo "== $name"
  echo "edgedocs: $(printf '%s\n' "${edgedocs_times[@]}" | median) s (median of $rounds)"
  if [ "$have_mdbook" = 1 ]; then
    echo "mdbook:   $(printf '%s\n' "${mdbook_times[@]}" | median) s (median of $rounds)"
  fi
  tail -n 1 "$out/$name-edgedocs.log"
  echo "errors: $(grep -c '^error' "$out/$name-edgedocs.log" || true)"
  echo "warnings by kind:"
  grep '^warning' "$out/$name-edgedocs.log" | sed -E 's/^warning: [^ ]*: //; s/`[^`]*`/…/g' | cut -c1-80 \
    | sort | uniq -c | sort -rn || true
done
