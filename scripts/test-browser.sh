#!/usr/bin/env bash
# Browser tests of the default theme (tests/browser/) against a built site: installs Debian's chromium and
# the npm packages when they are missing, then runs `node --test`. The tests serve the site themselves
# (tests/browser/serve.mjs) on 127.0.0.1.
#
#   BROWSER_SITE_DIR   the built site to test (default: public/, built with `cargo run -- build` if absent;
#                      a relative path is taken from the repository root)
#   CHROMIUM_PATH      the browser (default: /usr/bin/chromium)
#   BROWSER_BOOK_DIR   the built mdBook fixture book (default: generator/tests/fixtures/mdbook-basic,
#                      copied to test-artifacts/browser/ and built there)
#   BROWSER_DIAGRAMS_DIR  the built diagram fixture site (default: generator/tests/fixtures/diagrams,
#                      copied to test-artifacts/browser/ and built there)
#
# The no-JavaScript search test runs the Worker of edge/build/ (built here with scripts/build-worker.sh
# when missing) in workerd over the site. Screenshots go to test-artifacts/browser/ (git-ignored).
set -euo pipefail

scripts_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$scripts_dir/.." && pwd)"
site="${BROWSER_SITE_DIR:-public}"
case "$site" in
  /*) ;;
  *) site="$repo/$site" ;;
esac
chromium_path="${CHROMIUM_PATH:-/usr/bin/chromium}"

# shellcheck source-path=SCRIPTDIR source=ensure-chromium.sh
source "$scripts_dir/ensure-chromium.sh"
ensure_chromium "$chromium_path"

bash "$scripts_dir/install-node-packages.sh"

if [ ! -f "$site/storage/kv/index.html" ]; then
  if [ -z "${BROWSER_SITE_DIR:-}" ]; then
    echo "no built site in public/: building it with cargo run -- build..."
    (cd "$repo" && cargo run -q -- build)
  else
    echo "error: $site/storage/kv/index.html does not exist; build the site first (cargo run -- build)" >&2
    exit 1
  fi
fi

# The no-JavaScript search test runs the built Worker in workerd (edge/build/, as the e2e tests do).
if [ ! -f "$repo/edge/build/entry.js" ]; then
  echo "no Worker build in edge/build/: building it with scripts/build-worker.sh..."
  bash "$scripts_dir/build-worker.sh" >/dev/null
fi

mkdir -p "$repo/test-artifacts/browser"
book="${BROWSER_BOOK_DIR:-}"
if [ -z "$book" ]; then
  book_root="$repo/test-artifacts/browser/mdbook-basic"
  rm -rf "$book_root"
  cp -r "$repo/generator/tests/fixtures/mdbook-basic" "$book_root"
  (cd "$repo" && cargo run -q -- --root "$book_root" build)
  book="$book_root/public"
fi
diagrams="${BROWSER_DIAGRAMS_DIR:-}"
if [ -z "$diagrams" ]; then
  diagrams_root="$repo/test-artifacts/browser/diagrams"
  rm -rf "$diagrams_root"
  cp -r "$repo/generator/tests/fixtures/diagrams" "$diagrams_root"
  (cd "$repo" && cargo run -q -- --root "$diagrams_root" build)
  diagrams="$diagrams_root/public"
fi
cd "$repo/tests/browser"
BROWSER_DIAGRAMS_DIR="$diagrams" BROWSER_BOOK_DIR="$book" BROWSER_SITE_DIR="$site" BROWSER_ARTIFACTS="$repo/test-artifacts/browser" CHROMIUM_PATH="$chromium_path" \
  node --test --test-concurrency=1 tests/
