#!/usr/bin/env bash
# Installs Debian's chromium when the browser at $1 (default /usr/bin/chromium) is missing. Sourced by the
# browser test runners; idempotent.
ensure_chromium() {
  local chromium_path="${1:-/usr/bin/chromium}"
  if [ -x "$chromium_path" ]; then
    return 0
  fi
  if [ "$(id -u)" -ne 0 ]; then
    echo "error: $chromium_path is missing; install Debian's chromium (apt-get install chromium) as root" >&2
    return 1
  fi
  echo "installing chromium (Debian package)..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
}
