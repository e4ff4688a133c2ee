#!/usr/bin/env bash
# Sets EDGEDOCS_BIN to an absolute path of the binary to test: as given, or built here with
# `cargo build -p edgedocs` when it is unset. Sourced by the runners that drive the real binary.
ensure_edgedocs_bin() {
  local repo="$1"
  if [ -n "${EDGEDOCS_BIN:-}" ]; then
    return 0
  fi
  echo "building edgedocs..."
  (cd "$repo" && cargo build -q -p edgedocs)
  EDGEDOCS_BIN="${CARGO_TARGET_DIR:-$repo/target}/debug/edgedocs"
  case "$EDGEDOCS_BIN" in
    /*) ;;
    *) EDGEDOCS_BIN="$repo/$EDGEDOCS_BIN" ;;
  esac
}
