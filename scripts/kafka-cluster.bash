# SPDX-License-Identifier: Apache-2.0
# kafka-cluster.bash -- the multi-node mode of scripts/kafka-broker (sourced by it; not a
# command of its own): N KRaft nodes on loopback, each broker + controller, a static quorum of
# all N, replication factor N, min.insync.replicas 2; kill / restart one node by id; the
# leader of a partition; wait until every partition is fully in sync.
#
# Layout of a cluster DIR: .slpcoder-kafka (marker), nodes (N), bootstrap ("H:P1,H:P2,..."),
# node<ID>/{server.properties,port,data/,logs/,broker.pid}.
# Uses from scripts/kafka-broker: DIR, MARK, NODESF, BOOTF, NODES, NODE, SIGNAL, WAIT_TIMEOUT,
# args, TOOLS, SYSPY, log, die, need_java, classpath, free_port, port_open, wipe_dir, show_logs.

is_cluster() { [[ -s "$NODESF" ]]; }

node_dir() { printf '%s/node%s' "$DIR" "$1"; }

# A live, non-zombie process (a SIGKILLed node reparented to a PID 1 that does not reap
# stays a zombie: kill -0 still succeeds on it).
pid_alive() {
  local st
  st=$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null) || return 1
  [[ -n "$st" && "$st" != Z && "$st" != X ]]
}

# pid of node ID if it runs, or nothing
node_pid() {
  local nd pid
  nd=$(node_dir "$1")
  [[ -s "$nd/broker.pid" ]] || return 1
  pid=$(cat "$nd/broker.pid")
  [[ "$pid" =~ ^[0-9]+$ ]] && pid_alive "$pid" || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "kafka.Kafka $nd/server.properties" || return 1
  printf '%s' "$pid"
}

cluster_pids() { # the pids of the running nodes, space separated
  local i n pid out=()
  n=$(cat "$NODESF" 2>/dev/null || echo 0)
  for ((i = 1; i <= n; i++)); do
    if pid=$(node_pid "$i"); then out+=("$pid"); fi
  done
  echo "${out[*]}"
}

need_node_arg() {
  is_cluster || die 2 "$DIR is no cluster dir (start it with --nodes N)"
  local n; n=$(cat "$NODESF")
  [[ "$NODE" =~ ^[0-9]+$ && "$NODE" -ge 1 && "$NODE" -le "$n" ]] || die 2 "give --node ID (1..$n)"
}

need_py() {
  [[ -x "$SYSPY" ]] && "$SYSPY" -c 'import confluent_kafka' 2>/dev/null ||
    die $EX_SKIP "$SYSPY with confluent_kafka (Debian python3-confluent-kafka) is needed for cluster metadata; skipping"
}

# Launch node ID from its server.properties (formatted storage), in its own session.
node_launch() {
  local id=$1 nd cp
  nd=$(node_dir "$id")
  cp=$(classpath)
  # shellcheck disable=SC2206
  local jvm=(java ${SLPCODER_BROKER_HEAP:--Xmx384m -Xms128m}
    -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35
    -XX:+ExplicitGCInvokesConcurrent -XX:ParallelGCThreads=1 -XX:ConcGCThreads=1 -XX:TieredStopAtLevel=1
    -Djava.awt.headless=true "-Dlog4j2.configurationFile=$TOOLS/log4j2.properties"
    "-Dkafka.logs.dir=$nd/logs" "-Dslpcoder.kafka.logs=$nd/logs" -cp "$cp")
  setsid "${jvm[@]}" kafka.Kafka "$nd/server.properties" >>"$nd/logs/stdout.log" 2>&1 </dev/null &
  echo "$!" >"$nd/broker.pid"
}

