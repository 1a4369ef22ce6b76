#!/usr/bin/env bash
# Installs the comparison tools of the scan benchmark (bench/run.sh) at pinned versions.
# Idempotent: a tool already built at its pinned version is not rebuilt.
#
#   conftest   v0.71.1   go install
#   tfsec      v1.26.0   go install
#   kube-score v1.20.0   go install
#   kics       v2.2.0    go install (queries are read from the module cache, see run.sh)
#   trivy      v0.74.0   built in a throwaway module with GOEXPERIMENT=jsonv2 (~10 min);
#                        `go install` is refused and v0.75.0 does not resolve here
#   terrascan  v1.19.9   built in a throwaway module with terrascan's own replace directives
#
# Everything is built from the Go module proxy; no release downloads. Binaries land in
# $KAIJI_TOOLS_BIN (default $HOME/.cache/kaiji/bin, where scripts/setup/opa.sh puts opa and
# gator) as NAME-VERSION plus a NAME symlink, so a version bump here triggers a rebuild.
# Build trees live in $KAIJI_TOOLS_WORK (default $HOME/.cache/kaiji/build).
# Usage: bench/install-tools.sh [conftest tfsec kube-score kics trivy terrascan]
set -euo pipefail
BIN=${KAIJI_TOOLS_BIN:-$HOME/.cache/kaiji/bin}
WORK=${KAIJI_TOOLS_WORK:-$HOME/.cache/kaiji/build}
mkdir -p "$BIN" "$WORK"

# gi NAME PKG VERSION: go install into a private GOBIN.
gi() {
  local name=$1 pkg=$2 ver=$3 target=$BIN/$1-$3
  if [ ! -x "$target" ]; then
    echo "install-tools: building $name $ver (go install $pkg@$ver)" >&2
    local gobin; gobin=$(mktemp -d)
    GOBIN=$gobin go install "$pkg@$ver"
    mv "$gobin/$(basename "$pkg")" "$target"
    rm -rf "$gobin"
  fi
  ln -sf "$name-$ver" "$BIN/$name"
}

# wrap NAME MODULE VERSION PKG [REPLACE-BLOCK] [GOEXPERIMENT]: build PKG in a module that
# requires MODULE, for tools whose go.mod has replace directives (go install refuses those).
wrap() {
  local name=$1 mod=$2 ver=$3 pkg=$4 repl=${5:-} exp=${6:-} target=$BIN/$1-$3
  if [ ! -x "$target" ]; then
    echo "install-tools: building $name $ver (wrapper module requiring $mod)" >&2
    local d=$WORK/wrap-$name
    mkdir -p "$d"
    printf 'module example.com/wrap%s\n\ngo 1.26.0\n\nrequire %s %s\n%s\n' "$name" "$mod" "$ver" "$repl" > "$d/go.mod"
    printf '//go:build tools\n\npackage tools\n\nimport _ "%s"\n' "$pkg" > "$d/tools.go"
    (cd "$d" && go mod tidy && GOEXPERIMENT=$exp go build -o "$target.tmp" "$pkg")
    mv "$target.tmp" "$target"
  fi
  ln -sf "$name-$ver" "$BIN/$name"
}

TERRASCAN_REPLACE='replace (
	github.com/docker/cli => github.com/docker/cli v25.0.6+incompatible
	github.com/docker/docker => github.com/docker/docker v25.0.6+incompatible
	github.com/hashicorp/go-getter => github.com/hashicorp/go-getter v1.7.5
	github.com/moby/buildkit => github.com/moby/buildkit v0.12.5
	github.com/tencentcloud/tencentcloud-sdk-go v3.0.82+incompatible => github.com/tencentcloud/tencentcloud-sdk-go v1.0.191
	golang.org/x/crypto => golang.org/x/crypto v0.0.0-20220525230936-793ad666bf5e
	helm.sh/helm/v3 => helm.sh/helm/v3 v3.14.2
	k8s.io/api => k8s.io/api v0.19.0
	k8s.io/apimachinery => k8s.io/apimachinery v0.19.0
	k8s.io/client-go => k8s.io/client-go v0.19.0
)'

tools=${*:-conftest tfsec kube-score kics trivy terrascan}
for t in $tools; do
  case $t in
    conftest)   gi conftest github.com/open-policy-agent/conftest v0.71.1 ;;
    tfsec)      gi tfsec github.com/aquasecurity/tfsec/cmd/tfsec v1.26.0 ;;
    kube-score) gi kube-score github.com/zegl/kube-score/cmd/kube-score v1.20.0 ;;
    kics)       gi kics github.com/Checkmarx/kics/v2/cmd/console v2.2.0 ;;
    trivy)      wrap trivy github.com/aquasecurity/trivy v0.74.0 github.com/aquasecurity/trivy/cmd/trivy "" jsonv2 ;;
    terrascan)  wrap terrascan github.com/tenable/terrascan v1.19.9 github.com/tenable/terrascan/cmd/terrascan "$TERRASCAN_REPLACE" ;;
    *) echo "install-tools: unknown tool $t" >&2; exit 2 ;;
  esac
  echo "install-tools: $t at $BIN/$t" >&2
done
