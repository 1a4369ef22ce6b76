#!/usr/bin/env bash
# ab.sh times two builds of kaiji (or any two commands) against each other
# on the same arguments, alternating, so that the machine's drift from one
# half hour to the next falls on both alike. Each of PAIRS rounds runs A
# RUNS times, then B RUNS times, and prints the medians of the round: wall
# time (milliseconds, from the clock around each run), CPU time (user +
# system) and peak RSS (from /usr/bin/time).
#
#   bench/ab.sh [-n RUNS] [-p PAIRS] A B -- ARGS...
#
# RUNS defaults to 11 and PAIRS to 3. Output goes to /dev/null; the
# commands' exit codes are ignored (kaiji scan exits 1 on a failing claim).
# Example: the README's demo scan, the last commit against the working tree:
#
#   git stash -q && go build -o /tmp/kaiji-a ./cmd/kaiji && git stash pop -q
#   go build -o /tmp/kaiji-b ./cmd/kaiji
#   bench/ab.sh -n 21 /tmp/kaiji-a /tmp/kaiji-b -- scan --claims testdata/demo/disclosure.yaml \
#     --format json -o /dev/null --fail-on none testdata/demo/infra
set -euo pipefail

runs=11
pairs=3
while getopts n:p: opt; do
	case $opt in
	n) runs=$OPTARG ;;
	p) pairs=$OPTARG ;;
	*) echo "usage: $0 [-n RUNS] [-p PAIRS] A B -- ARGS..." >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
if [[ $# -lt 3 || $3 != -- ]]; then
	echo "usage: $0 [-n RUNS] [-p PAIRS] A B -- ARGS..." >&2
	exit 2
fi
a=$1 b=$2
shift 3
if [[ ! -x /usr/bin/time ]]; then
	echo "$0: /usr/bin/time is missing (Debian: apt-get install time)" >&2
	exit 1
fi

median() { sort -n | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }

round() { # round BIN: RUNS runs, one line of medians
	local bin=$1 tmp wall cpu rss
	shift
	tmp=$(mktemp -d)
	for _ in $(seq "$runs"); do
		local t0 t1
		t0=$(date +%s%N)
		/usr/bin/time -f '%U %S %M' -o "$tmp/time" "$bin" "$@" >/dev/null 2>&1 || true
		t1=$(date +%s%N)
		echo $(((t1 - t0) / 1000)) >>"$tmp/wall"
		awk '{printf "%d\n", ($1 + $2) * 1000}' "$tmp/time" >>"$tmp/cpu"
		awk '{printf "%d\n", $3 / 1024}' "$tmp/time" >>"$tmp/rss"
	done
	wall=$(median <"$tmp/wall")
	cpu=$(median <"$tmp/cpu")
	rss=$(median <"$tmp/rss")
	rm -rf "$tmp"
	awk -v b="$bin" -v w="$wall" -v c="$cpu" -v r="$rss" 'BEGIN {printf "%-40s wall %7.1f ms  cpu %5d ms  rss %4d MB\n", b, w / 1000, c, r}'
}

for p in $(seq "$pairs"); do
	echo "round $p of $pairs, $runs runs each:"
	round "$a" "$@"
	round "$b" "$@"
done
