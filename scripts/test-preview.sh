#!/usr/bin/env bash
# Browser tests for `edgedocs serve` (tests/preview/): real headless Chromium (Debian's package) driven by
# playwright-core. Installs chromium (apt, as root) and the npm packages when they are missing, builds the
# binary, then runs `node --test`. Each test file starts `edgedocs serve` on a free loopback port over a
# temporary copy of the repo's site (site.toml, content/, themes/, templates/, assets/, edge/src/) and
# stops it at the end.
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

cd "$repo/tests/preview"
EDGEDOCS_BIN="$EDGEDOCS_BIN" REPO_ROOT="$repo" CHROMIUM_PATH="$chromium_path" \
  node --test --test-concurrency=1 --test-timeout=300000 tests/
