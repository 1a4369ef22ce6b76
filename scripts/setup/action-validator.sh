#!/usr/bin/env bash
# Installs action-validator (GitHub Actions metadata and workflow schema
# checks) from the npm registry into .cache/npm, once.
set -euo pipefail
cd "$(dirname "$0")/../.."
[ -x .cache/npm/node_modules/.bin/action-validator ] && exit 0
command -v npm >/dev/null || { echo "npm is required for action-validator" >&2; exit 1; }
mkdir -p .cache/npm
npm install --silent --no-audit --no-fund --prefix .cache/npm @action-validator/cli@0.6.0 @action-validator/core@0.6.0
