#!/usr/bin/env bash
# faults.sh -- mock tier: injected Produce, Fetch and OffsetCommit errors, a leader move and
# a broker down and up while a stream flows; nothing is lost, duplicates are identical.
source "$(dirname "$0")/lib.bash"

# Times count from the cluster's start; the worker joins ~3.5 s in, the stream lasts ~6 s.
start_host -X embedded.faults="4000:produce:40:6;4300:produce:10:7;4600:fetch:30:6;5000:commit:10:15;5500:down:2;6000:leader:1:3;8000:up:2;8500:fetch:20:7"
start_worker w1 -X kafka.auto.commit.interval.ms=300 -X stats.interval.ms=1000
W1=$WPID
gen 12000 31 --garbage 0.02 --rate 2000
check --expect 12000 --timeout 120
kill -TERM "$W1"
wait_exit "$W1" 40
[[ $RC == 0 ]] || die "worker exited $RC"
grep -q 'fault injected: broker 2 down' "$WORK/host.err" || die "the fault plan did not run"
echo "PASS faults ($(grep -c 'fault injected' "$WORK/host.err") faults injected)"
