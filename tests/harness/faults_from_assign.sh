#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# faults_from_assign.sh -- the fault plan end to end in slpcoderd --embedded-kafka: absolute
# entries fire from the cluster's start, '+' entries from the worker's first assignment (one
# planned far past the run never fires), and the stream still comes out whole; a bad plan, or
# '+' entries with no worker in the process, is refused at start (exit 78) with the entry and
# the field named. Asserts on the summary lines and exit codes, not on log text.
set -euo pipefail
: "${SLPCODER_BIN:?}"
D="$SLPCODER_BIN/slpcoderd"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
die() {
  echo "FAIL: $*"
  exit 1
}

expect78() {
  local want=$1 rc=0
  shift
  "$D" --check-config -X http.listen= "$@" >/dev/null 2>"$WORK/e.err" || rc=$?
  ((rc == 78)) || die "$* exited $rc, expected 78: $(cat "$WORK/e.err")"
  grep -qF -- "$want" "$WORK/e.err" || die "$*: expected \"$want\", got: $(cat "$WORK/e.err")"
}
expect78 'slpcoderd: embedded.faults: entry 2 "+100:fetch:x:6": count "x" is not a number' \
  --embedded-kafka -X 'embedded.faults=0:up:1;+100:fetch:x:6'
expect78 'embedded.faults: entry 1 "5:down:4": broker 4 is out of range (1..3, embedded.brokers)' \
  --embedded-kafka -X 'embedded.faults=5:down:4'
expect78 'embedded.faults: +AT_MS counts from the first assignment' \
  --embedded-kafka-only -X 'embedded.faults=+5:down:1'
"$D" --check-config -X http.listen= --embedded-kafka -X 'embedded.faults=+5:down:1;7:up:1' \
  >/dev/null 2>"$WORK/ok.err" || die "a good plan refused: $(cat "$WORK/ok.err")"

N=2000
PLAN='0:produce:2:7;+0:fetch:3:NOT_LEADER_FOR_PARTITION;+100:commit:2:15;+200:leader:0:2;+600000:down:1'
rc=0
timeout 120 "$D" --embedded-kafka -X http.listen= -X embedded.generate=$N -X exit.when.idle.ms=1500 \
  -X summary=true -X kafka.session.timeout.ms=6000 -X kafka.heartbeat.interval.ms=500 \
  -X embedded.faults="$PLAN" >"$WORK/run.out" 2>"$WORK/run.err" || rc=$?
((rc == 0)) || die "slpcoderd exited $rc: $(tail -5 "$WORK/run.err")"
grep -qx 'summary: faults planned=5 fired=4 from_assign=4' "$WORK/run.out" ||
  die "faults: $(grep '^summary: faults' "$WORK/run.out" || echo 'no summary line')"
consumed=$(sed -n 's/^summary: consumed=\([0-9]*\) .*/\1/p' "$WORK/run.out")
delivered=$(sed -n 's/^summary: consumed=.* delivered=\([0-9]*\) .*/\1/p' "$WORK/run.out")
((consumed == N && delivered == N)) || die "consumed=$consumed delivered=$delivered of $N"
grep -q '^summary: embedded generated=2000 .* mock_dropped_inputs=0 ' "$WORK/run.out" ||
  die "mock summary: $(grep '^summary: embedded' "$WORK/run.out")"
echo "PASS faults_from_assign (4 of 5 planned faults fired, the one planned past the run did not; $N of $N inputs delivered)"
