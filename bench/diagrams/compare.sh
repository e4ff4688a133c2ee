#!/usr/bin/env bash
# edgedocs' build-time diagrams against Mermaid itself (see bench/README.md, "Diagrams against Mermaid"):
# draws corpus/*.mmd with the render_corpus example (release build) and with Mermaid in headless
# Chromium, then writes results.md, sheet.html and shots/*.png here.
#
#   RUNS      renders per diagram for the median (default 9)
#   PROFILE   the cargo profile of the edgedocs side (default release; `dev` when no release build fits)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
chromium_path="${CHROMIUM_PATH:-/usr/bin/chromium}"

# shellcheck source-path=SCRIPTDIR source=../../scripts/ensure-chromium.sh
source "$repo/scripts/ensure-chromium.sh"
ensure_chromium "$chromium_path"
bash "$repo/scripts/install-node-packages.sh"
if [ ! -f "$here/node_modules/mermaid/dist/mermaid.min.js" ]; then
  (cd "$here" && npm ci --no-audit --no-fund)
fi

mkdir -p "$here/out"
rm -rf "$here/out/edgedocs"
profile="${PROFILE:-release}"
(cd "$repo" && nice -n 10 cargo run -q --profile "$profile" --locked -p edgedocs-diagram --example render_corpus -- \
  "$here/corpus" "$here/out/edgedocs" "${RUNS:-9}") > "$here/out/edgedocs.json"
cd "$here"
CHROMIUM_PATH="$chromium_path" RUNS="${RUNS:-9}" EDGEDOCS_PROFILE="$profile" node compare.mjs --shots
