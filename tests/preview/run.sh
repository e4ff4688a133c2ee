#!/usr/bin/env bash
# Browser tests for `edgedocs serve`: real headless Chromium (Debian's package) driven by playwright-core.
# Installs chromium (apt, as root) and the npm packages when they are missing, builds the binary, then
# runs `node --test`. Each test file starts `edgedocs serve` on a free loopback port over a temporary
# copy of the repo's site (site.toml, content/, themes/, templates/, assets/, edge/src/) and stops it at the end.
#
#   EDGEDOCS_BIN    the binary to test (default: built here with `cargo build -p edgedocs`)
#   CHROMIUM_PATH   the browser (default: /usr/bin/chromium)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
chromium_path="${CHROMIUM_PATH:-/usr/bin/chromium}"

# shellcheck source=../ensure-chromium.sh
source "$here/../ensure-chromium.sh"
ensure_chromium "$chromium_path"

if [ ! -f "$here/node_modules/playwright-core/package.json" ]; then
  echo "installing npm packages (playwright-core, pinned in package-lock.json)..."
  (cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
fi

if [ -z "${EDGEDOCS_BIN:-}" ]; then
  echo "building edgedocs..."
  (cd "$repo" && cargo build -q -p edgedocs)
  EDGEDOCS_BIN="${CARGO_TARGET_DIR:-$repo/target}/debug/edgedocs"
  case "$EDGEDOCS_BIN" in
    /*) ;;
    *) EDGEDOCS_BIN="$repo/$EDGEDOCS_BIN" ;;
  esac
fi

cd "$here"
EDGEDOCS_BIN="$EDGEDOCS_BIN" REPO_ROOT="$repo" CHROMIUM_PATH="$chromium_path" \
  node --test --test-concurrency=1 --test-timeout=300000 tests/
