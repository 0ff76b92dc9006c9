# SPDX-License-Identifier: Apache-2.0
# lib.bash -- real-broker tier helpers: the daemon helpers plus scripts/kafka-broker (sourced).
source "$(dirname "${BASH_SOURCE[0]}")/../daemon/lib.bash"
SRC=${SLPCODER_SOURCE_DIR:-$(cd "$HERE/../.." && pwd)}
KDIR=${SLPCODER_BROKER_DIR:-/tmp/slpcoder-kafka}
# tools/kafka-broker allows 1 s sessions (group.min.session.timeout.ms): a killed member
# is noticed within 3 s.
# A topic created just before a worker starts may not be in the first metadata it gets (a
# 3-node cluster propagates it to every node first): the group then assigns nothing until the
# next metadata refresh, librdkafka's default 5 minutes; 2 s here.
TEST_KAFKA=(-X kafka.session.timeout.ms=3000 -X kafka.heartbeat.interval.ms=500 -X kafka.fetch.wait.max.ms=50
            -X kafka.topic.metadata.refresh.interval.ms=2000 -X log.level=info)

# Start (or reuse) the broker; skip loudly where Java or Maven is missing. Sets BS.
start_broker() {
  local rc=0 out
  out=$("$SRC/scripts/kafka-broker" start --dir "$KDIR" 2>"$WORK/broker-start.err") || rc=$?
  if ((rc == 77)); then
    echo "SKIP: no Java 17 / Maven for a real Kafka broker ($(tail -n 1 "$WORK/broker-start.err")); broker tier NOT run"
    trap - EXIT
    rm -rf "$WORK"
    exit 77 # ctest reports it as skipped (SKIP_RETURN_CODE)
  fi
  ((rc == 0)) || die "kafka-broker start failed ($rc): $(tail -n 5 "$WORK/broker-start.err")"
  BS=${out#bootstrap.servers=}
}

# fresh_topics PREFIX: a new set of the four topics (6 partitions each) in T_*.
fresh_topics() {
  local p="$1.$RANDOM$RANDOM"
  T_IN=$p.sessions T_CODED=$p.coded T_REJ=$p.rejected T_DLQ=$p.dlq
  "$SRC/scripts/kafka-broker" topics --dir "$KDIR" "$T_IN:6" "$T_CODED:6" "$T_REJ:6" "$T_DLQ:6" >/dev/null 2>>"$WORK/broker-start.err" \
    || die "cannot create topics"
  : >"$WORK/manifest"
}
