#!/usr/bin/env bash
# Installs the real OPA and Gatekeeper CLIs used by the bundle interop tests (bundles/).
# Idempotent: a tool already present at the pinned version is not rebuilt.
#
#   opa   v1.22.2  - the same version as github.com/open-policy-agent/opa in go.mod, so the
#                    CLI and kaiji's embedded evaluator are the same engine
#   gator v3.23.1  - Gatekeeper's CLI, for `gator verify` on the exported ConstraintTemplates
#
# Both are built from the Go module proxy with `go install` (no release downloads needed);
# each takes 1-3 minutes on 2 cores the first time. Binaries land in $KAIJI_TOOLS_BIN
# (default $HOME/.cache/kaiji/bin), which is where the Go tests look for them.
# Usage: scripts/setup/opa.sh [opa] [gator]
set -euo pipefail
BIN=${KAIJI_TOOLS_BIN:-$HOME/.cache/kaiji/bin}
mkdir -p "$BIN"

OPA_VERSION=v1.22.2
GATOR_VERSION=v3.23.1

# install NAME PKG VERSION: go install into a private GOBIN, then move into $BIN under a
# versioned name plus a stable symlink, so a version bump here triggers a rebuild.
install() {
  local name=$1 pkg=$2 ver=$3
  local target=$BIN/$name-$ver
  if [ ! -x "$target" ]; then
    local gobin
    gobin=$(mktemp -d)
    echo "setup: building $name $ver (go install $pkg@$ver)"
    GOBIN=$gobin go install "$pkg@$ver"
    mv "$gobin/$(basename "$pkg")" "$target"
    rm -rf "$gobin"
  fi
  ln -sf "$name-$ver" "$BIN/$name"
  echo "setup: $name $ver at $BIN/$name"
}

tools=${*:-opa gator}
for t in $tools; do
  case $t in
    opa)   install opa github.com/open-policy-agent/opa "$OPA_VERSION" ;;
    gator) install gator github.com/open-policy-agent/gatekeeper/v3/cmd/gator "$GATOR_VERSION" ;;
    *) echo "setup: unknown tool $t" >&2; exit 2 ;;
  esac
done
