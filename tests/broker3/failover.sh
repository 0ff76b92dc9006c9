#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# failover.sh -- 3-broker KRaft cluster (replication 3, min.insync.replicas 2): two workers, one
# exactly-once and one at-least-once, each on its own topics and fed by its own stream. Mid-
# stream, SIGKILL the node leading input partition 0 of the exactly-once worker, wait for a new
# leader and for both workers to go on, restart it; then SIGKILL the node leading an output
# partition of the at-least-once worker (the first coded partition led by another node), and
# restart it. (Every node leads a third of every topic's partitions, so each kill takes input
# and output leaders of both workers.) The workers keep running throughout; one that exits on a
# fatal librdkafka error is restarted as systemd would (revive, in lib.bash).
# Exactly-once: a read_committed consumer sees exactly one result per input, and what aborted
# transactions left (read_uncommitted) is byte-identical duplicates. At-least-once: every input
# has its output, every duplicate byte-identical. Every input the generator acknowledged is on
# the input topic.
source "$(dirname "$0")/lib.bash"
start_cluster

fresh_topics foe
declare -A E=([in]=$T_IN [coded]=$T_CODED [rej]=$T_REJ [dlq]=$T_DLQ)
cworker foe -X kafka.group.id="$T_IN.g" -X delivery=exactly-once -X transactional.id="$T_IN.tx" \
  -X batch.messages=1000 -X batch.ms=200
fresh_topics foa
cworker foa -X kafka.group.id="$T_IN.g" -X kafka.auto.commit.interval.ms=1000
wait_assigned foe 60
wait_assigned foa 60
stream_start foe "${E[in]}" 301 300
stream_start foa "$T_IN" 302 300
wait_progress 60 foe foa # mid-stream: outputs are being acknowledged

kill_leader "${E[in]}" 0 foe foa
k1=$KILLED
for ((p = 0; p < 6; p++)); do
  l=$(kb leader "$T_CODED" "$p") || l=-1
  [[ $l != "$k1" && $l != -1 ]] && break
done
((p < 6)) || die "every partition of $T_CODED is led by node $k1"
kill_leader "$T_CODED" "$p" foe foa
wait_progress 60 foe foa

stream_stop foa 302 "$WORK/manifest.foa"
NA=$COUNT
stream_stop foe 301 "$WORK/manifest.foe"
NE=$COUNT
check_set foa "$NA" "at-least-once" --idle 3
T_IN=${E[in]} T_CODED=${E[coded]} T_REJ=${E[rej]} T_DLQ=${E[dlq]}
check_set foe "$NE" "exactly-once, read_committed" --exactly-once --read-committed --idle 3
check_set foe "$NE" "exactly-once, read_uncommitted (aborted data included)" --idle 2
revive foe foa
stop_worker foe "$(wpid foe)"
stop_worker foa "$(wpid foa)"
for n in foe foa; do echo "$n: $(stats_line "$n")"; done
echo "PASS failover: kills=$(wc -l <"$WORK/kills"); restarts after a fatal librdkafka error=$(cat "$WORK/revived" 2>/dev/null | wc -l); exactly-once $(sed -n 's/^check: //p' "$WORK/check.foe.out" | head -n 1); at-least-once $(sed -n 's/^check: //p' "$WORK/check.foa.out")"
