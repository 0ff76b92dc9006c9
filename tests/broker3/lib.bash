# SPDX-License-Identifier: Apache-2.0
# lib.bash -- 3-node cluster tier helpers (sourced; not a test itself): the broker tier's
# helpers pointed at a 3-node KRaft cluster (scripts/kafka-broker start --nodes 3), a stream
# producer that runs until told to stop, and broker kills that wait on the cluster's state.
export SLPCODER_BROKER_DIR=${SLPCODER_BROKER_CLUSTER_DIR:-/tmp/slpcoder-kafka3}
source "$(dirname "${BASH_SOURCE[0]}")/../broker/lib.bash"
KB="$SRC/scripts/kafka-broker"

# Start (or reuse: the ctest fixture starts it) the cluster; skip loudly where Java, Maven or
# Debian's confluent_kafka is missing. Sets BS to all three bootstrap addresses.
start_cluster() {
  local rc=0 out
  out=$("$KB" start --nodes 3 --dir "$KDIR" 2>"$WORK/broker-start.err") || rc=$?
  if ((rc == 77)); then
    echo "SKIP: no Java 17 / Maven for a real Kafka cluster ($(tail -n 1 "$WORK/broker-start.err")); 3-broker tier NOT run"
    trap - EXIT
    rm -rf "$WORK"
    exit 77
  fi
  ((rc == 0)) || die "kafka-broker start --nodes 3 failed ($rc): $(tail -n 5 "$WORK/broker-start.err")"
  BS=${out#bootstrap.servers=}
  [[ $BS == *,*,* ]] || die "not a 3-node cluster in $KDIR: $BS"
  # A case that failed half-way may have left a node down: bring it back, and start in sync.
  local i
  for i in 1 2 3; do
    "$KB" restart --dir "$KDIR" --node "$i" 2>>"$WORK/broker-start.err" || true
  done
  "$KB" wait-isr --dir "$KDIR" --timeout 120 2>>"$WORK/broker-start.err" || die "cluster not in sync at start"
}

kb() { "$KB" "$1" --dir "$KDIR" "${@:2}" 2>>"$WORK/cluster.err"; }

# stream_start NAME TOPIC SEED RATE: produce sessions (seed SEED, 2 % garbage) to TOPIC at RATE/s,
# in one-second chunks (gen --start continues the same stream), until stream_stop NAME.
stream_start() {
  local name=$1 topic=$2 seed=$3 rate=$4
  (
    i=0
    while [[ ! -e "$WORK/$name.stop" ]]; do
      "$BIN/slpcoderd" gen --brokers "$BS" --topic "$topic" --count "$rate" --start "$i" --seed "$seed" \
        --rate "$rate" --garbage 0.02 2>>"$WORK/$name.gen.err" || exit 1
      i=$((i + rate))
      echo "$i" >"$WORK/$name.count"
    done
  ) &
  eval "STREAM_${name}=$!"
}

# stream_stop NAME SEED MANIFEST: stop the stream, append its manifest; sets COUNT.
stream_stop() {
  local name=$1 seed=$2 pid
  pid=STREAM_$name
  : >"$WORK/$name.stop"
  wait "${!pid}" || die "stream $name: the generator failed: $(tail -n 3 "$WORK/$name.gen.err")"
  COUNT=$(cat "$WORK/$name.count")
  "$BIN/slpcoderd" gen --out - --format manifest --count "$COUNT" --seed "$seed" --garbage 0.02 >>"$3" 2>/dev/null
}

# stat_of NAME FIELD: counter FIELD in worker NAME's stats file (0 before the first write),
# plus what its earlier lives counted (revive).
stat_of() {
  local v b=0
  v=$(sget "$1" "counters.$2")
  [[ -e $WORK/$1.base.$2 ]] && b=$(cat "$WORK/$1.base.$2")
  echo "$((${v:-0} + b))"
}

# progress NAME: what shows worker NAME's outputs getting acknowledged (exactly-once: committed
# transactions, at-least-once: delivery reports).
progress() {
  if grep -qx -- 'delivery=exactly-once' "$WORK/$1.args" 2>/dev/null; then stat_of "$1" txn_commits; else stat_of "$1" delivered; fi
}

# wait_progress SECONDS NAME...: each worker acknowledges more outputs than now (the commits of
# exactly-once count twice, so one of them was begun after this call).
wait_progress() {
  local secs=$1 n i ok
  shift
  local -A base
  for n in "$@"; do base[$n]=$(progress "$n"); done
  for ((i = 0; i < secs * 10; i++)); do
    revive "$@"
    ok=1
    for n in "$@"; do
      (($(progress "$n") >= ${base[$n]} + 2)) || ok=0
    done
    ((ok)) && return 0
    sleep 0.1
  done
  for n in "$@"; do echo "worker $n: progress $(progress "$n") (was ${base[$n]})"; done
  die "no worker progress within $secs s"
}

# cworker NAME ARGS...: start_worker that remembers its arguments (for progress and revive)
# and its pid (wpid NAME).
cworker() {
  local name=$1
  shift
  printf '%s\n' "$@" >"$WORK/$name.args"
  # its topics too: T_* are globals, and the next fresh_topics changes them
  printf '%s\n' "$T_IN" "$T_CODED" "$T_REJ" "$T_DLQ" >"$WORK/$name.topics"
  start_worker "$name" "$@"
  echo "$WPID" >"$WORK/$name.pid"
}
wpid() { cat "$WORK/$1.pid"; }

# revive NAME...: what systemd's Restart=on-failure does for slpcoderd@.service. A worker that
# exited because librdkafka raised a fatal error (exit 69, EX_UNAVAILABLE, its final stats
# saying so) is started again with the same arguments; its counters so far carry over to
# stat_of. Any other exit fails the test. librdkafka 2.0.2 (Debian 12's) can raise a fatal
# idempotence error ("rewound sequence number") when a broker is SIGKILLed mid-request
# (confluentinc/librdkafka#4438, fixed in 2.3.0): the worker cannot go on with that producer,
# and the guarantee under test is that nothing is lost or doubled across the restart.
revive() {
  local n pid rc f args
  for n in "$@"; do
    pid=$(wpid "$n")
    kill -0 "$pid" 2>/dev/null && continue
    rc=0
    wait "$pid" || rc=$?
    ((rc == 69)) || die "worker $n exited $rc"
    wait_stats "$n" 10 "s.get('final') and x.get('code') == 69 and 'fatal' in x.get('reason', '')"
    for f in consumed delivered txn_commits txn_aborts; do
      echo "$(stat_of "$n" "$f")" >"$WORK/$n.base.$f.new"
    done
    for f in consumed delivered txn_commits txn_aborts; do mv "$WORK/$n.base.$f.new" "$WORK/$n.base.$f"; done
    echo "$n: exit 69 ($(sget "$n" exit.reason)) after $(stats_line "$n"); restarted" | tee -a "$WORK/revived"
    mv "$WORK/$n.stats.json" "$WORK/$n.life$(wc -l <"$WORK/revived").stats.json"
    mv "$WORK/$n.err" "$WORK/$n.life$(wc -l <"$WORK/revived").err"
    mapfile -t args <"$WORK/$n.args"
    local T_IN T_CODED T_REJ T_DLQ # the worker's own topics (bash scoping: start_worker sees these)
    { read -r T_IN; read -r T_CODED; read -r T_REJ; read -r T_DLQ; } <"$WORK/$n.topics"
    start_worker "$n" "${args[@]}"
    echo "$WPID" >"$WORK/$n.pid"
  done
}

# wait_new_leader TOPIC PART OLD SECONDS: until TOPIC/PART is led by a live node other than OLD;
# sets LEADER and FAILOVER_S (seconds, from the call).
wait_new_leader() {
  local t0=$EPOCHREALTIME l i
  for ((i = 0; i < $4 * 4; i++)); do
    l=$(kb leader "$1" "$2") || l=-1
    if [[ $l != "$3" && $l != -1 ]]; then
      LEADER=$l
      FAILOVER_S=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
      return 0
    fi
    sleep 0.25
  done
  die "$1/$2 still led by $3 (or by none) after $4 s"
}

# kill_leader TOPIC PART WORKER...: SIGKILL the node leading TOPIC/PART while the workers run,
# wait for a new leader and for every worker to go on without the node, restart it and wait
# until every partition is back in sync. Sets KILLED; appends a line to $WORK/kills.
kill_leader() {
  local topic=$1 part=$2 node t0
  shift 2
  node=$(kb leader "$topic" "$part") || die "no leader for $topic/$part"
  ((node >= 1)) || die "$topic/$part has no leader before the kill"
  local before=""
  for n in "$@"; do before+=" $n:consumed=$(stat_of "$n" consumed)"; done
  kb kill --node "$node" --signal KILL || die "kill node $node failed"
  wait_new_leader "$topic" "$part" "$node" 60
  wait_progress 90 "$@"
  t0=$SECONDS
  kb restart --node "$node" || die "node $node did not come back"
  kb wait-isr --timeout 120 || die "partitions not in sync after node $node came back"
  KILLED=$node
  echo "SIGKILL node $node (leader of $topic/$part) at$before; new leader $LEADER after ${FAILOVER_S}s; back in sync $((SECONDS - t0))s after restart" |
    tee -a "$WORK/kills"
}

# (stop_worker NAME PID: in tests/daemon/lib.bash, which checks the final stats too.)


# check_set NAME COUNT WHAT CHECK-ARGS...: check_outputs.py over the current T_* with NAME's
# manifest; prints its summary as "WHAT: check: ..." (and appends it to $WORK/check.NAME.out).
# Every input the generator acknowledged must be on the input topic: the generator's producer
# runs one request in flight (src/cli/gen_kafka.c says which loss that avoids).
check_set() {
  local name=$1 count=$2 what=$3 out
  shift 3
  cp "$WORK/manifest.$name" "$WORK/manifest"
  out=$(check --expect "$count" --timeout 180 "$@") || { echo "$out"; die "$what: check failed"; }
  echo "$out" >>"$WORK/check.$name.out"
  echo "$what: $(grep '^check:' <<<"$out")"
}
