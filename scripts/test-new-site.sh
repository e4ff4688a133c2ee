#!/usr/bin/env bash
# End-to-end test of a new user's site (tests/new-site/): copies the edgedocs binary into a temporary
# folder outside the repository and, from there, runs `init`, `build`, the Worker that
# `wrangler deploy --dry-run` bundles from the site's own wrangler.jsonc (in workerd, through
# miniflare) and `edgedocs serve` in headless Chromium. Needs the npm packages and Debian's chromium
# (installed when missing, as for the other browser tests).
#
#   EDGEDOCS_BIN    the binary to test (default: built here with `cargo build -p edgedocs`)
#   CHROMIUM_PATH   the browser (default: /usr/bin/chromium)
set -euo pipefail

scripts_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$scripts_dir/.." && pwd)"
chromium_path="${CHROMIUM_PATH:-/usr/bin/chromium}"

# shellcheck source-path=SCRIPTDIR source=ensure-chromium.sh
source "$scripts_dir/ensure-chromium.sh"
ensure_chromium "$chromium_path"

bash "$scripts_dir/install-node-packages.sh"

# shellcheck source-path=SCRIPTDIR source=edgedocs-bin.sh
source "$scripts_dir/edgedocs-bin.sh"
ensure_edgedocs_bin "$repo"

cd "$repo/tests/new-site"
EDGEDOCS_BIN="$EDGEDOCS_BIN" REPO_ROOT="$repo" CHROMIUM_PATH="$chromium_path" \
  node --test --test-concurrency=1 --test-timeout=300000 --test-reporter=spec ./*.test.mjs
