#!/usr/bin/env bash
# Webhook benchmark: kaiji serve on loopback HTTPS, driven by bench/webhookload
# at a constant rate with the AdmissionReview fixtures of internal/webhook.
#
#   bench/webhook.sh            # RUNS (3) runs of N (100000) requests at RATE (1000)/s
#   bench/webhook.sh soak       # one run of SOAK_N (1000000) requests, RSS sampled every 10 s
#   bench/webhook.sh floor      # RUNS runs against a server that answers without evaluating
#                               # (same TLS and HTTP/2): the machine's and generator's floor
#
# SERVE_ARGS adds flags to kaiji serve (e.g. SERVE_ARGS="--evaluator topdown").
# Each run starts a fresh server after a WARMUP (5000) request warm-up, and
# prints p50/p90/p99/max latency, errors and the server's RSS.
set -euo pipefail

cd "$(dirname "$0")/.."
mode=${1:-latency}
RATE=${RATE:-1000}
N=${N:-100000}
RUNS=${RUNS:-3}
SOAK_N=${SOAK_N:-1000000}
WARMUP=${WARMUP:-5000}
PORT=${PORT:-18443}
out=$(mktemp -d)
server=""
cleanup() {
	if [[ -n "$server" ]]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
	rm -rf "$out"
}
trap cleanup EXIT

go build -o "$out/kaiji" ./cmd/kaiji
go build -o "$out/webhookload" ./bench/webhookload
"$out/webhookload" -gencert "$out"
fixtures=internal/webhook/testdata/admission

# wait_ready waits for the server just started to answer /readyz.
wait_ready() {
	for _ in $(seq 100); do
		if curl -ksf "https://127.0.0.1:$PORT/readyz" >/dev/null 2>&1; then return; fi
		sleep 0.1
	done
	echo "$1 did not become ready:" >&2; cat "$out/serve.log" >&2; exit 1
}

start_server() {
	"$out/kaiji" serve --listen "127.0.0.1:$PORT" --tls-cert "$out/tls.crt" --tls-key "$out/tls.key" \
		--claims "$fixtures/disclosure.yaml" --data "$fixtures/admission.yaml" \
		--mode enforce --audit-log "$out/audit.jsonl" ${SERVE_ARGS:-} 2>"$out/serve.log" &
	server=$!
	wait_ready "kaiji serve"
}

start_floor() {
	"$out/webhookload" -floor "127.0.0.1:$PORT" -floor-certs "$out" 2>"$out/serve.log" &
	server=$!
	wait_ready "the floor server"
}

stop_server() { kill "$server"; wait "$server" 2>/dev/null || true; server=""; }

load() { "$out/webhookload" -url "https://127.0.0.1:$PORT/validate" -rate "$RATE" -fixtures "$fixtures" "$@"; }

echo "# $(uname -srm); $(nproc) cores; $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); go $(go env GOVERSION)"
echo "# load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
case "$mode" in
latency | floor)
	start=start_server label=run
	if [[ "$mode" == floor ]]; then start=start_floor label=floor; fi
	for i in $(seq "$RUNS"); do
		"$start"
		load -n "$WARMUP" -label warmup >/dev/null
		load -n "$N" -pid "$server" -label "$label$i"
		stop_server
	done
	;;
soak)
	start_server
	load -n "$WARMUP" -label warmup >/dev/null
	load -n "$SOAK_N" -pid "$server" -sample 10s -label soak
	stop_server
	;;
*)
	echo "usage: $0 [latency|soak|floor]" >&2; exit 2
	;;
esac
echo "# load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
