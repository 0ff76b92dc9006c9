#!/usr/bin/env bash
# failover_alo.sh -- 3-broker KRaft cluster (replication 3, min.insync.replicas 2), at-least-once:
# while a stream is produced and coded, SIGKILL the leader of an input partition, restart it,
# then SIGKILL the leader of an output partition and restart it. The worker keeps running;
# every input must have its output (nothing lost), every duplicate byte-identical.
source "$(dirname "$0")/lib.bash"
start_cluster
failover_case alo 302 -X kafka.auto.commit.interval.ms=1000
check --expect "$COUNT" --timeout 180 --idle 3 >"$WORK/check.out" || { cat "$WORK/check.out"; die "check failed"; }
cat "$WORK/check.out"
stop_worker alo "$W"
grep -o 'msg="stopped .*' "$WORK/alo.err" | tail -n 1 || true
echo "PASS failover_alo: kills=$(wc -l <"$WORK/kills") $(sed -n 's/^check: //p' "$WORK/check.out")"
