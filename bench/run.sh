#!/usr/bin/env bash
# The scan benchmark: times `kaiji scan` against the comparison tools and a
# parse-only baseline, in one run, on the same generated estates.
#
#   bench/run.sh [SIZE...]            default sizes: 1000 10000
#
# For every size it generates (once per generator, cached) a Terraform estate (in two
# layouts: modules called with for_each and count, and one flat root module)
# and as many Kubernetes objects with bench/cmd/kaiji-gen, then runs each tool RUNS times
# (default 5) under /usr/bin/time -v and records the median wall time, CPU
# time and peak RSS. A run longer than SLOW seconds (default 60) is not
# repeated (the table says so), and one longer than TIMEOUT seconds (default
# 600) is stopped and reported as a time-out. The comparison tools are
# installed first, idempotently, by bench/install-tools.sh.
#
# Two rows are floors, not scanners: parseonly (bench/cmd/parseonly) parses
# the same files with the same parsers and does nothing else; collectonly
# (bench/cmd/collectonly) runs kaiji's collectors as kaiji scan does and
# stops before the policies, so a scan's row minus it is what the policies
# and the report cost.
#
# One row is not another scanner but the same work done by OPA alone: `opa`
# evaluates kaiji's own bundle (kaiji bundle build) on the input document
# kaiji export input wrote for that estate, with the opa CLI at go.mod's
# version (scripts/setup/opa.sh) — the engine every OPA-based tool uses,
# given the same policies and facts, and the collection for free (the input
# is exported before the timed runs).
#
# Environment:
#   RUNS, SLOW, TIMEOUT     as above
#   TOOLS                   which tools to run (default: all of them)
#   INPUTS                  which inputs (default: terraform terraform-flat
#                           plan plan-real kubernetes)
#   KAIJI_BENCH_WORK        estates, binaries and results (~/.cache/kaiji/bench)
#   KAIJI_TOOLS_BIN         the comparison tools (~/.cache/kaiji/bin)
#
# Output: $KAIJI_BENCH_WORK/results/<date>/results.tsv (one line per run),
# summary.md (medians and ratios to kaiji, as pasted into BENCHMARKS.md),
# machine.txt and commands.txt (the exact commands).
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD

RUNS=${RUNS:-5}
SLOW=${SLOW:-60}
TIMEOUT=${TIMEOUT:-600}
WORK=${KAIJI_BENCH_WORK:-$HOME/.cache/kaiji/bench}
BIN=${KAIJI_TOOLS_BIN:-$HOME/.cache/kaiji/bin}
TOOLS=${TOOLS:-kaiji parseonly collectonly opa conftest trivy tfsec terrascan kics kube-score}
INPUTS=${INPUTS:-terraform terraform-flat plan plan-real kubernetes}
SIZES=${*:-1000 10000}
OUT=$WORK/results/$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$WORK" "$OUT"

log() { echo "bench: $*" >&2; }

# ---- setup ----
if [ ! -x /usr/bin/time ]; then
  log "installing Debian's time (for peak RSS)"
  apt-get install -y time >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y time >/dev/null; }
fi
bash bench/install-tools.sh conftest tfsec kube-score kics trivy terrascan
bash scripts/setup/opa.sh opa >&2
log "building kaiji, parseonly, collectonly and kaiji-gen"
go build -o "$WORK/kaiji" ./cmd/kaiji
"$WORK/kaiji" bundle build -o "$WORK/kaiji-bundle.tar.gz" >&2
go build -o "$WORK/parseonly" ./bench/cmd/parseonly
go build -o "$WORK/collectonly" ./bench/cmd/collectonly
go build -buildvcs=false -o "$WORK/kaiji-gen" ./bench/cmd/kaiji-gen # no VCS stamp: its digest keys the estates
go build -buildvcs=false -o "$WORK/replan" ./bench/cmd/replan
# plan-real: a real plan's resources (a Google compute instance and a service
# account, with every attribute terraform writes) repeated to the size.
REAL_PLAN=$REPO/collectors/terraform/testdata/corpus/checkov/tests/terraform/parser/resources/plan_booleans/tfplan.json
MODCACHE=$(go env GOMODCACHE)
KICS_ASSETS=$MODCACHE/github.com/!checkmarx/kics/v2@v2.2.0/assets
TERRASCAN_POLICIES=$MODCACHE/github.com/tenable/terrascan@v1.19.9/pkg/policies/opa/rego
[ -d "$KICS_ASSETS" ] || (cd "$WORK" && go mod download github.com/Checkmarx/kics/v2@v2.2.0 2>/dev/null) || true
[ -d "$TERRASCAN_POLICIES" ] || (cd "$WORK" && go mod download github.com/tenable/terrascan@v1.19.9 2>/dev/null) || true

