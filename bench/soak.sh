#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# soak.sh -- real broker, long run (a benchmark, not a test): the worker at half its measured
# maximum rate for MINUTES, a rebalance every few minutes (a second worker joins, later leaves
# on SIGTERM), a rules reload (SIGHUP) every minute. Prints one line per interval: the first
# worker's RSS and open fds, the group's consumer lag, inputs produced and consumed, the broker's
# RSS; at the end a verdict on whether RSS and fds stayed flat after the warm-up.
# Usage: bench/soak.sh [BUILD_DIR] [MINUTES]      (default build/, 30 minutes)
# Environment: SOAK_DELIVERY (exactly-once | at-least-once, default exactly-once),
#   SOAK_INTERVAL_S (sample period, default 30), SOAK_REBALANCE_S (default 180),
#   SOAK_RELOAD_S (default 60), SOAK_RATE (inputs/s; default half the measured maximum),
#   SOAK_MAX_COUNT (inputs for the maximum-rate run, default 100000),
#   SLPCODER_BROKER_DIR (the broker's dir, default /tmp/slpcoder-soak-kafka; started and
#   stopped here unless one already runs there).
# Exit 0 when RSS and fds stayed flat and the lag drained to 0 after the stream, 1 when not or
# when a worker died.
ROOT=$(cd "$(dirname "$0")/.." && pwd)
export SLPCODER_BIN=${SLPCODER_BIN:-${1:-$ROOT/build}/bin}
export SLPCODER_SOURCE_DIR=${SLPCODER_SOURCE_DIR:-$ROOT}
export SLPCODER_BROKER_DIR=${SLPCODER_BROKER_DIR:-/tmp/slpcoder-soak-kafka}
MINUTES=${2:-30}
source "$ROOT/tests/broker/lib.bash"
KB="$ROOT/scripts/kafka-broker"
DELIVERY=${SOAK_DELIVERY:-exactly-once}
INTERVAL=${SOAK_INTERVAL_S:-30}
REBALANCE=${SOAK_REBALANCE_S:-180}
RELOAD=${SOAK_RELOAD_S:-60}
[[ $MINUTES =~ ^[0-9]+$ && $MINUTES -ge 1 ]] || die "MINUTES: a whole number >= 1"

# Stop the broker at the end if this run started it.
OWN_BROKER=0
"$KB" status --dir "$KDIR" >/dev/null 2>&1 || OWN_BROKER=1
soak_exit() {
  local rc=$?
  set +e
  for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null; done  # before the broker goes
  ((OWN_BROKER)) && "$KB" stop --dir "$KDIR" 2>/dev/null
  (exit "$rc") # cleanup reads the status from $?
  cleanup
}
trap soak_exit EXIT

start_broker
W=(-X delivery="$DELIVERY" -X log.level=info -X kafka.auto.commit.interval.ms=1000)

# 1. The maximum: SOAK_MAX_COUNT inputs already on a topic, coded flat out by one worker.
if [[ -z ${SOAK_RATE:-} ]]; then
  N=${SOAK_MAX_COUNT:-100000}
  fresh_topics soakmax
  gen "$N" 501 --garbage 0.01
  start_worker max "${W[@]}" -X kafka.group.id="$T_IN.g" -X transactional.id="$T_IN.tx" \
    -X exit.when.idle.ms=2500 -X summary=true -X log.level=warn
  wait_exit "$WPID" 600
  [[ $RC == 0 ]] || die "the maximum-rate worker exited $RC"
  line=$(grep '^summary:' "$WORK/max.out") || die "the maximum-rate worker printed no summary"
  MAX=$(sed -n 's/.* rate=\([0-9]*\)\/s.*/\1/p' <<<"$line")
  [[ $MAX =~ ^[0-9]+$ && $MAX -gt 0 ]] || die "no rate in: $line"
  RATE=$((MAX / 2))
  echo "soak: maximum $MAX inputs/s ($DELIVERY, $N inputs); soaking at $RATE/s"
else
  RATE=$SOAK_RATE
  echo "soak: at $RATE/s (SOAK_RATE)"
fi

# 2. The soak: a stream at RATE for MINUTES, worker a all along, worker b joining and leaving.
fresh_topics soak
SECS=$((MINUTES * 60))
"$BIN/slpcoderd" gen --brokers "$BS" --topic "$T_IN" --count $((RATE * SECS)) --seed 502 --rate "$RATE" \
  --garbage 0.01 >/dev/null 2>>"$WORK/gen.err" &
GEN=$!
PIDS+=("$GEN")
GROUP="$T_IN.g"
start_worker a "${W[@]}" -X kafka.group.id="$GROUP" -X transactional.id="$T_IN.tx.a" -X stats.interval.ms=10000
WA=$WPID
wait_for "$WORK/a.err" 'assigned' 60
WB=""

