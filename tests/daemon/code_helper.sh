#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# code_helper.sh -- mock tier: with code.helper=true, batches are coded on the loop thread and a
# helper thread (src/io/coder.c); every input still gets exactly its output (check_outputs.py
# compares each with the manifest), in both delivery modes, over a backlog big enough for
# full batches and with max.in.flight and batch.messages not multiples of the batch.
source "$(dirname "$0")/lib.bash"

start_host
gen 8000 21 --garbage 0.03 --defects 0.3
start_worker alo -X code.helper=true -X max.in.flight=1700 -X exit.when.idle.ms=2500 -X summary=true
wait_exit "$WPID" 120
[[ $RC == 0 ]] || die "alo exited $RC"
exited_ok alo "c['consumed'] == 8000 and c['delivered'] == 8000"
# summary=true's figures (stdout): how the work was split is only there.
batches=$(sed -n 's/.* coder_batches=\([0-9]*\).*/\1/p' "$WORK/alo.out")
((batches > 0)) || die "alo coded no batch on the helper (coder_batches=$batches)"
check --expect 8000 --timeout 60

T_CODED=eos.coded T_REJ=eos.rejected T_DLQ=eos.dlq
start_worker eos -X code.helper=true -X delivery=exactly-once -X batch.messages=1300 \
  -X kafka.group.id=eos -X exit.when.idle.ms=2500 -X summary=true
wait_exit "$WPID" 120
[[ $RC == 0 ]] || die "eos exited $RC"
exited_ok eos "c['consumed'] == 8000 and c['txn_commits'] >= 1 and c['txn_aborts'] == 0"
check --expect 8000 --timeout 60 --exactly-once # no abort here: no duplicate either
echo "PASS code_helper (helper batches: $batches at-least-once)"