{
  echo "date: $(date -u +%FT%TZ)"
  echo "commit: $(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo unknown)"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //') x $(nproc)"
  echo "memory: $(free -g | awk '/^Mem:/ {print $2 " GiB"}')"
  echo "kernel: $(uname -sr)"
  echo "os: $(. /etc/os-release && echo "$PRETTY_NAME")"
  echo "go: $(go version | cut -d' ' -f3)"
  echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
  for t in opa conftest trivy tfsec terrascan kics kube-score; do
    echo "$t: $(readlink "$BIN/$t" 2>/dev/null || echo missing)"
  done
} > "$OUT/machine.txt"

printf 'size\tinput\ttool\trun\twall_s\tcpu_s\tmaxrss_kb\texit\n' > "$OUT/results.tsv"
: > "$OUT/commands.txt"

# measure SIZE INPUT TOOL CMD...: RUNS timed runs of CMD (stdout discarded).
measure() {
  local size=$1 input=$2 tool=$3; shift 3
  case " $TOOLS " in *" $tool "*) ;; *) return 0 ;; esac
  case " $INPUTS " in *" $input "*) ;; *) return 0 ;; esac
  echo "$size $input $tool: $*" >> "$OUT/commands.txt"
  local i tv=$OUT/time.$$ err=$OUT/stderr-$size-$input-$tool.txt
  for ((i = 1; i <= RUNS; i++)); do
    local code=0
    timeout "$TIMEOUT" /usr/bin/time -v -o "$tv" "$@" > /dev/null 2> "$err" || code=$?
    if [ "$code" = 124 ] || [ ! -s "$tv" ]; then
      printf '%s\t%s\t%s\t%d\t%s\t\t\ttimeout\n' "$size" "$input" "$tool" "$i" "$TIMEOUT" >> "$OUT/results.tsv"
      log "$size $input $tool: timed out after ${TIMEOUT}s"
      return 0
    fi
    local wall cpu rss
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, p, ":"); s = 0; for (j = 1; j <= n; j++) s = s * 60 + p[j]; print s}' "$tv")
    cpu=$(awk -F': ' '/User time/ {u = $2} /System time/ {s = $2} END {printf "%.2f", u + s}' "$tv")
    rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$tv")
    printf '%s\t%s\t%s\t%d\t%s\t%s\t%s\t%s\n' "$size" "$input" "$tool" "$i" "$wall" "$cpu" "$rss" "$code" >> "$OUT/results.tsv"
    log "$size $input $tool run $i: ${wall}s wall, ${cpu}s CPU, $((rss / 1024)) MB (exit $code)"
    if awk -v w="$wall" -v s="$SLOW" 'BEGIN {exit !(w > s)}'; then
      break
    fi
  done
  rm -f "$tv"
}

# sameWork SIZE INPUT DIR: the opa row, on the input kaiji exports from DIR.
# The export (~10 s for a 10k estate) is done again only when the kaiji
# binary or the estate changed: $in.key holds both digests.
sameWork() {
  local size=$1 input=$2 dir=$3 in=$WORK/estate-$1/input-$2.json
  case " $TOOLS " in *" opa "*) ;; *) return 0 ;; esac
  case " $INPUTS " in *" $input "*) ;; *) return 0 ;; esac
  local key="$KAIJI_DIGEST $GEN_DIGEST"
  if [ "$(cat "$in.key" 2>/dev/null)" != "$key" ]; then
    rm -f "$in.key"
    "$WORK/kaiji" export input --claims "$WORK/estate-$size/disclosure.yaml" -o "$in" "$dir" 2> "$OUT/export-$size-$input.txt"
    echo "$key" > "$in.key"
  fi
  measure "$size" "$input" opa "$BIN/opa" eval -b "$WORK/kaiji-bundle.tar.gz" -i "$in" --format json data.kaiji.main.result
}

