#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# daemon-latency.sh -- latency at a fixed rate, mock tier: for each delivery mode, the worker's
# maximum sessions/s over a backlog, then a running worker fed at half that rate by
# `slpcoderd gen --rate`; the worker's summary gives p50/p99/p999 from each input's Kafka
# timestamp (set by gen's producer) to its acknowledgement (at-least-once: the delivery
# report; exactly-once: the commit of its transaction). Figures, not thresholds.
# Usage: bench/daemon-latency.sh [BUILD_DIR]
#   SLPCODER_BENCH_COUNT   backlog for the maximum (default 60000)
#   SLPCODER_BENCH_SECONDS length of the fixed-rate run (default 10)
#   SLPCODER_BENCH_RATE    use this rate instead of half the measured maximum
ROOT=$(cd "$(dirname "$0")/.." && pwd)
export SLPCODER_BIN=${SLPCODER_BIN:-${1:-$ROOT/build}/bin}
export SLPCODER_SOURCE_DIR=${SLPCODER_SOURCE_DIR:-$ROOT}
source "$ROOT/tests/daemon/lib.bash"
N=${SLPCODER_BENCH_COUNT:-60000}
SECS=${SLPCODER_BENCH_SECONDS:-10}
BATCH_MS=500 # the default batch.ms, written out: the exactly-once goal is batch.ms + 50 ms
start_host -X embedded.partitions=12

printf '%-14s %8s %8s %8s %8s %8s %8s %9s\n' delivery max/s rate/s acked p50_ms p99_ms p999_ms max_ms
for delivery in at-least-once exactly-once; do
  # 1. the maximum over a backlog, on a topic of its own
  T_IN=lat.$delivery.backlog
  gen "$N" 71 --garbage 0.01
  start_worker "max-$delivery" -X delivery="$delivery" -X kafka.group.id="max.$delivery.$RANDOM" \
    -X transactional.id="max.$delivery.tx" -X exit.when.idle.ms=2500 -X summary=true -X log.level=warn \
    -X batch.ms=$BATCH_MS
  wait_exit "$WPID" 300
  [[ $RC == 0 ]] || die "max-$delivery exited $RC"
  max=$(sed -n 's/^summary: .* rate=\([0-9]*\)\/s.*/\1/p' "$WORK/max-$delivery.out")
  [[ -n $max ]] || die "max-$delivery printed no rate"
  rate=${SLPCODER_BENCH_RATE:-$((max / 2))}
  # 2. a joined worker, then inputs at the fixed rate
  T_IN=lat.$delivery.paced
  name=paced-$delivery
  start_worker "$name" -X delivery="$delivery" -X kafka.group.id="paced.$delivery.$RANDOM" \
    -X transactional.id="paced.$delivery.tx" -X exit.when.idle.ms=3000 -X summary=true -X log.level=info \
    -X batch.ms=$BATCH_MS
  # the topic must exist before the group can be assigned it: one input first, then wait
  "$BIN/slpcoderd" gen --brokers "$BS" --topic "$T_IN" --count 1 --seed 1 2>>"$WORK/gen.err"
  wait_for "$WORK/$name.err" "assigned " 30
  "$BIN/slpcoderd" gen --brokers "$BS" --topic "$T_IN" --count $((rate * SECS)) --start 1 --seed 72 \
    --rate "$rate" --garbage 0.01 2>>"$WORK/gen.err"
  wait_exit "$WPID" 300
  [[ $RC == 0 ]] || die "$name exited $RC"
  lat=$(grep '^  latency:' "$WORK/$name.out") || die "$name printed no latency"
  v() { sed -n "s/.* $1=\([0-9]*\).*/\1/p" <<<"$lat"; }
  printf '%-14s %8s %8s %8s %8s %8s %8s %9s\n' "$delivery" "$max" "$rate" "$(v acked)" "$(v p50_ms)" \
    "$(v p99_ms)" "$(v p999_ms)" "$(v max_ms)"
done
echo "latency figures (mock cluster, $(nproc) cores shared with the cluster; batch.ms=$BATCH_MS)"
