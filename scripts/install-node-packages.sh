#!/usr/bin/env bash
# Installs the npm packages of the root package.json (wrangler, miniflare, binaryen, autocannon,
# playwright-core) into the root node_modules/ with `npm ci`, exactly as package-lock.json pins them.
# Skipped when node_modules/ already matches the lock: after `npm ci` this script leaves a stamp file in
# node_modules/, and a stamp newer than package-lock.json and package.json means neither changed since. Node finds the packages from
# every test and benchmark folder by walking up to the root node_modules/.
#
#   EDGEDOCS_NPM_REINSTALL=1   run `npm ci` even when the stamp says node_modules/ is current
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"

log() { printf 'install-node-packages: %s\n' "$*"; }

command -v npm >/dev/null || {
  echo "install-node-packages: npm is missing; install Node.js 20 or newer with npm (Debian: apt-get install nodejs npm)" >&2
  exit 1
}

# Folders that had their own package.json before the single root one: a node_modules/ left in one of them
# would shadow the root's when node resolves an import from there.
for stale in edge/node_modules tests/browser/node_modules tests/preview/node_modules; do
  if [ -d "$stale" ] && [ ! -f "$(dirname "$stale")/package.json" ]; then
    log "removing $stale (the packages now live in the root node_modules/)"
    rm -rf "$stale"
  fi
done

stamp=node_modules/.edgedocs-install-stamp
if [ -z "${EDGEDOCS_NPM_REINSTALL:-}" ] && [ -f "$stamp" ] && [ "$stamp" -nt package-lock.json ] &&
  [ "$stamp" -nt package.json ]; then
  log "node_modules/ is up to date with package-lock.json"
  exit 0
fi

log "npm ci"
npm ci --no-audit --no-fund --loglevel=error
touch "$stamp"
log "done"
