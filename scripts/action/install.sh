#!/usr/bin/env bash
# Builds kaiji from the action's own checkout (its ref) into $RUNNER_TEMP.
set -euo pipefail
: "${ACTION_PATH:?}" "${RUNNER_TEMP:?}"
mkdir -p "$RUNNER_TEMP/kaiji"
cd "$ACTION_PATH"
version=$(git describe --tags --always 2>/dev/null || echo action)
go build -trimpath -ldflags "-X github.com/kaiji-dev/kaiji/internal/version.Version=$version" -o "$RUNNER_TEMP/kaiji/kaiji" ./cmd/kaiji
echo "$RUNNER_TEMP/kaiji" >> "${GITHUB_PATH:-/dev/null}"
"$RUNNER_TEMP/kaiji/kaiji" version
