#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# rolling_restart.sh -- 3-broker KRaft cluster: a rolling restart of all three nodes (SIGTERM,
# i.e. controlled shutdown, restart, wait until every partition is back in sync, next node)
# while two workers run on two topic sets, one exactly-once and one at-least-once, each fed by
# a stream. Each worker must go on while a node is down. Exactly-once: a read_committed
# consumer sees exactly one result per input; at-least-once: nothing lost, duplicates identical.
# Every input the generator acknowledged is on the input topic.
source "$(dirname "$0")/lib.bash"
start_cluster

fresh_topics rre
declare -A E=([in]=$T_IN [coded]=$T_CODED [rej]=$T_REJ [dlq]=$T_DLQ)
cworker rre -X kafka.group.id="$T_IN.g" -X delivery=exactly-once -X transactional.id="$T_IN.tx" \
  -X batch.messages=1000 -X batch.ms=200
fresh_topics rra
cworker rra -X kafka.group.id="$T_IN.g" -X kafka.auto.commit.interval.ms=1000
wait_assigned rre 60
wait_assigned rra 60
stream_start rre "${E[in]}" 401 300
stream_start rra "$T_IN" 402 300
wait_progress 60 rre rra

for node in 1 2 3; do
  before="rre:consumed=$(stat_of rre consumed) rra:consumed=$(stat_of rra consumed)"
  t0=$SECONDS
  kb kill --node "$node" --signal TERM || die "stopping node $node failed"
  down=$((SECONDS - t0))
  wait_progress 90 rre rra
  kb restart --node "$node" || die "node $node did not come back"
  kb wait-isr --timeout 120 || die "partitions not in sync after node $node came back"
  echo "SIGTERM node $node at $before: down after ${down}s, back in sync after $((SECONDS - t0))s" | tee -a "$WORK/kills"
done
wait_progress 60 rre rra
stream_stop rra 402 "$WORK/manifest.rra"
NA=$COUNT
stream_stop rre 401 "$WORK/manifest.rre"
NE=$COUNT
check_set rra "$NA" "at-least-once" --idle 3
T_IN=${E[in]} T_CODED=${E[coded]} T_REJ=${E[rej]} T_DLQ=${E[dlq]}
check_set rre "$NE" "exactly-once, read_committed" --exactly-once --read-committed --idle 3
revive rre rra
stop_worker rre "$(wpid rre)"
stop_worker rra "$(wpid rra)"
echo "PASS rolling_restart: restarts=$(wc -l <"$WORK/kills"); worker restarts after a fatal librdkafka error=$(cat "$WORK/revived" 2>/dev/null | wc -l); exactly-once $(sed -n 's/^check: //p' "$WORK/check.rre.out"); at-least-once $(sed -n 's/^check: //p' "$WORK/check.rra.out")"
