#!/usr/bin/env bash
# Quick-start: `deni plan --spec` estimate against the measured wall time of `deni sweep`, N times.
# Each repetition: a fresh step-time measurement (--remeasure) and the estimate, then the sweep on
# an empty store, timed from the command's start to its end. Also prints the estimate of the FIRST
# measurement (what the cache would have given) against every repetition. One JSON line each.
# Usage: bash bench/plan/estimate-vs-measured.sh [N=4] > bench/plan/results.jsonl
# KEEP=<file> keeps the first repetition's store there (the quick-start's runs, for `deni export`).
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${1:-4}
SPEC=experiments/quickstart/sweep.yaml
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
first=""
for i in $(seq 1 "$N"); do
  load0=$(cut -d' ' -f1 /proc/loadavg)
  est=$(node dist/cli.mjs plan --spec "$SPEC" --remeasure --json 2>/dev/null |
    node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const p=JSON.parse(s);console.log(p.estimate.seconds)})')
  [ -z "$first" ] && first=$est
  t0=$(date +%s.%N)
  node dist/cli.mjs sweep "$SPEC" --store "$TMP/r$i.sqlite" --no-progress >/dev/null
  t1=$(date +%s.%N)
  if [ "$i" = 1 ] && [ -n "${KEEP:-}" ]; then
    cp "$TMP/r1.sqlite" "$KEEP"
  fi
  load1=$(cut -d' ' -f1 /proc/loadavg)
  node -e '
    const [i, est, first, t0, t1, l0, l1] = process.argv.slice(1).map(Number);
    const measured = t1 - t0;
    console.log(JSON.stringify({ rep: i, estimate: +est.toFixed(1), measured: +measured.toFixed(1),
      ratio: +(est / measured).toFixed(3), within25: Math.abs(est / measured - 1) <= 0.25,
      cachedEstimate: +first.toFixed(1), cachedRatio: +(first / measured).toFixed(3),
      cachedWithin25: Math.abs(first / measured - 1) <= 0.25, load: [l0, l1] }));
  ' "$i" "$est" "$first" "$t0" "$t1" "$load0" "$load1"
done
