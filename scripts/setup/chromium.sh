#!/usr/bin/env bash
# Installs Debian's Chromium for the HTML report's browser test
# (internal/report/html_browser_test.go). Idempotent: does nothing when
# chromium is already on PATH. The test finds it as `chromium` (or
# $KAIJI_CHROMIUM); it fails when CI=true and the browser is missing.
set -euo pipefail
# Japanese text needs a CJK font, or the screenshots show boxes.
have_fonts() { command -v fc-list >/dev/null 2>&1 && fc-list 2>/dev/null | grep -i "Noto Sans CJK" >/dev/null; }
if [ -n "${KAIJI_CHROMIUM:-}" ] || { command -v chromium >/dev/null 2>&1 && have_fonts; }; then
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "setup/chromium: apt-get not available; install chromium by hand or set KAIJI_CHROMIUM" >&2
  exit 0
fi
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
echo "setup/chromium: installing Debian chromium"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends chromium fonts-noto-cjk >/dev/null
chromium --version
