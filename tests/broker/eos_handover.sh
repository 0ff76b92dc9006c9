#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# eos_handover.sh -- real Apache Kafka broker: exactly-once with two instances (distinct
# transactional.ids) in one group while a stream is produced; one leaves on SIGTERM mid-stream
# and its partitions move to the other (cooperative hand-over: the revoking side commits its
# open transaction first), then a third instance joins and takes a share (a second rebalance).
# A read_committed consumer must see exactly one result per input event.
source "$(dirname "$0")/lib.bash"
start_broker
fresh_topics eosho

EOS=(-X delivery=exactly-once -X kafka.group.id="$T_IN.g" -X batch.messages=1000 -X batch.ms=200
     -X stats.interval.ms=500)
gen 24000 71 --garbage 0.02 --rate 2000 &
GEN=$!
start_worker a "${EOS[@]}" -X transactional.id="$T_IN.tx.a"
WA=$WPID
start_worker b "${EOS[@]}" -X transactional.id="$T_IN.tx.b"
WB=$WPID
wait_for "$WORK/a.err" 'assigned' 60
wait_for "$WORK/b.err" 'assigned' 60
sleep 3
kill -TERM "$WA"
wait_exit "$WA" 60
[[ $RC == 0 ]] || die "instance a exited $RC after SIGTERM"
# b must be handed a's partitions (a second "assigned" line) before the third joins.
for ((i = 0; i < 200; i++)); do (($(count_in "$WORK/b.err" 'assigned ') >= 2)) && break; sleep 0.1; done
(($(count_in "$WORK/b.err" 'assigned ') >= 2)) || die "b was never handed a's partitions"
sleep 2
start_worker c "${EOS[@]}" -X transactional.id="$T_IN.tx.c"
WC=$WPID
wait_for "$WORK/c.err" 'assigned' 60
wait "$GEN" || die "generator failed"
check --expect 24000 --timeout 150 --exactly-once --read-committed --idle 3
for n in b c; do
  v=W${n^^}
  kill -TERM "${!v}"
  wait_exit "${!v}" 60
  [[ $RC == 0 ]] || die "instance $n exited $RC"
done
stat() { sed -n "s/.*msg=\"stopped consumed=\([0-9]*\).*txn_commits=\([0-9]*\).*/consumed=\1 txn_commits=\2/p" "$WORK/$1.err" | tail -n 1; }
grep -q 'revoked .* partitions after drain' "$WORK/b.err" || die "b gave nothing to c (no second rebalance)"
echo "PASS eos_handover (a: $(stat a); b: $(stat b); c: $(stat c))"