# Node ID answers a metadata request, and what it answers lists WANT brokers, itself among
# them (a broker lists only the unfenced ones, so this is "back in the cluster").
node_ready() {
  local id=$1 want=$2 port md
  port=$(cat "$(node_dir "$id")/port")
  port_open "$port" || return 1
  if command -v kcat >/dev/null 2>&1; then
    md=$(kcat -L -b "127.0.0.1:$port" -m 3 2>/dev/null | sed -n '/brokers:/,/topics:/p') || return 1
    grep -q " $want brokers:" <<<"$md" && grep -q "broker $id at " <<<"$md"
  else
    "$SYSPY" - "127.0.0.1:$port" "$id" "$want" <<'PY' 2>/dev/null
import sys
from confluent_kafka.admin import AdminClient
md = AdminClient({"bootstrap.servers": sys.argv[1]}).list_topics(timeout=3)
sys.exit(0 if len(md.brokers) == int(sys.argv[3]) and int(sys.argv[2]) in md.brokers else 1)
PY
  fi
}

node_logs() {
  local f nd
  nd=$(node_dir "$1")
  for f in "$nd/logs/server.log" "$nd/logs/stdout.log"; do
    [[ -s "$f" ]] || continue
    log "---- last lines of $f"
    tail -n 30 "$f" >&2
  done
}

