#!/usr/bin/env bash
# failover_eos.sh -- 3-broker KRaft cluster (replication 3, min.insync.replicas 2), exactly-once:
# while a stream is produced and coded, SIGKILL the leader of an input partition, restart it,
# then SIGKILL the leader of an output partition and restart it. The worker keeps running; a
# read_committed consumer must see exactly one result per input, and what the aborted
# transactions left (read_uncommitted) must be byte-identical duplicates, nothing else.
source "$(dirname "$0")/lib.bash"
start_cluster
failover_case eos 301 -X delivery=exactly-once -X transactional.id="eos.$RANDOM.tx" -X batch.messages=1000 -X batch.ms=200
check --expect "$COUNT" --timeout 180 --exactly-once --read-committed --idle 3 >"$WORK/check.out" || { cat "$WORK/check.out"; die "read_committed check failed"; }
cat "$WORK/check.out"
check --expect "$COUNT" --timeout 120 --idle 2 >"$WORK/check-all.out" || { cat "$WORK/check-all.out"; die "read_uncommitted check failed"; }
sed 's/^check:/check (read_uncommitted, aborted data included):/' "$WORK/check-all.out"
stop_worker eos "$W"
grep -o 'msg="stopped .*' "$WORK/eos.err" | tail -n 1 || true
echo "PASS failover_eos: kills=$(wc -l <"$WORK/kills") $(sed -n 's/^check: //p' "$WORK/check.out")"