# An estate is generated again when the generator changed: .done holds the
# digest of the kaiji-gen that wrote it (Go builds are reproducible).
GEN_DIGEST=$(cat "$WORK/kaiji-gen" "$WORK/replan" "$REAL_PLAN" | sha256sum | cut -d' ' -f1)
KAIJI_DIGEST=$(sha256sum "$WORK/kaiji" | cut -d' ' -f1)
for n in $SIZES; do
  E=$WORK/estate-$n
  if [ "$(cat "$E/.done" 2>/dev/null)" != "$GEN_DIGEST" ]; then
    log "generating the $n-resource estate in $E"
    rm -rf "$E"
    "$WORK/kaiji-gen" -n "$n" -o "$E" > "$E.layout.json"
    "$WORK/replan" -n "$n" -o "$E/plan-real/plan.json" "$REAL_PLAN"
    echo "$GEN_DIGEST" > "$E/.done"
  fi
  TF=$E/terraform
  K8S=$E/kubernetes
  CL=$E/disclosure.yaml
  (cd "$E" && find kubernetes -name '*.yaml' | sort) > "$E/k8s-files.txt"

  # Terraform: the root module live/ and the modules it calls.
  measure "$n" terraform kaiji "$WORK/kaiji" scan --claims "$CL" --format json -o /dev/null --fail-on none "$TF"
  measure "$n" terraform parseonly "$WORK/parseonly" "$TF"
  measure "$n" terraform collectonly "$WORK/collectonly" "$TF"
  sameWork "$n" terraform "$TF"
  measure "$n" terraform conftest "$BIN/conftest" test --no-fail -p "$REPO/bench/conftest/terraform.rego" -o json "$TF/live" "$TF/modules/aws-service" "$TF/modules/azure-service" "$TF/modules/gcp-service"
  measure "$n" terraform trivy "$BIN/trivy" config --skip-check-update --quiet --cache-dir "$WORK/trivy-cache" --format json "$TF"
  measure "$n" terraform tfsec "$BIN/tfsec" --no-module-downloads --soft-fail --no-color --format json "$TF"
  measure "$n" terraform terrascan env GOLANG_PROTOBUF_REGISTRATION_CONFLICT=warn "$BIN/terrascan" scan -i terraform -d "$TF/live" -p "$TERRASCAN_POLICIES" -o json --log-level error
  measure "$n" terraform kics "$BIN/kics" scan --no-progress --disable-secrets -t Terraform -q "$KICS_ASSETS/queries" --libraries-path "$KICS_ASSETS/libraries" -o "$WORK/kics-out" --report-formats json -p "$TF"

  # The same instances as one flat root module (monorepo style): ~100 times
  # the HCL text, thousands of blocks in one module.
  FLAT=$E/terraform-flat
  measure "$n" terraform-flat kaiji "$WORK/kaiji" scan --claims "$CL" --format json -o /dev/null --fail-on none "$FLAT"
  measure "$n" terraform-flat parseonly "$WORK/parseonly" "$FLAT"
  measure "$n" terraform-flat collectonly "$WORK/collectonly" "$FLAT"
  sameWork "$n" terraform-flat "$FLAT"
  measure "$n" terraform-flat conftest "$BIN/conftest" test --no-fail -p "$REPO/bench/conftest/terraform.rego" -o json "$FLAT"
  measure "$n" terraform-flat trivy "$BIN/trivy" config --skip-check-update --quiet --cache-dir "$WORK/trivy-cache" --format json "$FLAT"
  measure "$n" terraform-flat tfsec "$BIN/tfsec" --no-module-downloads --soft-fail --no-color --format json "$FLAT"
  measure "$n" terraform-flat terrascan env GOLANG_PROTOBUF_REGISTRATION_CONFLICT=warn "$BIN/terrascan" scan -i terraform -d "$FLAT" -p "$TERRASCAN_POLICIES" -o json --log-level error
  measure "$n" terraform-flat kics "$BIN/kics" scan --no-progress --disable-secrets -t Terraform -q "$KICS_ASSETS/queries" --libraries-path "$KICS_ASSETS/libraries" -o "$WORK/kics-out" --report-formats json -p "$FLAT"

  # The same instances as a plan (terraform show -json).
  measure "$n" plan kaiji "$WORK/kaiji" scan --claims "$CL" --format json -o /dev/null --fail-on none "$E/plan"
  measure "$n" plan parseonly "$WORK/parseonly" "$E/plan"
  measure "$n" plan collectonly "$WORK/collectonly" "$E/plan"
  sameWork "$n" plan "$E/plan"
  measure "$n" plan conftest "$BIN/conftest" test --no-fail -p "$REPO/bench/conftest/plan.rego" -o json "$E/plan/plan.json"
  measure "$n" plan trivy "$BIN/trivy" config --skip-check-update --quiet --cache-dir "$WORK/trivy-cache" --format json "$E/plan"

  # A plan of real shape: every attribute of the provider's schema, ~4.9 KB
  # a resource with its change, where the generated plan has ~1.1 KB.
  measure "$n" plan-real kaiji "$WORK/kaiji" scan --claims "$CL" --format json -o /dev/null --fail-on none "$E/plan-real"
  measure "$n" plan-real parseonly "$WORK/parseonly" "$E/plan-real"
  measure "$n" plan-real collectonly "$WORK/collectonly" "$E/plan-real"
  sameWork "$n" plan-real "$E/plan-real"
  measure "$n" plan-real conftest "$BIN/conftest" test --no-fail -p "$REPO/bench/conftest/plan.rego" -o json "$E/plan-real/plan.json"
  measure "$n" plan-real trivy "$BIN/trivy" config --skip-check-update --quiet --cache-dir "$WORK/trivy-cache" --format json "$E/plan-real"

  # Kubernetes manifests.
  measure "$n" kubernetes kaiji "$WORK/kaiji" scan --claims "$CL" --format json -o /dev/null --fail-on none "$K8S"
  measure "$n" kubernetes parseonly "$WORK/parseonly" "$K8S"
  measure "$n" kubernetes collectonly "$WORK/collectonly" "$K8S"
  sameWork "$n" kubernetes "$K8S"
  measure "$n" kubernetes conftest "$BIN/conftest" test --no-fail -p "$REPO/bench/conftest/kubernetes.rego" -o json "$K8S"
  measure "$n" kubernetes trivy "$BIN/trivy" config --skip-check-update --quiet --cache-dir "$WORK/trivy-cache" --format json "$K8S"
  measure "$n" kubernetes kics "$BIN/kics" scan --no-progress --disable-secrets -t Kubernetes -q "$KICS_ASSETS/queries" --libraries-path "$KICS_ASSETS/libraries" -o "$WORK/kics-out" --report-formats json -p "$K8S"
  measure "$n" kubernetes kube-score bash -c "cd '$E' && xargs '$BIN/kube-score' score -o json < k8s-files.txt"
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$OUT/machine.txt"

