#!/usr/bin/env bash
# Runs the whole test suite, installing what the tests need first.
# Idempotent: installs are skipped when the tool is already present.
# Used by `make test`, the README and .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."

# The setup below installs every tool the tests use, so a missing one is a
# failure here, not a skip: tests skip only when run by hand (go test)
# outside CI.
export CI=true

echo "== setup"
for s in scripts/setup/*.sh; do
  [ -e "$s" ] || continue
  bash "$s"
done

echo "== gofmt"
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))
if [ -n "$unformatted" ]; then
  echo "gofmt would change:"; echo "$unformatted"; exit 1
fi

echo "== go vet"
go vet ./...

echo "== go test -race"
go test -race -count=1 ./... 2>&1 | tee /tmp/kaiji-test.$$.log
status=${PIPESTATUS[0]}
rm -f /tmp/kaiji-test.$$.log
if [ "$status" -ne 0 ]; then
  exit "$status"
fi

# The seed corpora ran above; a short exploration per target on top
# (FUZZTIME=0 skips it).
echo "== fuzz"
if [ "${FUZZTIME:-5s}" != "0" ]; then
  bash scripts/fuzz.sh "${FUZZTIME:-5s}"
fi
