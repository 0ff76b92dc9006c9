#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# poison.sh -- mock tier, issue 8 §1: nothing stops a partition. Five inputs on one partition
# (poison_io.py): a valid session with a 600,000-byte event_id, an undecodable input whose
# dead letter just fits message.max.bytes, one whose dead letter just does not, a null value,
# and a plain session behind them. In both delivery modes the worker answers every one, codes
# the session behind, exits 0 when idle; at-least-once, a restart consumes nothing. (The mock
# does not store offsets sent in a transaction: the exactly-once restart is in
# tests/broker/poison.sh, and so is the exit status 69 after a fatal error: the mock does not
# fence a transactional producer; tests/io/test_worker_poison.c injects one in-process.)
source "$(dirname "$0")/lib.bash"

IO=("$PY" "$HERE/poison_io.py")
WANT="coded=1 rejected=2 dlq=2 event_invalid=1 undeliverable=1 rejection_no_event_id=2 dlq_identical=1 dlq_null=1 dlq_with_error=2 next_coded=1"

for delivery in at-least-once exactly-once; do
  start_host -X embedded.partitions=1
  "${IO[@]}" produce --bootstrap "$BS" --input "$T_IN" >/dev/null || die "producing the inputs"
  start_worker "w-$delivery" -X delivery="$delivery" -X transactional.id="poison-$delivery" \
    -X kafka.group.id="poison-$delivery" -X exit.when.idle.ms=2000
  wait_exit "$WPID" 120
  [[ $RC == 0 ]] || die "$delivery: the worker exited $RC"
  exited_ok "w-$delivery" "(c['consumed'], c['coded'], c['rejected'], c['dead_lettered']) == (5, 1, 1, 3)"
  got=$("${IO[@]}" summary --bootstrap "$BS")
  [[ $got == "$WANT "* ]] || die "$delivery: outputs $got, want $WANT"
  max_header=$(sed 's/.*max_header=\([0-9]*\).*/\1/' <<<"$got")
  ((max_header <= 256)) || die "$delivery: a header value of $max_header bytes"
  if [[ $delivery == at-least-once ]]; then
    start_worker "w-$delivery-again" -X delivery="$delivery" -X kafka.group.id="poison-$delivery" \
      -X exit.when.idle.ms=2000
    wait_exit "$WPID" 60
    [[ $RC == 0 ]] || die "$delivery restart: exited $RC"
    exited_ok "w-$delivery-again" "c['consumed'] == 0" # a restart redoes no work
  else
    exited_ok "w-$delivery" "c['txn_commits'] >= 1"
  fi
  echo "ok $delivery: $got"
  stop_worker host "$HOST_PID" 30
done

echo "PASS poison (both modes: 600 KB event_id, dead letter just under / just over the limit, null value)"
