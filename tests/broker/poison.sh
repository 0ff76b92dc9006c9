#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# poison.sh -- real Apache Kafka broker, issue 8 §1: nothing stops a partition, in both
# delivery modes. (1) The five poison inputs of tests/daemon/poison_io.py (600 KB event_id,
# dead letter just under / just over message.max.bytes, a null value, a plain session): every
# one answered, read_committed, and a restart of the same group consumes nothing. (2) A coded
# topic whose max.message.bytes is smaller than any claim: the broker refuses each claim for
# good (a delivery error, not producev's), so each input is dead-lettered with the reason;
# exactly-once this aborts a transaction per refusal and must not loop; a restart consumes
# nothing. (3) A fenced transactional producer (fatal) makes slpcoderd exit 69.
source "$(dirname "$0")/lib.bash"
start_broker

IO=("$PY" "$HERE/../daemon/poison_io.py")
WANT="coded=1 rejected=2 dlq=2 event_invalid=1 undeliverable=1 rejection_no_event_id=2 dlq_identical=1 dlq_null=1 dlq_with_error=2 next_coded=1"
PLAIN=5

topics() { # PREFIX [--coded-max-bytes N]
  local p="$1.$RANDOM$RANDOM"
  shift
  T_IN=$p.sessions T_CODED=$p.coded T_REJ=$p.rejected T_DLQ=$p.dlq
  "${IO[@]}" topics --bootstrap "$BS" --input "$T_IN" --coded "$T_CODED" --rejected "$T_REJ" --dlq "$T_DLQ" "$@" ||
    die "cannot create topics"
}

run() { # NAME DELIVERY: a worker until idle; exit 0
  start_worker "$1" -X delivery="$2" -X transactional.id="$T_IN.tx" -X kafka.group.id="$T_IN.g" \
    -X exit.when.idle.ms=3000 -X batch.ms=200
  wait_exit "$WPID" 180
  [[ $RC == 0 ]] || die "$1: exited $RC"
}

restart_finds_nothing() { # NAME DELIVERY
  run "$1-again" "$2"
  exited_ok "$1-again" "c['consumed'] == 0" # the restart redoes no work
}

for delivery in at-least-once exactly-once; do
  topics "poison-$delivery"
  "${IO[@]}" produce --bootstrap "$BS" --input "$T_IN" >/dev/null || die "producing the inputs"
  run "p-$delivery" "$delivery"
  got=$("${IO[@]}" summary --bootstrap "$BS" --coded "$T_CODED" --rejected "$T_REJ" --dlq "$T_DLQ" --read-committed)
  [[ $got == "$WANT "* ]] || die "$delivery: outputs $got, want $WANT"
  restart_finds_nothing "p-$delivery" "$delivery"
  echo "ok poison inputs, $delivery: $got"

  topics "refused-$delivery" --coded-max-bytes 100
  "${IO[@]}" produce --bootstrap "$BS" --input "$T_IN" --plain "$PLAIN" >/dev/null || die "producing the inputs"
  run "r-$delivery" "$delivery"
  got=$("${IO[@]}" summary --bootstrap "$BS" --coded "$T_CODED" --rejected "$T_REJ" --dlq "$T_DLQ" --read-committed)
  [[ $got == "coded=0 rejected=0 dlq=$PLAIN "* && $got == *" dlq_plain_refused=$PLAIN "* ]] ||
    die "$delivery, claims refused by the broker: outputs $got, want $PLAIN dead letters"
  exited_ok "r-$delivery" "c['refused'] >= 1" # the broker's refusals reached the worker
  stopped=$(stats_line "r-$delivery")
  restart_finds_nothing "r-$delivery" "$delivery"
  echo "ok broker refuses every claim, $delivery: $got | $stopped"
done
# A fatal client error: a second instance with the same transactional.id fences the first,
# whose next transaction fails fatally; it must exit 69 (EX_UNAVAILABLE), not 0.
topics fence
"${IO[@]}" produce --bootstrap "$BS" --input "$T_IN" --plain 3 >/dev/null || die "producing the inputs"
start_worker fenced -X delivery=exactly-once -X transactional.id="$T_IN.tx" -X kafka.group.id="$T_IN.a"
FENCED=$WPID
wait_assigned fenced 60
start_worker fencer -X delivery=exactly-once -X transactional.id="$T_IN.tx" -X kafka.group.id="$T_IN.b" \
  -X exit.when.idle.ms=3000
FENCER=$WPID
wait_assigned fencer 60
"${IO[@]}" produce --bootstrap "$BS" --input "$T_IN" --plain 3 >/dev/null || die "producing the inputs"
wait_exit "$FENCED" 120
((RC == 69)) || die "the fenced instance exited $RC, want 69 (EX_UNAVAILABLE)"
wait_stats fenced 0 "s['final'] and x['code'] == 69 and w['fatal']"
wait_exit "$FENCER" 120
[[ $RC == 0 ]] || die "the fencing instance exited $RC"
echo "ok fenced producer: exit 69"
echo "PASS poison (real broker, both modes)"
