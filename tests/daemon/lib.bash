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
    for f in "$WORK"/*.stats.json; do
      [[ -f $f ]] && echo "=== $f: $("$PY" -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1]))))' "$f" 2>/dev/null)"
    done
  elif [[ -z ${SLPCODER_TEST_KEEP:-} ]]; then
    rm -rf "$WORK"
  else
    echo "kept $WORK"
  fi
}
trap cleanup EXIT

die() { echo "FAIL: $*" >&2; exit 1; }

# wait_for FILE PATTERN SECONDS: until a program prints PATTERN on its standard output (the
# host's bootstrap.servers=, a replay's progress); a worker's state is in its stats file.
wait_for() {
  local i
  for ((i = 0; i < $3 * 10; i++)); do grep -q -- "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done
  die "no \"$2\" in $1 after $3 s"
}

# Every process this library starts writes its stats.file to $WORK/NAME.stats.json, rewritten
# every STATS_MS (a later -X stats.interval.ms wins); the tests read that, not the log.
STATS_MS=${STATS_MS:-200}

# sget NAME PATH: the value at PATH (dots: counters.consumed, exit.reason) in NAME's stats file;
# "" when the file or the field is missing (or null). Booleans print as true/false.
sget() {
  "$PY" - "$WORK/$1.stats.json" "$2" <<'EOF'
import json, sys
try:
    o = json.load(open(sys.argv[1]))
except (OSError, ValueError):
    sys.exit(0)
for k in sys.argv[2].split("."):
    o = o.get(k) if isinstance(o, dict) else None
if o is not None:
    print(json.dumps(o) if isinstance(o, (dict, list, bool)) else o)
EOF
}

# wait_stats NAME SECONDS EXPR: poll NAME's stats file (10 times a second) until the Python
# expression EXPR holds, or die showing what the file said. EXPR sees c (counters), w
# (worker), x (exit), r (rules), e (embedded), each {} while null, and s (the whole object).
# SECONDS 0: check once (after the process exited, say).
wait_stats() {
  local out
  out=$("$PY" - "$WORK/$1.stats.json" "$2" "$3" <<'EOF'
import json, sys, time
path, secs, expr = sys.argv[1], float(sys.argv[2]), sys.argv[3]
deadline, s = time.time() + secs, None
while True:
    try:
        s = json.load(open(path))
    except (OSError, ValueError):
        s = None
    if s is not None:
        env = {k: s.get(f) or {} for k, f in
               (("c", "counters"), ("w", "worker"), ("x", "exit"), ("r", "rules"), ("e", "embedded"))}
        env["s"] = s
        if eval(expr, {}, env):
            sys.exit(0)
    if time.time() >= deadline:
        if s is None:
            print("no stats file")
        else:
            print(json.dumps({k: s.get(k) for k in ("final", "exit", "counters", "worker", "embedded")}))
        sys.exit(1)
    time.sleep(0.1)
EOF
  ) || die "$1: not ($3) after $2 s; stats: $out"
}

# wait_assigned NAME SECONDS [N]: until worker NAME holds at least N (default 1) partitions.
wait_assigned() { wait_stats "$1" "$2" "w.get('assigned', 0) >= ${3:-1}"; }

# exited_ok NAME [EXPR]: worker NAME wrote its final stats with exit code 0 (and EXPR holds).
exited_ok() { wait_stats "$1" 0 "s.get('final') and x.get('code') == 0${2:+ and ($2)}"; }

# wait_consumed SECONDS N NAME...: until the workers NAME... have consumed N inputs between them.
wait_consumed() {
  local secs=$1 want=$2 i n sum
  shift 2
  for ((i = 0; i < secs * 10; i++)); do
    sum=0
    for n in "$@"; do sum=$((sum + $(sget "$n" counters.consumed || true) + 0)); done
    ((sum >= want)) && return 0
    sleep 0.1
  done
  die "$* consumed $sum between them after $secs s, not $want"
}

# stats_line NAME: NAME's counters as last written, on one line (for humans).
stats_line() { sget "$1" counters | tr -d '{}"' | sed 's/: /=/g; s/, / /g'; }

# Host the mock cluster in a process of its own (extra args: e.g. -X embedded.faults=...); sets BS.
start_host() {
  "$BIN/slpcoderd" --embedded-kafka-only -X stats.file="$WORK/host.stats.json" -X stats.interval.ms="$STATS_MS" \
    "$@" >"$WORK/host.out" 2>"$WORK/host.err" &
  HOST_PID=$!
  PIDS+=("$HOST_PID")
  wait_for "$WORK/host.out" bootstrap.servers= 10
  BS=$(sed -n 's/^bootstrap.servers=//p' "$WORK/host.out")
}

# start_worker NAME [args...]: a worker against $BS; its pid in WPID, its stats in
# $WORK/NAME.stats.json (WORKER_WRAP: a command to run it under, e.g. /usr/bin/time).
start_worker() {
  local name=$1
  shift
  rm -f "$WORK/$name.stats.json"
  ${WORKER_WRAP[@]+"${WORKER_WRAP[@]}"} "$BIN/slpcoderd" -X kafka.bootstrap.servers="$BS" "${TEST_KAFKA[@]}" -X topic.input="$T_IN" \
    -X topic.coded="$T_CODED" -X topic.rejected="$T_REJ" -X topic.dlq="$T_DLQ" \
    -X stats.file="$WORK/$name.stats.json" -X stats.interval.ms="$STATS_MS" "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" &
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

# stop_worker NAME PID [SECONDS [EXPR]]: SIGTERM; it must exit 0 within SECONDS (default 60)
# and say so in its final stats, with the signal as the reason (and EXPR holding).
stop_worker() {
  kill -TERM "$2"
  wait_exit "$2" "${3:-60}"
  [[ $RC == 0 ]] || die "$1 exited $RC after SIGTERM"
  exited_ok "$1" "x['reason'] == 'SIGTERM'${4:+ and ($4)}"
}

# expect_exit RC PATTERN ARGS...: slpcoderd ARGS exits RC and, unless PATTERN is empty, says
# PATTERN on stderr (the message a person reads when it refuses to start).
expect_exit() {
  local want=$1 pat=$2 rc=0
  shift 2
  "$BIN/slpcoderd" "$@" >"$WORK/c.out" 2>"$WORK/c.err" || rc=$?
  [[ $rc == "$want" ]] || die "exit $rc, not $want, for: $* ($(cat "$WORK/c.err"))"
  [[ -z $pat ]] || grep -q -- "$pat" "$WORK/c.err" || die "stderr for [$*] lacks \"$pat\": $(cat "$WORK/c.err")"
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

# bench_raw COUNT: the raw librdkafka ceilings now (bench_kafka_raw: a group consumer of the
# COUNT inputs on $T_IN, then an idempotent acks=all producer of the same bytes to $T_CODED,
# with the worker's client settings); sets RAW_C and RAW_P (msgs/s).
bench_raw() {
  local line
  line=$("$BIN/bench_kafka_raw" "$BS" "$T_IN" "$T_CODED" "$1" "${TEST_KAFKA[@]}" 2>"$WORK/raw.err") \
    || die "bench_kafka_raw failed: $(tail -n 3 "$WORK/raw.err")"
  RAW_C=$(sed -n 's/^raw-consume .* rate=\([0-9]*\)\/s.*/\1/p' <<<"$line")
  RAW_P=$(sed -n 's/^raw-produce .* rate=\([0-9]*\)\/s.*/\1/p' <<<"$line")
  [[ -n $RAW_P && -n $RAW_C ]] || die "bench_kafka_raw: $line"
}