# ---- summary: medians per size, input and tool, and the ratio to kaiji ----
awk -F'\t' '
  NR == 1 { next }
  { key = $1 "\t" $2 "\t" $3; if (!(key in seen)) { seen[key] = 1; order[++k] = key }
    if ($8 == "timeout") { to[key] = $5; next }
    n[key]++; w[key, n[key]] = $5; c[key, n[key]] = $6; r[key, n[key]] = $7 }
  function median(a, key, cnt,    i, j, t, v) {
    for (i = 1; i <= cnt; i++) v[i] = a[key, i]
    for (i = 1; i <= cnt; i++) for (j = i + 1; j <= cnt; j++) if (v[j] + 0 < v[i] + 0) { t = v[i]; v[i] = v[j]; v[j] = t }
    return cnt % 2 ? v[(cnt + 1) / 2] : (v[cnt / 2] + v[cnt / 2 + 1]) / 2
  }
  END {
    print "| resources | input | tool | runs | median wall (s) | median CPU (s) | median peak RSS (MB) | wall ÷ kaiji |"
    print "|---:|---|---|---:|---:|---:|---:|---:|"
    for (i = 1; i <= k; i++) {
      key = order[i]; split(key, f, "\t")
      if (key in to) { printf "| %s | %s | %s | - | > %s (timed out) | | | |\n", f[1], f[2], f[3], to[key]; continue }
      mw = median(w, key, n[key]); mc = median(c, key, n[key]); mr = median(r, key, n[key])
      if (f[3] == "kaiji") kw[f[1] "\t" f[2]] = mw
      base = kw[f[1] "\t" f[2]]
      printf "| %s | %s | %s | %d | %.2f | %.2f | %.0f | %s |\n", f[1], f[2], f[3], n[key], mw, mc, mr / 1024, (base > 0 ? sprintf("%.2f", mw / base) : "")
    }
  }' "$OUT/results.tsv" > "$OUT/summary.md"
cat "$OUT/machine.txt" "$OUT/summary.md"
log "results in $OUT"
