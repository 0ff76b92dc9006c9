#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# two_instances.sh -- mock tier: two workers split the partitions (cooperative-sticky); one
# leaves on SIGTERM mid-stream and hands its partitions over after draining; nothing is lost.
source "$(dirname "$0")/lib.bash"

start_host
gen 2000 21 --garbage 0.02
start_worker a
WA=$WPID
start_worker b
WB=$WPID
wait_assigned a 20
wait_assigned b 20
# A steady stream while they share and while one leaves.
gen 12000 22 --garbage 0.02 --rate 3000 &
GEN=$!
# a leaves mid-stream: once the two have coded the 2000 from before and 5000 of the 12000.
wait_consumed 30 7000 a b
stop_worker a "$WA" 30
wait "$GEN" || die "generator failed"
check --expect 14000 --timeout 90
# b was handed a's partitions: it holds all six, through a second assignment.
wait_stats b 30 "w['assigned'] == 6 and w['rebalances']['assign'] >= 2"
stop_worker b "$WB" 30
ca=$(sget a counters.consumed) cb=$(sget b counters.consumed)
((ca > 0 && cb > 0)) || die "the partitions were not split (a=$ca b=$cb)"
echo "PASS two_instances (a consumed $ca, b consumed $cb)"
