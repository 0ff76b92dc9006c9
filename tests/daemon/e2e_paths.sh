#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# e2e_paths.sh -- mock tier: coded, rejected and dead-lettered paths end to end, with keys and
# headers checked; Schema Registry framed input; a clean SIGTERM exit; --demo's summary.
source "$(dirname "$0")/lib.bash"

start_host
gen 3000 7 --defects 0.3 --garbage 0.03 --framed 0.25
start_worker w1
W1=$WPID
check --expect 3000 --timeout 60
stop_worker w1 "$W1" 30 "c['consumed'] == 3000 and c['delivered'] == 3000"
# Patient data never reaches a log line: no generated key appears in the worker's log.
if cut -f3 "$WORK/manifest" | grep -v '^$' | head -300 | grep -q -F -f - "$WORK/w1.err"; then
  die "a patient id reached the log"
fi
# The exactly-once path over the same inputs (a second group, a transactional producer): the mock
# cannot prove exactly-once (kafka-notes.md), but every input is answered, identically.
start_worker w2 -X delivery=exactly-once -X transactional.id=e2e-tx -X kafka.group.id=e2e-eos \
  -X batch.messages=500 -X exit.when.idle.ms=2000
W2=$WPID
wait_exit "$W2" 60
[[ $RC == 0 ]] || die "exactly-once worker exited $RC"
exited_ok w2 "x['reason'] == 'idle' and c['consumed'] == 3000 and c['txn_commits'] >= 1"
check --expect 3000 --timeout 60
stop_worker host "$HOST_PID" 20

# The quick start: embedded cluster, generate, code, summarise, exit 0.
"$BIN/slpcoderd" --demo -X embedded.generate=2000 -X stats.file="$WORK/demo.stats.json" >"$WORK/demo.out" \
  2>"$WORK/demo.err" || die "--demo failed"
exited_ok demo "c['consumed'] == 2000 and c['delivered'] == 2000 and e['mock_dropped_inputs'] == 0"
# What the demo prints for a person: the summary by rule id and three claims.
grep -q '^summary: consumed=2000 ' "$WORK/demo.out" || die "demo summary: $(grep summary "$WORK/demo.out")"
grep -q 'rejected rule=provider.npi' "$WORK/demo.out" || die "demo lacks rejections by rule id"
[[ $(grep -c '"claim"' "$WORK/demo.out") == 3 ]] || die "demo did not print 3 claims"
# Exactly-once prints claims at their transaction's commit, and only the first three.
"$BIN/slpcoderd" --demo -X embedded.generate=2000 -X delivery=exactly-once -X transactional.id=e2e.demo \
  -X stats.file="$WORK/demo_eos.stats.json" >"$WORK/demo_eos.out" 2>"$WORK/demo_eos.err" || die "--demo (exactly-once) failed"
exited_ok demo_eos "c['delivered'] == 2000 and c['txn_commits'] >= 1"
[[ $(grep -c '"claim"' "$WORK/demo_eos.out") == 3 ]] || die "exactly-once demo did not print 3 claims"
echo "PASS e2e_paths"
