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
wait_for "$WORK/a.err" 'assigned' 20
wait_for "$WORK/b.err" 'assigned' 20
# A steady stream while they share and while one leaves.
gen 12000 22 --garbage 0.02 --rate 3000 &
GEN=$!
sleep 2
kill -TERM "$WA"
wait_exit "$WA" 30
[[ $RC == 0 ]] || die "worker a exited $RC"
wait "$GEN" || die "generator failed"
check --expect 14000 --timeout 90
ca=$(sed -n 's/.*msg="stopped consumed=\([0-9]*\).*/\1/p' "$WORK/a.err")
kill -TERM "$WB"
wait_exit "$WB" 30
[[ $RC == 0 ]] || die "worker b exited $RC"
cb=$(sed -n 's/.*msg="stopped consumed=\([0-9]*\).*/\1/p' "$WORK/b.err")
((ca > 0 && cb > 0)) || die "the partitions were not split (a=$ca b=$cb)"
nb=$(count_in "$WORK/b.err" 'assigned ')
((nb >= 2)) || die "b was never handed a's partitions"
echo "PASS two_instances (a consumed $ca, b consumed $cb)"
