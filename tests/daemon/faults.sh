#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# faults.sh -- mock tier: injected Fetch and OffsetCommit errors, delivery timeouts, a leader move and
# a broker down and up while a stream flows, with a small in-flight bound so back-pressure
# holds and pauses the input; nothing is lost, duplicates are identical.
source "$(dirname "$0")/lib.bash"

# Times count from the cluster's start; the worker joins ~3.5 s in, the stream lasts ~6 s.
# Broker 2 is down for 3.5 s while the worker's message.timeout.ms is 1.5 s: its outputs to
# partitions led there fail delivery, and the worker must produce them again before it
# stores their inputs' offsets.
# Produce errors are in produce_errors.sh: librdkafka 2.0.2's mock acknowledges some of an
# idempotent producer's batches without storing them when Produce errors are injected with
# several requests in flight (tools/mock-repro shows it with no slpcoder code), so that test
# runs its producers with one request in flight.
FAULTS=${FAULTS:-"4200:down:2;4500:commit:10:15;5000:leader:1:3;7500:up:2;8000:fetch:30:6;8500:fetch:20:7;9000:commit:5:16"}
start_host -X embedded.faults="$FAULTS"
start_worker w1 -X kafka.auto.commit.interval.ms=300 -X max.in.flight=500 \
  -X kafka.message.timeout.ms=1500
W1=$WPID
gen 12000 31 --garbage 0.02 --rate 2000
check --expect 12000 --timeout 120
stop_worker w1 "$W1" 40
n_faults=$(awk -F';' '{ print NF }' <<<"$FAULTS")
wait_stats host 10 "e.get('faults_fired') == $n_faults" # the plan ran to its end
echo "PASS faults ($n_faults faults injected, $(sget w1 counters.retried) outputs produced again after failed deliveries)"
