#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# loop-cost.sh -- what one input costs the worker's loop thread, in instructions: a number the
# load of a shared box does not move (the rates of the other benches moved 3x between identical
# runs). The worker runs under `valgrind --tool=callgrind`, collecting only inside the loop
# thread's two queue paths, inclusive: slp__drain_consumer (poll, decode, code, encode, headers,
# produce) and slp__drain_producer (delivery reports, offset store), less librdkafka's statistics
# callback (stats_cb: every statistics.interval.ms, not per input). Figures, not thresholds.
# Usage: bench/loop-cost.sh [BUILD_DIR]
#   SLPCODER_BENCH_COUNT   inputs (default 5000)
#   SLPCODER_BENCH_COMPARE the bin directory of another build: its rows too, marked "old"
ROOT=$(cd "$(dirname "$0")/.." && pwd)
export SLPCODER_BIN=${SLPCODER_BIN:-${1:-$ROOT/build}/bin}
export SLPCODER_SOURCE_DIR=${SLPCODER_SOURCE_DIR:-$ROOT}
if ! command -v valgrind >/dev/null || ! command -v callgrind_annotate >/dev/null; then
  echo "loop-cost: valgrind is not installed (apt-get install valgrind); NOT run" >&2
  exit 77
fi
source "$ROOT/tests/daemon/lib.bash"
N=${SLPCODER_BENCH_COUNT:-5000}
start_host -X embedded.partitions=12
gen "$N" 81 --garbage 0.01

printf '%-10s %-14s %8s %14s %12s %12s\n' run delivery inputs "instr total" "instr/input" "x new"
declare -A NEW
rows=()
for delivery in at-least-once exactly-once; do
  for bin in "$BIN" ${SLPCODER_BENCH_COMPARE:+"$SLPCODER_BENCH_COMPARE"}; do
    tag=; [[ $bin != "$BIN" ]] && tag=old-
    for mode in relay code; do
      name="cost-$tag$mode-$delivery"
      WORKER_WRAP=(valgrind --tool=callgrind --callgrind-out-file="$WORK/$name.cg"
        --toggle-collect=slp__drain_consumer --toggle-collect=slp__drain_producer
        --toggle-collect=stats_cb)
      BIN=$bin start_worker "$name" -X mode="$mode" -X delivery="$delivery" \
        -X kafka.group.id="$T_IN.$name.$RANDOM" -X transactional.id="$T_IN.$name.tx" \
        -X exit.when.idle.ms=5000 -X summary=true -X log.level=warn
      WORKER_WRAP=()
      wait_exit "$WPID" 600
      [[ $RC == 0 ]] || die "$name exited $RC"
      grep -q "^summary: consumed=$N " "$WORK/$name.out" || die "$name: $(grep '^summary:' "$WORK/$name.out")"
      ir=$(callgrind_annotate "$WORK/$name.cg" 2>/dev/null | sed -n 's/^ *\([0-9,]*\) .*PROGRAM TOTALS.*/\1/p' | tr -d ,)
      [[ -n $ir ]] || die "$name: no callgrind totals"
      [[ -z $tag ]] && NEW[$mode-$delivery]=$ir
      printf '%-10s %-14s %8s %14s %12s %12s\n' "$tag$mode" "$delivery" "$N" "$ir" "$((ir / N))" \
        "$(awk -v a="$ir" -v b="${NEW[$mode-$delivery]}" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')"
    done
  done
done
echo "loop-thread instructions per input (callgrind, inclusive of slp__drain_consumer and slp__drain_producer)"
