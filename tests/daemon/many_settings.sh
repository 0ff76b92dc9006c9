#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# many_settings.sh -- every -X counts: slpcoderd once kept only the first 256 and dropped the rest
# without a word; `slpcoderd gen` keeps at most 64 and now refuses more (exit 64, naming the limit)
# instead of dropping them.
source "$(dirname "$0")/lib.bash"

args=()
for ((i = 0; i < 300; i++)); do args+=(-X "max.in.flight=$((1000 + i))"); done
args+=(-X topic.input=the.last.one) # the 301st
rc=0
"$BIN/slpcoderd" --check-config --embedded-kafka -X http.listen= "${args[@]}" >"$WORK/c.out" 2>"$WORK/c.err" || rc=$?
[[ $rc == 0 ]] || die "--check-config with 301 -X exited $rc: $(cat "$WORK/c.err")"
grep -q '^topic.input = the.last.one$' "$WORK/c.out" || die "the 301st -X was lost: $(grep topic.input "$WORK/c.out")"
grep -q '^max.in.flight = 1299$' "$WORK/c.out" || die "the 300th -X was lost: $(grep max.in.flight "$WORK/c.out")"

gargs=()
for ((i = 0; i < 65; i++)); do gargs+=(-X "kafka.linger.ms=$i"); done
rc=0
"$BIN/slpcoderd" gen --brokers 127.0.0.1:9 --topic t --count 1 "${gargs[@]}" >"$WORK/g.out" 2>"$WORK/g.err" || rc=$?
[[ $rc == 64 ]] || die "gen with 65 -X exited $rc, not 64"
grep -q 'at most 64 -X settings' "$WORK/g.err" || die "gen's refusal does not name the limit: $(cat "$WORK/g.err")"
echo "ok: 301 -X all applied; gen refuses a 65th"
