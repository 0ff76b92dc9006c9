#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# rejoin.sh -- mock tier: a partition that comes back. Worker a has all partitions; b joins (a
# pauses and revokes half), b leaves on SIGTERM (a is assigned them again); the inputs produced
# after that must all be coded. librdkafka keeps a partition paused across unassign and assign
# (librdkafka #1849): a worker that paused it on revoke must resume it when it comes back, or
# those partitions stop for good. Both delivery modes.
source "$(dirname "$0")/lib.bash"

start_host
seed=31 total=0
for delivery in at-least-once exactly-once; do
  start_worker "a-$delivery" -X delivery="$delivery" -X kafka.group.id="g-$delivery" -X transactional.id="tx-a-$delivery" \
    -X batch.ms=100
  WA=$WPID
  wait_assigned "a-$delivery" 20 6
  seed=$((seed + 1)); gen 1000 "$seed" --garbage 0.02; total=$((total + 1000))
  start_worker "b-$delivery" -X delivery="$delivery" -X kafka.group.id="g-$delivery" -X transactional.id="tx-b-$delivery"
  WB=$WPID
  wait_assigned "b-$delivery" 30
  wait_stats "a-$delivery" 30 "w['rebalances']['revoke'] >= 1 and w['assigned'] < 6 and w['revoking'] == 0"
  stop_worker "b-$delivery" "$WB" 30
  # a is handed b's partitions back: all six again, through a second assignment.
  wait_stats "a-$delivery" 30 "w['assigned'] == 6 and w['rebalances']['assign'] >= 2"
  seed=$((seed + 1)); gen 3000 "$seed" --garbage 0.02; total=$((total + 3000))
  # (one input topic for both modes: the second group codes the first mode's inputs too)
  check --expect "$total" --timeout 60 || die "$delivery: inputs on partitions that came back were not coded"
  stop_worker "a-$delivery" "$WA" 30
done
echo "PASS rejoin"
