# SPDX-License-Identifier: Apache-2.0
# lib.bash -- helpers for the slpcoderd end-to-end tests (sourced; not a test itself).
set -euo pipefail
BIN=${SLPCODER_BIN:?set SLPCODER_BIN to the bin directory of a build}
PY=/usr/bin/python3 # Debian's, with python3-confluent-kafka
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
WORK=$(mktemp -d /tmp/slpcoderd-test.XXXXXX)
PIDS=()
# Topic names (the broker tier uses fresh ones per run).
T_IN=${T_IN:-slp.sessions} T_CODED=${T_CODED:-claims.coded} T_REJ=${T_REJ:-claims.rejected} T_DLQ=${T_DLQ:-slp.sessions.dlq}
# Mock-cluster timings from kafka-notes.md: joins and rebalances in seconds, not minutes.
TEST_KAFKA=(-X kafka.session.timeout.ms=3000 -X kafka.heartbeat.interval.ms=500 -X kafka.fetch.wait.max.ms=10
            -X log.level=info)

cleanup() {
  local rc=$?
  for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  if ((rc != 0)); then
    echo "--- test failed (rc=$rc); logs in $WORK:"
    local f
    for f in "$WORK"/*.err; do
      if [[ -f $f ]]; then
        echo "=== $f"
        tail -n 25 "$f"
      fi
    done
  elif [[ -z ${SLPCODER_TEST_KEEP:-} ]]; then
    rm -rf "$WORK"
  else
    echo "kept $WORK"
  fi
}
trap cleanup EXIT

die() { echo "FAIL: $*" >&2; exit 1; }

wait_for() { # FILE PATTERN SECONDS
  local i
  for ((i = 0; i < $3 * 10; i++)); do grep -q -- "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done
  die "no \"$2\" in $1 after $3 s"
}

# Host the mock cluster in a process of its own (extra args: e.g. -X embedded.faults=...); sets BS.
start_host() {
  "$BIN/slpcoderd" --embedded-kafka-only "$@" >"$WORK/host.out" 2>"$WORK/host.err" &
  HOST_PID=$!
  PIDS+=("$HOST_PID")
  wait_for "$WORK/host.out" bootstrap.servers= 10
  BS=$(sed -n 's/^bootstrap.servers=//p' "$WORK/host.out")
}

# start_worker NAME [args...]: a worker against $BS; its pid in WPID.
start_worker() {
  local name=$1
  shift
  "$BIN/slpcoderd" -X kafka.bootstrap.servers="$BS" "${TEST_KAFKA[@]}" -X topic.input="$T_IN" \
    -X topic.coded="$T_CODED" -X topic.rejected="$T_REJ" -X topic.dlq="$T_DLQ" "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" &
  WPID=$!
  PIDS+=("$WPID")
}

# wait_exit PID SECONDS: sets RC to the exit code, or dies on timeout (not in a subshell:
# only the parent shell can wait for its child).
wait_exit() {
  local i
  for ((i = 0; i < $2 * 10; i++)); do
    if ! kill -0 "$1" 2>/dev/null; then
      RC=0
      wait "$1" || RC=$?
      return 0
    fi
    sleep 0.1
  done
  die "pid $1 still running after $2 s"
}

# gen COUNT SEED [gen args...]: produce to slp.sessions and append the manifest.
gen() {
  local count=$1 seed=$2
  shift 2
  "$BIN/slpcoderd" gen --brokers "$BS" --topic "$T_IN" --count "$count" --seed "$seed" "$@" 2>>"$WORK/gen.err"
  "$BIN/slpcoderd" gen --out - --format manifest --count "$count" --seed "$seed" "$@" >>"$WORK/manifest" 2>/dev/null
}

check() { # [check_outputs.py args...]
  "$PY" "$HERE/check_outputs.py" --bootstrap "$BS" --manifest "$WORK/manifest" --input "$T_IN" \
    --coded "$T_CODED" --rejected "$T_REJ" --dlq "$T_DLQ" "$@"
}

count_in() { grep -c -- "$2" "$1" 2>/dev/null || true; }

# bench_table COUNT: the worker's throughput in both delivery modes beside the pass-through
# relay (the same client settings, the same bytes, no coding), each over the same COUNT
# inputs already on $T_IN, each with a group of its own. Rates count from the first input
# consumed to the last output acknowledged. Prints a table; dies on a short count.
bench_table() {
  local count=$1 mode delivery name rate line relay
  printf '%-10s %-14s %10s %10s %14s\n' run delivery inputs rate/s "x relay"
  for delivery in at-least-once exactly-once; do
    for mode in relay code; do
      name="bench-$mode-$delivery"
      start_worker "$name" -X mode="$mode" -X delivery="$delivery" -X kafka.group.id="$T_IN.$name.$RANDOM" \
        -X transactional.id="$T_IN.$name.tx" -X exit.when.idle.ms=2500 -X summary=true -X log.level=warn \
        -X max.in.flight=50000
      wait_exit "$WPID" 300
      [[ $RC == 0 ]] || die "$name exited $RC"
      line=$(grep '^summary:' "$WORK/$name.out") || die "$name printed no summary"
      [[ $line == *" consumed=$count "* ]] || die "$name: $line"
      rate=$(sed -n 's/.* rate=\([0-9]*\)\/s.*/\1/p' <<<"$line")
      [[ $mode == relay ]] && relay=$rate
      printf '%-10s %-14s %10s %10s %14s\n' "$mode" "$delivery" "$count" "$rate" \
        "$(awk -v a="$rate" -v b="$relay" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')"
    done
  done
}
