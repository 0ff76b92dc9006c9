#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# check_config.sh -- settings that break a guarantee exit 78 with the reason; an unknown
# SLPCODER_* variable is refused; kafka.debug contexts that dump payloads warn; and
# --check-config --connect asks a live cluster for its metadata: 0 when the brokers answer and
# the four topics exist, 69 (EX_UNAVAILABLE) when no broker answers or a topic is missing.
source "$(dirname "$0")/lib.bash"
D="$BIN/slpcoderd"
expect() { expect_exit "$@"; }

expect 78 'kafka.enable.idempotence: must stay true' --embedded-kafka -X kafka.enable.idempotence=false
expect 78 'kafka.acks: must be all' --embedded-kafka -X kafka.acks=1
expect 78 'kafka.isolation.level: must be read_committed' --embedded-kafka -X delivery=exactly-once \
  -X kafka.isolation.level=read_uncommitted
expect 78 'kafka.group.id: must not be empty' --embedded-kafka -X kafka.group.id=
expect 78 'topic.dlq: a topic name is letters' --embedded-kafka -X 'topic.dlq=dead letters'
expect 78 'max.in.flight: bad value' --embedded-kafka -X 'max.in.flight= 5'
rc=0
SLPCODER_DELIVERY_MODE=exactly-once "$D" --check-config --embedded-kafka >/dev/null 2>"$WORK/e.err" || rc=$?
[[ $rc == 78 ]] || die "unknown SLPCODER_DELIVERY_MODE: exit $rc"
grep -q 'env SLPCODER_DELIVERY_MODE: unknown setting' "$WORK/e.err" || die "env error: $(cat "$WORK/e.err")"

expect 0 'payloads may carry patient data' --check-config --embedded-kafka -X kafka.debug=broker,msg
"$D" --check-config --embedded-kafka -X kafka.debug=broker >/dev/null 2>"$WORK/d.err"
! grep -q 'patient data' "$WORK/d.err" || die "kafka.debug=broker warned: $(cat "$WORK/d.err")"

# --connect against the mock cluster in a process of its own (it creates the four topics).
start_host
expect 0 '' --check-config --connect=10000 -X kafka.bootstrap.servers="$BS"
grep -q '^configuration ok' "$WORK/c.out" || die "--connect ok printed: $(cat "$WORK/c.out")"
expect 69 'topic.rejected: topic "no.such.topic" does not exist' --check-config --connect=10000 \
  -X kafka.bootstrap.servers="$BS" -X topic.rejected=no.such.topic
# Port 9 (discard) on loopback: nothing listens; the timeout bounds the wait.
t0=$SECONDS
expect 69 'kafka.bootstrap.servers: no broker answered' --check-config --connect=2000 \
  -X kafka.bootstrap.servers=127.0.0.1:9
((SECONDS - t0 < 30)) || die "--connect=2000 took $((SECONDS - t0)) s"
expect 64 'only with --check-config' --connect -X kafka.bootstrap.servers="$BS"
echo "check_config: ok"
