#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# kill_restart.sh -- real Apache Kafka broker: the end-to-end path, then exactly-once and
# at-least-once each with the worker SIGKILLed several times mid-stream and restarted.
# Exactly-once: a read_committed consumer sees exactly one result per input event.
# At-least-once: nothing lost, every duplicate byte-identical to its original.
source "$(dirname "$0")/lib.bash"
start_broker

# 1. The end-to-end path (at-least-once), keys, headers, DLQ bytes.
fresh_topics e2e
gen 4000 51 --defects 0.3 --garbage 0.03 --framed 0.2
start_worker e2e -X kafka.group.id="$T_IN.g" -X exit.when.idle.ms=3000
W=$WPID
check --expect 4000 --timeout 90
wait_exit "$W" 60
[[ $RC == 0 ]] || die "e2e worker exited $RC"
exited_ok e2e "x['reason'] == 'idle' and c['consumed'] == 4000"

# kill_cycles NAME KILLS [worker args...]: SIGKILL the worker KILLS times at random points
# while a stream is being produced, then let a last instance finish.
kill_cycles() {
  local name=$1 kills=$2 i
  shift 2
  gen 30000 "$((60 + kills))" --garbage 0.02 --rate 2000 &
  local gpid=$!
  for ((i = 1; i <= kills; i++)); do
    start_worker "$name$i" "$@"
    wait_assigned "$name$i" 60
    # at a random point once it is working: 0.1 to 0.9 s after its first output was acknowledged
    wait_stats "$name$i" 60 "c['delivered'] >= 1"
    sleep "0.$((RANDOM % 9 + 1))"
    kill -9 "$WPID"
    wait_exit "$WPID" 10
    echo "killed $name$i (SIGKILL) at: $(stats_line "$name$i")"
  done
  wait "$gpid" || die "generator failed"
  start_worker "${name}last" -X exit.when.idle.ms=5000 "$@"
  W=$WPID
}

# Every input the generator acknowledged must be on the topic (it fails unless all were; it
# runs one request in flight, see src/cli/gen_kafka.c for the loss that avoids), and every
# input must have its outputs.
check_all_inputs() {
  check --expect 30000 --timeout 180 "$@" || die "check failed"
}

# 2. Exactly-once: one stable transactional.id, killed 3 times.
fresh_topics eos
kill_cycles eos 3 -X delivery=exactly-once -X transactional.id="$T_IN.tx" -X kafka.group.id="$T_IN.g" \
  -X batch.messages=1000 -X batch.ms=200
check_all_inputs --exactly-once --read-committed --idle 3
wait_exit "$W" 120
[[ $RC == 0 ]] || die "last exactly-once worker exited $RC"
exited_ok eoslast "x['reason'] == 'idle' and c['txn_commits'] >= 1"
echo "eoslast: $(stats_line eoslast)"

# 3. At-least-once, the same kills.
fresh_topics alo
kill_cycles alo 3 -X kafka.group.id="$T_IN.g" -X kafka.auto.commit.interval.ms=1000
check_all_inputs --idle 3
wait_exit "$W" 120
[[ $RC == 0 ]] || die "last at-least-once worker exited $RC"
exited_ok alolast "x['reason'] == 'idle'"
echo "PASS kill_restart"
