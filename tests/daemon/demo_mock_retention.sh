#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# demo_mock_retention.sh -- the embedded mock keeps about 5 MiB per partition and deletes the
# oldest records beyond that (src/harness/mock.h). With one partition that is ~19,000 generated
# sessions: --demo with more must size its partitions and code every one, and, with the sizing
# turned off, must report the inputs the mock dropped and exit non-zero instead of a quiet success.
source "$(dirname "$0")/lib.bash"

N=30000 # above one partition's old limit
demo() { # NAME [args...]: run --demo, RC its exit status, its stats in $WORK/NAME.stats.json
  local name=$1
  shift
  RC=0
  "$BIN/slpcoderd" --demo -X http.listen= -X embedded.generate=$N -X embedded.partitions=1 \
    -X print.claims=0 -X stats.file="$WORK/$name.stats.json" "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" || RC=$?
}

# 1. Sized: every generated session consumed and delivered, nothing dropped, exit 0.
demo sized
[[ $RC == 0 ]] || die "sized demo exited $RC"
exited_ok sized "c['consumed'] == $N and c['delivered'] == $N and e['mock_dropped_inputs'] == 0"
parts=$(sget sized embedded.partitions)
((parts > 1)) || die "sized: partitions=$parts, expected the sizing to raise embedded.partitions=1"

# 2. Forced truncation: reported in the stats (and the summary and the log), exit 70 (EX_SOFTWARE).
demo forced -X embedded.autosize=false
[[ $RC == 70 ]] || die "truncated demo exited $RC, expected 70"
wait_stats forced 0 "s['final'] and x['code'] == 70 and e['partitions'] == 1 and e['mock_dropped_inputs'] > 0"
dropped=$(sget forced embedded.mock_dropped_inputs)
consumed=$(sget forced counters.consumed)
# Every input is consumed or counted as dropped (both, when the worker read it before the mock
# deleted it; in practice the generator finishes before the first assignment and the sum is N).
((consumed < N && consumed + dropped >= N)) || die "forced: consumed=$consumed dropped=$dropped of $N"
# The demo's own printout says it too (its summary is what a person running it reads).
grep -q "^summary: .* mock_dropped_inputs=$dropped " "$WORK/forced.out" || die "the summary lacks the loss: $(grep summary: "$WORK/forced.out")"
echo "ok: sized to $parts partitions, $N of $N; forced: $dropped dropped, $consumed consumed, exit 70"
