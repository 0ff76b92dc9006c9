#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# restart.sh -- mock tier: a worker that stops (max.messages) and one killed with SIGKILL
# mid-stream; the next one resumes from the committed offsets and nothing is lost; every
# duplicate is byte-identical to its original.
source "$(dirname "$0")/lib.bash"

start_host
gen 6000 11 --garbage 0.02
start_worker w1 -X max.messages=2500 -X kafka.auto.commit.interval.ms=200
W1=$WPID
wait_exit "$W1" 60
[[ $RC == 0 ]] || die "w1 exited $RC"
exited_ok w1 "x['reason'] == 'max.messages reached' and c['consumed'] >= 2500"

start_worker w2 -X kafka.auto.commit.interval.ms=200 -X max.in.flight=500
W2=$WPID
wait_assigned w2 20
gen 4000 12 --garbage 0.02 --rate 2000 & # a stream, so the kill lands mid-way
GEN=$!
# The kill lands mid-way: after w2 has delivered some of the stream, long before its end.
wait_stats w2 20 "c.get('delivered', 0) >= 500"
kill -9 "$W2"
wait_exit "$W2" 10
echo "killed w2 at: $(stats_line w2)"
wait "$GEN" || die "generator failed"

start_worker w3 -X kafka.auto.commit.interval.ms=200
W3=$WPID
check --expect 10000 --timeout 90
stop_worker w3 "$W3" 30
# w3 must not have started from the beginning: w1's committed work is not redone.
consumed3=$(sget w3 counters.consumed)
((consumed3 > 0 && consumed3 < 10000)) || die "w3 consumed $consumed3: expected the rest after the kill, not all"
echo "PASS restart (w3 consumed $consumed3 of 10000)"
