#!/usr/bin/env bash
# Installs Microsoft's SARIF multitool (the validator GitHub's own docs point
# to) from the npm registry into a per-user cache, for the SARIF reporter's
# validation test (internal/report/sarif_validate_test.go). Idempotent.
# The test looks for Sarif.Multitool on PATH, then in this cache
# (${KAIJI_TOOLS:-$HOME/.cache/kaiji/tools}/sarif/node_modules/@microsoft/sarif-multitool-linux).
set -euo pipefail
VERSION=5.7.0
DIR="${KAIJI_TOOLS:-${HOME:-/tmp}/.cache/kaiji/tools}/sarif"
BIN="$DIR/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool"
if [ -x "$BIN" ] && [ -f "$DIR/.version" ] && [ "$(cat "$DIR/.version")" = "$VERSION" ]; then
  exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
  echo "setup/sarif: npm not available; the SARIF validation test will need Sarif.Multitool on PATH" >&2
  exit 0
fi
echo "setup/sarif: installing @microsoft/sarif-multitool-linux@$VERSION"
mkdir -p "$DIR"
(cd "$DIR" && npm install --silent --no-audit --no-fund --prefix "$DIR" "@microsoft/sarif-multitool-linux@$VERSION" >/dev/null)
"$BIN" --version >/dev/null 2>&1 || true
echo "$VERSION" > "$DIR/.version"
