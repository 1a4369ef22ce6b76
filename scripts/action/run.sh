#!/usr/bin/env bash
# The action's scan step: scans the pull request's head (and, with
# baseline auto, its base commit), writes the Markdown summary to
# $GITHUB_STEP_SUMMARY, annotations to the log, SARIF and results JSON,
# and exits with kaiji's exit code. Reads only INPUT_* and GITHUB_* variables,
# so it runs the same locally (see internal/ghaction tests).
set -uo pipefail
: "${RUNNER_TEMP:?}" "${GITHUB_WORKSPACE:?}"
kaiji=${KAIJI_BIN:-$RUNNER_TEMP/kaiji/kaiji}
cd "$GITHUB_WORKSPACE" || exit 2

args=(--lang "${INPUT_LANG:-en}")
[ -n "${INPUT_CLAIMS:-}" ] && args+=(--claims "$INPUT_CLAIMS")
[ -n "${INPUT_PATTERN:-}" ] && args+=(--pattern "$INPUT_PATTERN")
[ -n "${INPUT_WAIVERS:-}" ] && args+=(--waivers "$INPUT_WAIVERS")
read -r -a paths <<< "$(echo "${INPUT_PATHS:-.}" | tr '\n' ' ')"

baseline=()
case "${INPUT_BASELINE:-auto}" in
  auto)
    base_sha=""
    if [ "${GITHUB_EVENT_NAME:-}" = pull_request ] || [ "${GITHUB_EVENT_NAME:-}" = pull_request_target ]; then
      base_sha=$(jq -r '.pull_request.base.sha // empty' "${GITHUB_EVENT_PATH:-/dev/null}" 2>/dev/null)
    fi
    if [ -n "$base_sha" ]; then
      base_dir="$RUNNER_TEMP/kaiji-base"
      rm -rf "$base_dir"
      git worktree prune 2>/dev/null
      if git fetch --quiet --depth=1 origin "$base_sha" 2>/dev/null || git cat-file -e "$base_sha^{commit}" 2>/dev/null; then
        git worktree add --quiet --detach "$base_dir" "$base_sha"
        base_args=("${args[@]}")
        if [ -n "${INPUT_CLAIMS:-}" ] && [ ! -f "$base_dir/$INPUT_CLAIMS" ]; then
          base_args=(--lang "${INPUT_LANG:-en}")  # the base has no claims file yet
          [ -n "${INPUT_PATTERN:-}" ] && base_args+=(--pattern "$INPUT_PATTERN")
        fi
        (cd "$base_dir" && "$kaiji" scan "${base_args[@]}" --fail-on none --format json -o "$RUNNER_TEMP/kaiji-base.json" "${paths[@]}")
        if [ $? -le 1 ]; then
          baseline=(--baseline "$RUNNER_TEMP/kaiji-base.json")
        else
          echo "::warning title=kaiji::the base commit $base_sha could not be scanned; judging the head alone"
        fi
        git worktree remove --force "$base_dir" 2>/dev/null
      else
        echo "::warning title=kaiji::base commit $base_sha is not available (use actions/checkout with fetch-depth: 0); judging the head alone"
      fi
    fi
    ;;
  none|"") ;;
  *) baseline=(--baseline "$INPUT_BASELINE") ;;
esac

sarif=${INPUT_SARIF:-kaiji.sarif}
results=${INPUT_RESULTS:-kaiji-results.json}
summary="$RUNNER_TEMP/kaiji-summary.md"
"$kaiji" scan "${args[@]}" "${baseline[@]}" --fail-on "${INPUT_FAIL_ON:-contradicted}" \
  --format github \
  --also "json=$results" --also "sarif=$sarif" --also "markdown=$summary" \
  "${paths[@]}"
code=$?
if [ -f "$summary" ] && [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
  cat "$summary" >> "$GITHUB_STEP_SUMMARY"
fi
if [ -n "${GITHUB_OUTPUT:-}" ]; then
  {
    echo "exit-code=$code"
    echo "sarif=$sarif"
    echo "results=$results"
  } >> "$GITHUB_OUTPUT"
fi
exit "$code"
