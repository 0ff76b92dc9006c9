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

EOS=(-X delivery=exactly-once -X kafka.group.id="$T_IN.g" -X batch.messages=1000 -X batch.ms=200)
gen 24000 71 --garbage 0.02 --rate 2000 &
GEN=$!
start_worker a "${EOS[@]}" -X transactional.id="$T_IN.tx.a"
WA=$WPID
start_worker b "${EOS[@]}" -X transactional.id="$T_IN.tx.b"
WB=$WPID
wait_assigned a 60
wait_assigned b 60
# a leaves mid-stream, once each of the two has committed a transaction.
wait_stats a 60 "c['txn_commits'] >= 1"
wait_stats b 60 "c['txn_commits'] >= 1"
stop_worker a "$WA" 60
# b must be handed a's partitions (all six, a second assignment) before the third joins,
# and commit with them.
wait_stats b 20 "w['assigned'] == 6 and w['rebalances']['assign'] >= 2"
b0=$(sget b counters.txn_commits)
wait_stats b 60 "c['txn_commits'] > $b0"
start_worker c "${EOS[@]}" -X transactional.id="$T_IN.tx.c"
WC=$WPID
wait_assigned c 60
# The second rebalance: b gave c a share (and finished draining it).
wait_stats b 60 "w['rebalances']['revoke'] >= 1 and w['assigned'] < 6 and w['revoking'] == 0"
wait "$GEN" || die "generator failed"
check --expect 24000 --timeout 150 --exactly-once --read-committed --idle 3
for n in b c; do
  v=W${n^^}
  stop_worker "$n" "${!v}" 60 "c['txn_commits'] >= 1"
done
stat() { echo "consumed=$(sget "$1" counters.consumed) txn_commits=$(sget "$1" counters.txn_commits)"; }
echo "PASS eos_handover (a: $(stat a); b: $(stat b); c: $(stat c))"