# lag: the group's committed offsets against the high watermarks (sum over partitions);
# prints "LAG PRODUCED".
lag() {
  "$PY" - "$BS" "$GROUP" "$T_IN" <<'PY' 2>/dev/null || echo "? ?"
import sys
from confluent_kafka import Consumer, TopicPartition
bs, group, topic = sys.argv[1:4]
c = Consumer({"bootstrap.servers": bs, "group.id": group, "enable.auto.commit": False, "log_level": 0})
md = c.list_topics(topic, timeout=10)
tps = [TopicPartition(topic, p) for p in md.topics[topic].partitions]
lag = hw_sum = 0
for tp in c.committed(tps, timeout=10):
    lo, hi = c.get_watermark_offsets(TopicPartition(topic, tp.partition), timeout=10)
    hw_sum += hi
    lag += hi - (tp.offset if tp.offset >= 0 else lo)
c.close()
print(lag, hw_sum)
PY
}
kb_rss() { awk '/^VmRSS/ { print $2 }' "/proc/$(cat "$KDIR/broker.pid")/status" 2>/dev/null || echo "?"; }

printf '%6s %9s %5s %9s %10s %10s %10s %8s %8s %s\n' t_s rss_kB fds lag produced consumed_a broker_kB reloads rebal worker_b
T0=$SECONDS
next_sample=0 next_reload=$RELOAD next_rebalance=$REBALANCE reloads=0 rebalances=0
SAMPLES=()
while (((t = SECONDS - T0) <= SECS)); do
  kill -0 "$WA" 2>/dev/null || die "worker a died (see $WORK/a.err)"
  if ((t >= next_reload)); then
    kill -HUP "$WA"
    [[ -n $WB ]] && kill -HUP "$WB"
    reloads=$((reloads + 1))
    next_reload=$((next_reload + RELOAD))
  fi
  if ((t >= next_rebalance && t < SECS - 30)); then
    if [[ -z $WB ]]; then
      start_worker "b$rebalances" "${W[@]}" -X kafka.group.id="$GROUP" -X transactional.id="$T_IN.tx.b"
      WB=$WPID
    else
      kill -TERM "$WB"
      wait_exit "$WB" 60
      [[ $RC == 0 ]] || die "worker b exited $RC after SIGTERM"
      WB=""
    fi
    rebalances=$((rebalances + 1))
    next_rebalance=$((next_rebalance + REBALANCE))
  fi
  if ((t >= next_sample)); then
    rss=$(awk '/^VmRSS/ { print $2 }' "/proc/$WA/status")
    fds=$(find "/proc/$WA/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)
    read -r lg produced < <(lag)
    consumed=$(grep -o 'msg="stats consumed=[0-9]*' "$WORK/a.err" | tail -n 1 | cut -d= -f3 || true)
    printf '%6d %9s %5s %9s %10s %10s %10s %8d %8d %s\n' "$t" "$rss" "$fds" "$lg" "$produced" "${consumed:-0}" \
      "$(kb_rss)" "$reloads" "$rebalances" "${WB:+running}"
    SAMPLES+=("$t $rss $fds")
    next_sample=$((next_sample + INTERVAL))
  fi
  sleep 1
done
wait "$GEN" || die "the generator failed: $(tail -n 3 "$WORK/gen.err")"

# 3. Drain: the lag must come down to zero once the stream has stopped.
for ((i = 0; i < 300; i++)); do
  read -r lg produced < <(lag)
  [[ $lg == 0 ]] && break
  sleep 1
done
echo "soak: stream done, ${produced} inputs; lag ${lg} after draining ${i}s; $reloads reloads ($(count_in "$WORK/a.err" 'rules reloaded from') confirmed by worker a), $rebalances rebalances"
[[ -n $WB ]] && { kill -TERM "$WB"; wait_exit "$WB" 60; }
kill -TERM "$WA"
wait_exit "$WA" 60
[[ $RC == 0 ]] || die "worker a exited $RC after SIGTERM"
grep -o 'msg="stopped .*' "$WORK/a.err" | tail -n 1 || true

# 4. Verdict: after the warm-up (the first fifth, at least one sample), RSS may not grow by more
# than 10 % or 8 MB (whichever is larger) from the first to the highest later sample, and the
# fds may not grow by more than 2.
drained=0
[[ $lg == 0 ]] && drained=1
echo "verdict: lag $( ((drained)) && echo "drained (0 after ${i}s)" || echo "NOT drained ($lg left after ${i}s)")"
printf '%s\n' "${SAMPLES[@]}" | awk -v drained="$drained" -v n="${#SAMPLES[@]}" '
  { t[NR] = $1; r[NR] = $2; f[NR] = $3 }
  END {
    w = int(n / 5) + 1; if (w > n) w = n
    r0 = r[w]; f0 = f[w]; rmax = r0; fmax = f0; fmin = f0
    for (i = w; i <= n; i++) { if (r[i] > rmax) rmax = r[i]; if (f[i] > fmax) fmax = f[i]; if (f[i] < fmin) fmin = f[i] }
    lim = r0 * 0.10; if (lim < 8192) lim = 8192
    rss_ok = (rmax - r0 <= lim); fd_ok = (fmax - f0 <= 2)
    printf "verdict: RSS %s (%d kB at t=%ds after warm-up, peak after it %d kB, end %d kB: %+d kB)\n",
      rss_ok ? "flat" : "GROWING", r0, t[w], rmax, r[n], r[n] - r0
    printf "verdict: fds %s (%d at t=%ds, %d..%d after it, end %d)\n", fd_ok ? "flat" : "GROWING", f0, t[w], fmin, fmax, f[n]
    exit (rss_ok && fd_ok && drained) ? 0 : 1
  }'