# bench_table COUNT [worker args...]: the worker's throughput in both delivery modes beside the
# pass-through relay (the same client settings, the same bytes, no coding), each over the same
# COUNT inputs already on $T_IN, each with a group of its own, each right after a raw run
# (bench_raw) so that its ratio to the raw producer is taken under the same load. Rates count
# from the first input consumed to the last output acknowledged; cpu us/in is the worker
# process's CPU (user + system, start-up included) per input: load moves it far less than the
# rates. With
# SLPCODER_BENCH_COMPARE=DIR (the bin directory of another build, e.g. main's), that build's
# worker runs the same rows too, marked "old". Dies on a short count.
bench_table() {
  local count=$1 mode delivery name rate line relay bin tag cpu
  shift
  printf '%-10s %-14s %8s %9s %9s %9s %8s %8s\n' run delivery inputs rate/s raw-prod/s "x raw-p" "x relay" "cpu us/in"
  for delivery in at-least-once exactly-once; do
    for bin in ${SLPCODER_BENCH_COMPARE:+"$SLPCODER_BENCH_COMPARE"} "$BIN"; do
      tag=; [[ $bin != "$BIN" ]] && tag=old-
      for mode in relay code; do
        name="bench-$tag$mode-$delivery"
        bench_raw "$count"
        WORKER_WRAP=(/usr/bin/time -f '%U %S' -o "$WORK/$name.time")
        BIN=$bin start_worker "$name" -X mode="$mode" -X delivery="$delivery" -X kafka.group.id="$T_IN.$name.$RANDOM" \
          -X transactional.id="$T_IN.$name.tx" -X exit.when.idle.ms=2500 -X summary=true -X log.level=warn \
          -X max.in.flight=50000 "$@"
        WORKER_WRAP=()
        wait_exit "$WPID" 300
        [[ $RC == 0 ]] || die "$name exited $RC"
        line=$(grep '^summary:' "$WORK/$name.out") || die "$name printed no summary"
        [[ $line == *" consumed=$count "* ]] || die "$name: $line"
        rate=$(sed -n 's/.* rate=\([0-9]*\)\/s.*/\1/p' <<<"$line")
        cpu=$(awk -v n="$count" '{ printf "%.1f", ($1 + $2) * 1e6 / n }' "$WORK/$name.time")
        [[ $mode == relay ]] && relay=$rate
        printf '%-10s %-14s %8s %9s %9s %9s %8s %8s\n' "$tag$mode" "$delivery" "$count" "$rate" "$RAW_P" \
          "$(awk -v a="$rate" -v b="$RAW_P" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')" \
          "$(awk -v a="$rate" -v b="$relay" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')" "${cpu:--}"
      done
    done
  done
}
