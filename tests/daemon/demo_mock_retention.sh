#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# demo_mock_retention.sh -- the embedded mock keeps about 5 MiB per partition and deletes the
# oldest records beyond that (io/embedded.h). With one partition that is ~19,000 generated
# sessions: --demo with more must size its partitions and code every one, and, with the sizing
# turned off, must report the inputs the mock dropped and exit non-zero instead of a quiet success.
source "$(dirname "$0")/lib.bash"

N=30000 # above one partition's old limit
demo() { # NAME [args...]: run --demo, RC its exit status
  local name=$1
  shift
  RC=0
  "$BIN/slpcoderd" --demo -X http.listen= -X embedded.generate=$N -X embedded.partitions=1 \
    -X print.claims=0 "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" || RC=$?
}
field() { # FILE KEY: the value of KEY= on the summary lines
  sed -n "s/^summary:.* $2=\([0-9]*\).*/\1/p" "$1" | head -n 1
}

# 1. Sized: every generated session consumed and delivered, nothing dropped, exit 0.
demo sized
[[ $RC == 0 ]] || die "sized demo exited $RC"
[[ $(field "$WORK/sized.out" consumed) == "$N" ]] || die "sized: $(grep summary: "$WORK/sized.out")"
[[ $(field "$WORK/sized.out" delivered) == "$N" ]] || die "sized: $(grep summary: "$WORK/sized.out")"
[[ $(field "$WORK/sized.out" mock_dropped_inputs) == 0 ]] || die "sized: $(grep summary: "$WORK/sized.out")"
parts=$(field "$WORK/sized.out" partitions)
((parts > 1)) || die "sized: partitions=$parts, expected the sizing to raise embedded.partitions=1"
grep -q "partitions per topic instead of embedded.partitions=1" "$WORK/sized.err" || die "sizing not logged"

# 2. Forced truncation: reported in the summary and the log, exit 70 (EX_SOFTWARE).
demo forced -X embedded.autosize=false
[[ $RC == 70 ]] || die "truncated demo exited $RC, expected 70"
dropped=$(field "$WORK/forced.out" mock_dropped_inputs)
consumed=$(field "$WORK/forced.out" consumed)
((dropped > 0)) || die "forced: $(grep summary: "$WORK/forced.out")"
# Every input is consumed or counted as dropped (both, when the worker read it before the mock
# deleted it; in practice the generator finishes before the first assignment and the sum is N).
((consumed < N && consumed + dropped >= N)) || die "forced: consumed=$consumed dropped=$dropped of $N"
grep -q "level=error.*the mock deleted $dropped records from the start of slp.sessions" "$WORK/forced.err" ||
  die "no error naming the dropped inputs: $(grep -c . "$WORK/forced.err") log lines"
echo "ok: sized to $parts partitions, $N of $N; forced: $dropped dropped, $consumed consumed, exit 70"
