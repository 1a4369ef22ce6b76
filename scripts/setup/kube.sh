#!/usr/bin/env bash
# Builds kube-apiserver, kubectl and etcd from the Go module proxy into
# .cache/kube/bin, once, for the admission webhook's end-to-end test.
# Cold: about 7 minutes on 2 cores (module cache ~1 GB); then cached.
# The apiserver needs the version ldflags, or kubectl cannot parse its version.
set -euo pipefail
cd "$(dirname "$0")/../.."
K8S_VERSION=${K8S_VERSION:-v1.36.3}          # k8s.io/kubernetes
STAGING_VERSION=${STAGING_VERSION:-v0.36.3}  # the matching k8s.io/* staging modules
ETCD_VERSION=${ETCD_VERSION:-v3.6.8}         # what k8s 1.36.3 pins
root=$PWD/.cache/kube
bin=$root/bin
mkdir -p "$bin"

if [ ! -x "$bin/kube-apiserver" ] || [ ! -x "$bin/kubectl" ]; then
  b=$root/build-kapi; mkdir -p "$b"; cd "$b"
  go mod download -json "k8s.io/kubernetes@$K8S_VERSION" > /dev/null
  kmod=$(go env GOMODCACHE)/cache/download/k8s.io/kubernetes/@v/$K8S_VERSION.mod
  {
    echo "module example.com/kapi"; echo; echo "go 1.26.0"; echo
    echo "require k8s.io/kubernetes $K8S_VERSION"; echo; echo "replace ("
    sed -n '/^replace (/,/^)/p' "$kmod" | grep '=> ./staging' | awk -v v="$STAGING_VERSION" '{print "\t"$1" => "$1" "v}'
    echo ")"
  } > go.mod
  printf '//go:build tools\n\npackage tools\n\nimport (\n\t_ "k8s.io/kubernetes/cmd/kube-apiserver"\n\t_ "k8s.io/kubernetes/cmd/kubectl"\n)\n' > tools.go
  go mod tidy > /dev/null 2>&1
  ldf="-s -w"
  for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ldf="$ldf -X $p.gitVersion=$K8S_VERSION -X $p.gitMajor=1 -X $p.gitMinor=$(echo "$K8S_VERSION" | cut -d. -f2) -X $p.gitTreeState=clean"
  done
  go build -ldflags "$ldf" -o "$bin/kube-apiserver" k8s.io/kubernetes/cmd/kube-apiserver
  go build -ldflags "$ldf" -o "$bin/kubectl" k8s.io/kubernetes/cmd/kubectl
  cd - > /dev/null
fi
if [ ! -x "$bin/etcd" ]; then
  b=$root/build-etcd; mkdir -p "$b"; cd "$b"
  printf 'module example.com/etcdbuild\n\ngo 1.26.0\n\nrequire go.etcd.io/etcd/server/v3 %s\n' "$ETCD_VERSION" > go.mod
  printf '//go:build tools\n\npackage tools\n\nimport _ "go.etcd.io/etcd/server/v3"\n' > tools.go
  go mod tidy > /dev/null 2>&1
  go build -ldflags "-s -w" -o "$bin/etcd" go.etcd.io/etcd/server/v3
fi
echo "kube: $("$bin/kube-apiserver" --version) · $("$bin/etcd" --version | head -1)"