# wait_ready TIMEOUT ID...: every node ID alive and ready; dies with its log otherwise.
wait_ready() {
  local timeout=$1 t0=$SECONDS id pid n pending
  shift
  n=$(cat "$NODESF")
  pending=("$@")
  while ((${#pending[@]})); do
    local left=()
    for id in "${pending[@]}"; do
      pid=$(cat "$(node_dir "$id")/broker.pid")
      if ! pid_alive "$pid"; then
        node_logs "$id"
        die 1 "node $id exited during start (see $(node_dir "$id")/logs)"
      fi
      node_ready "$id" "$n" || left+=("$id")
    done
    pending=("${left[@]}")
    ((${#pending[@]})) || break
    if ((SECONDS - t0 >= timeout)); then
      for id in "${pending[@]}"; do node_logs "$id"; done
      die 1 "node(s) ${pending[*]} not back in the cluster within ${timeout}s"
    fi
    sleep 0.2
  done
}

do_start_cluster() {
  local n=${NODES:-}
  if is_cluster; then
    local have want pids
    want=$(cat "$NODESF")
    pids=$(cluster_pids)
    have=$(wc -w <<<"$pids")
    if ((have == want)) && [[ -z "$n" || "$n" == "$want" ]]; then
      log "cluster of $want nodes already running in $DIR (pids $pids); reusing it"
      echo "bootstrap.servers=$(cat "$BOOTF")"
      return 0
    fi
    ((have == 0)) || die 1 "the cluster in $DIR runs $have of $want nodes (restart the others, or stop it first)"
    n=${n:-$want}
  fi
  [[ "$n" =~ ^[0-9]+$ && "$n" -ge 1 && "$n" -le 9 ]] || die 2 "--nodes: 1..9"
  need_java
  local cp; cp=$(classpath)
  [[ -n "$cp" ]] || die 1 "empty classpath"

  wipe_dir
  mkdir -p "$DIR"
  : >"$MARK"
  local i p ports=() voters="" boot=""
  while ((${#ports[@]} < 2 * n)); do  # 2 per node, all distinct
    p=$(free_port) || die 1 "no free port"
    [[ " ${ports[*]} " == *" $p "* ]] || ports+=("$p")
  done
  for ((i = 1; i <= n; i++)); do
    voters+="${voters:+,}$i@127.0.0.1:${ports[2 * i - 1]}"
    boot+="${boot:+,}127.0.0.1:${ports[2 * i - 2]}"
  done
  local min_isr=$((n < 2 ? n : 2)) nd
  for ((i = 1; i <= n; i++)); do
    nd=$(node_dir "$i")
    mkdir -p "$nd/data" "$nd/logs"
    echo "${ports[2 * i - 2]}" >"$nd/port"
    sed -e "s|@NODE_ID@|$i|g" -e "s|@PORT@|${ports[2 * i - 2]}|g" -e "s|@CONTROLLER_PORT@|${ports[2 * i - 1]}|g" \
      -e "s|@VOTERS@|$voters|g" -e "s|@DATA_DIR@|$nd/data|g" -e "s|@NODES@|$n|g" -e "s|@MIN_ISR@|$min_isr|g" \
      "$TOOLS/cluster.properties.in" >"$nd/server.properties"
  done
  echo "$n" >"$NODESF"
  echo "$boot" >"$BOOTF"

  # Cluster id: 16 random bytes, base64url without padding (one starting with '-' would read
  # as an option: draw again).
  local cid=-
  while [[ "$cid" == -* ]]; do cid=$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n'); done
  log "formatting $n KRaft storage dirs in $DIR (cluster $cid, voters $voters)"
  local fpids=()
  for ((i = 1; i <= n; i++)); do
    nd=$(node_dir "$i")
    java -Xmx128m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Djava.awt.headless=true \
      "-Dlog4j2.configurationFile=$TOOLS/log4j2.properties" "-Dslpcoder.kafka.logs=$nd/logs/format" -cp "$cp" \
      kafka.tools.StorageTool format -t "$cid" -c "$nd/server.properties" >"$nd/logs/format.log" 2>&1 &
    fpids+=($!)
  done
  for ((i = 1; i <= n; i++)); do
    wait "${fpids[i - 1]}" || { cat "$(node_dir "$i")/logs/format.log" >&2; die 1 "storage format of node $i failed"; }
  done

  local t0=$SECONDS ids=()
  for ((i = 1; i <= n; i++)); do node_launch "$i"; ids+=("$i"); done
  log "starting $n nodes on $boot, logs in $DIR/node*/logs"
  wait_ready "${SLPCODER_BROKER_START_TIMEOUT:-120}" "${ids[@]}"
  log "cluster up (pids $(cluster_pids)) after $((SECONDS - t0))s"
  echo "bootstrap.servers=$boot"
}

# stop_pids SECONDS PID...: SIGTERM all at once, SIGKILL what is left after SECONDS.
stop_pids() {
  local secs=$1 i p left
  shift
  kill -TERM "$@" 2>/dev/null || true
  for ((i = 0; i < secs * 10; i++)); do
    left=0
    for p in "$@"; do pid_alive "$p" && left=1; done
    ((left)) || return 0
    sleep 0.1
  done
  log "node(s) still running after ${secs}s; SIGKILL"
  kill -KILL "$@" 2>/dev/null || true
  for ((i = 0; i < 50; i++)); do
    left=0
    for p in "$@"; do pid_alive "$p" && left=1; done
    ((left)) || return 0
    sleep 0.1
  done
}

do_stop_cluster() {
  local pids
  pids=$(cluster_pids)
  if [[ -n "$pids" ]]; then
    log "stopping cluster nodes $pids"
    # shellcheck disable=SC2086
    stop_pids 5 $pids  # all at once: the data goes anyway, a node left without a quorum is killed at 5 s
  else
    log "no node running in $DIR"
  fi
  wipe_dir
}

do_status_cluster() {
  local n i pid up=0 nd
  n=$(cat "$NODESF")
  for ((i = 1; i <= n; i++)); do
    nd=$(node_dir "$i")
    if pid=$(node_pid "$i"); then
      up=$((up + 1))
      echo "node $i running pid=$pid port=$(cat "$nd/port") rss=$(awk '/^VmRSS/ {print $2 $3}' "/proc/$pid/status") peak_rss=$(awk '/^VmHWM/ {print $2 $3}' "/proc/$pid/status")"
    else
      echo "node $i stopped port=$(cat "$nd/port")"
    fi
  done
  echo "cluster nodes=$n running=$up bootstrap.servers=$(cat "$BOOTF") dir=$DIR"
  ((up == n)) || return 3
}

do_kill_node() {
  need_node_arg
  local pid secs=10
  pid=$(node_pid "$NODE") || die 1 "node $NODE is not running"
  case "$SIGNAL" in
    KILL|9) SIGNAL=KILL ;;
    TERM|15) SIGNAL=TERM; secs=30 ;;
    *) die 2 "--signal: KILL or TERM" ;;
  esac
  local t0=$SECONDS
  kill "-$SIGNAL" "$pid"
  local i
  for ((i = 0; i < secs * 10; i++)); do pid_alive "$pid" || break; sleep 0.1; done
  if pid_alive "$pid"; then
    log "node $NODE (pid $pid) still running ${secs}s after SIG$SIGNAL; SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do pid_alive "$pid" || break; sleep 0.1; done
  fi
  log "node $NODE (pid $pid) stopped by SIG$SIGNAL after $((SECONDS - t0))s"
}

do_restart_node() {
  need_node_arg
  local pid
  if pid=$(node_pid "$NODE"); then die 1 "node $NODE is running (pid $pid); kill it first"; fi
  need_java
  local t0=$SECONDS
  node_launch "$NODE"
  wait_ready "${SLPCODER_BROKER_START_TIMEOUT:-120}" "$NODE"
  log "node $NODE back (pid $(node_pid "$NODE")) after $((SECONDS - t0))s"
}

do_leader() {
  ((${#args[@]} == 2)) && [[ "${args[1]}" =~ ^[0-9]+$ ]] || die 2 "leader: give TOPIC PARTITION"
  need_py
  "$SYSPY" - "$(cat "$BOOTF")" "${args[0]}" "${args[1]}" <<'PY'
import sys
from confluent_kafka.admin import AdminClient
boot, topic, part = sys.argv[1], sys.argv[2], int(sys.argv[3])
md = AdminClient({"bootstrap.servers": boot, "log_level": 0}).list_topics(topic=topic, timeout=10)
t = md.topics.get(topic)
if t is None or t.error is not None or part not in t.partitions:
    print(f"kafka-broker: no partition {topic}/{part}: {t.error if t else 'no topic'}", file=sys.stderr)
    sys.exit(1)
print(t.partitions[part].leader)
PY
}

do_wait_isr() {
  need_py
  [[ "$WAIT_TIMEOUT" =~ ^[0-9]+$ ]] || die 2 "--timeout: seconds"
  "$SYSPY" - "$(cat "$BOOTF")" "$WAIT_TIMEOUT" "${args[@]}" <<'PY'
import sys, time
from confluent_kafka.admin import AdminClient
boot, timeout, topics = sys.argv[1], float(sys.argv[2]), sys.argv[3:]
admin = AdminClient({"bootstrap.servers": boot, "log_level": 0})
t0 = time.time()
while True:
    short = []
    try:
        md = admin.list_topics(timeout=5)
        for name, t in md.topics.items():
            if topics and name not in topics:
                continue
            if t.error is not None:
                short.append(f"{name}: {t.error}")
                continue
            for p in t.partitions.values():
                if p.leader < 0 or set(p.isrs) != set(p.replicas):
                    short.append(f"{name}/{p.id} leader={p.leader} replicas={p.replicas} isr={p.isrs}")
        missing = [n for n in topics if n not in md.topics]
        short += [f"{n}: no such topic" for n in missing]
    except Exception as e:  # a metadata timeout while a node restarts: ask again
        short.append(str(e))
    if not short:
        print(f"kafka-broker: every partition in sync after {time.time() - t0:.1f}s", file=sys.stderr)
        sys.exit(0)
    if time.time() - t0 > timeout:
        print(f"kafka-broker: {len(short)} partition(s) not in sync after {timeout:.0f}s, e.g. {short[:3]}",
              file=sys.stderr)
        sys.exit(1)
    time.sleep(0.3)
PY
}
