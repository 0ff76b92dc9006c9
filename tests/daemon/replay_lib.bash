# SPDX-License-Identifier: Apache-2.0
# replay_lib.bash -- the `slpcoder replay` scenario both Kafka tiers run (sourced after lib.bash,
# with BS and the T_* topics set).
#
# 1. A worker with a broken bundle (one payer row: BCBS-COMM allows 1 visit a year) codes 1000
#    clean sessions and dead-letters 100 undecodable inputs.
# 2. `slpcoder diff` over the same sessions, from the topic and from the generator's file, names
#    the claims the fix recodes: exactly the rejections the worker wrote for benefit.visit_limit.
# 3. The fix (the default bundle) and a worker running it; the DLQ is replayed at a slow rate,
#    killed (SIGKILL) once it has committed a batch, and run again; then the rejections are
#    replayed, filtered on their reason. Every replayed record comes out once: once on the input
#    topic (read_committed), once as the worker's output, and the recoded rejections as claims.

RULES_DEFAULT=${SLPCODER_RULES:?}
PYK=/usr/bin/python3

# header_values TOPIC NAME...: per record carrying header NAME, the values of the NAMEs
# (space-separated, "-" for one missing), over all of TOPIC (read_committed).
header_values() {
  "$PYK" - "$BS" "$@" <<'EOF'
import sys
from confluent_kafka import Consumer, TopicPartition
bs, topic, names = sys.argv[1], sys.argv[2], sys.argv[3:]
c = Consumer({"bootstrap.servers": bs, "group.id": "replay-check", "enable.auto.commit": False,
              "isolation.level": "read_committed"})
md = c.list_topics(topic, timeout=15).topics[topic]
parts = []
for p in md.partitions:
    lo, hi = c.get_watermark_offsets(TopicPartition(topic, p), timeout=15)
    if hi > lo:
        parts.append((p, lo, hi))
c.assign([TopicPartition(topic, p, lo) for p, lo, hi in parts])
left = {p: hi for p, lo, hi in parts}
import time
deadline = time.time() + 60
while left and time.time() < deadline:
    m = c.poll(0.5)
    if m is None:
        for p in list(left):
            pos = c.position([TopicPartition(topic, p)])[0].offset
            if pos >= left[p]:
                del left[p]
        continue
    if m.error():
        continue
    h = dict((k, v.decode()) for k, v in (m.headers() or []))
    if names[0] in h:
        print(" ".join(h.get(n, "-") for n in names))
    if m.offset() + 1 >= left.get(m.partition(), 0):
        left.pop(m.partition(), None)
c.close()
if left:
    sys.exit("could not read all of " + topic)
EOF
}

# hwm_sum TOPIC: the sum of the topic's high watermarks.
hwm_sum() {
  "$PYK" - "$BS" "$1" <<'EOF'
import sys
from confluent_kafka import Consumer, TopicPartition
c = Consumer({"bootstrap.servers": sys.argv[1], "group.id": "replay-check"})
md = c.list_topics(sys.argv[2], timeout=15).topics[sys.argv[2]]
print(sum(c.get_watermark_offsets(TopicPartition(sys.argv[2], p), timeout=15)[1] for p in md.partitions))
c.close()
EOF
}

replay_scenario() {
  local broken="$WORK/broken" n_visit d_file d_topic
  cp -r "$RULES_DEFAULT" "$broken"
  sed -i 's/^BCBS-COMM\tCOMMERCIAL\t=\t=\t=\t=\t=\t20\t/BCBS-COMM\tCOMMERCIAL\t=\t=\t=\t=\t=\t1\t/' "$broken/payers.tsv"
  ! cmp -s "$broken/payers.tsv" "$RULES_DEFAULT/payers.tsv" || die "the broken bundle is not broken"

  "$BIN/slpcoder" gen --brokers "$BS" --topic "$T_IN" --count 100 --seed 21 --garbage 1 2>>"$WORK/gen.err"
  "$BIN/slpcoder" gen --brokers "$BS" --topic "$T_IN" --count 1000 --seed 22 --garbage 0 --defects 0 2>>"$WORK/gen.err"
  "$BIN/slpcoder" gen --out "$WORK/sessions.bin" --count 1000 --seed 22 --garbage 0 --defects 0 2>>"$WORK/gen.err"

  start_worker broken -X rules.dir="$broken" -X kafka.group.id="$T_IN.workers" -X exit.when.idle.ms=3000
  wait_exit "$WPID" 120
  [[ $RC == 0 ]] || die "the broken worker exited $RC"
  exited_ok broken "c['consumed'] == 1100 and c['dead_lettered'] == 100"
  header_values "$T_DLQ" slpcoder.errors.reason >"$WORK/dlq1" || die "reading $T_DLQ"
  [[ $(grep -c '^undecodable$' "$WORK/dlq1") == 100 ]] || die "$(wc -l <"$WORK/dlq1") dead letters, want 100"
  # The error headers name the input exactly as slpcoder.source does, with stage and worker.
  header_values "$T_DLQ" slpcoder.source slpcoder.errors.topic slpcoder.errors.partition slpcoder.errors.offset \
    slpcoder.errors.stage slpcoder.errors.worker >"$WORK/dlq-hdrs" || die "reading $T_DLQ"
  [[ $(awk '$1 == $2 "/" $3 "/" $4 && $5 == "decode" && $6 ~ /:[0-9]+$/' "$WORK/dlq-hdrs" | wc -l) == 100 ]] \
    || die "DLQ error headers disagree with slpcoder.source: $(head -3 "$WORK/dlq-hdrs")"
  header_values "$T_REJ" slpcoder.errors.reason >"$WORK/rej1" || die "reading $T_REJ"
  n_visit=$(grep -c '^benefit.visit_limit$' "$WORK/rej1" || true)
  ((n_visit > 20)) || die "only $n_visit visit-limit rejections: the broken row did not bite"
  [[ $(wc -l <"$WORK/rej1") == "$n_visit" ]] || die "rejections other than the broken row's: $(sort "$WORK/rej1" | uniq -c)"

  # What the fix changes, before rolling it out: the same sessions from the file and the topic.
  "$BIN/slpcoder" diff --rules "$broken" --rules "$RULES_DEFAULT" --in "$WORK/sessions.bin" --format=json \
    >"$WORK/diff-file.json" 2>"$WORK/diff-file.err" || die "diff --in failed: $(cat "$WORK/diff-file.err")"
  "$BIN/slpcoder" diff --rules "$broken" --rules "$RULES_DEFAULT" --brokers "$BS" --topic "$T_IN" --format=json \
    >"$WORK/diff-topic.json" 2>"$WORK/diff-topic.err" || die "diff --topic failed: $(cat "$WORK/diff-topic.err")"
  d_file=$("$PYK" -c 'import json,sys; t=json.load(open(sys.argv[1]))["totals"]; print(t["inputs"], t["newlyCoded"], t["changed"])' "$WORK/diff-file.json")
  d_topic=$("$PYK" -c 'import json,sys; t=json.load(open(sys.argv[1]))["totals"]; print(t["inputs"], t["undecodable"], t["newlyCoded"], t["changed"])' "$WORK/diff-topic.json")
  [[ $d_file == "1000 $n_visit $n_visit" ]] || die "diff --in: inputs/newlyCoded/changed = $d_file, want 1000 $n_visit $n_visit"
  [[ $d_topic == "1100 100 $n_visit $n_visit" ]] || die "diff --topic: $d_topic, want 1100 100 $n_visit $n_visit"
  grep -q 'inputs/s' "$WORK/diff-topic.err" || die "diff printed no throughput"

  # The fix: a worker on the default bundle, same group. Its own dead letters (the replayed
  # undecodable inputs, once more) come after T0: the replay's range ends there.
  local t0
  t0=$(date +%s%3N)
  start_worker fixed -X kafka.group.id="$T_IN.workers"
  local fixed=$WPID

  # Offset bounds apply to every partition: [5, 15) of each of the 6.
  "$BIN/slpcoder" diff --rules "$broken" --rules "$RULES_DEFAULT" --brokers "$BS" --topic "$T_IN" --from 5 --to 15 \
    --format=csv >"$WORK/diff-off.csv" 2>"$WORK/diff-off.err" || die "diff --from/--to failed: $(cat "$WORK/diff-off.err")"
  grep -q '^totals,inputs,60,' "$WORK/diff-off.csv" || die "diff --from 5 --to 15: $(head -3 "$WORK/diff-off.csv")"
  # Time bounds, on record timestamps: everything so far is before t0.
  "$BIN/slpcoder" diff --rules "$broken" --rules "$RULES_DEFAULT" --brokers "$BS" --topic "$T_IN" --from "@$t0" \
    --format=csv >"$WORK/diff-from.csv" 2>"$WORK/diff-from.err" || die "diff --from failed: $(cat "$WORK/diff-from.err")"
  grep -q '^totals,inputs,0,' "$WORK/diff-from.csv" || die "diff --from @t0: $(head -3 "$WORK/diff-from.csv")"
  "$BIN/slpcoder" diff --rules "$broken" --rules "$RULES_DEFAULT" --brokers "$BS" --topic "$T_IN" --to "@$t0" \
    --format=csv >"$WORK/diff-to.csv" 2>"$WORK/diff-to.err" || die "diff --to failed: $(cat "$WORK/diff-to.err")"
  grep -q '^totals,inputs,1100,' "$WORK/diff-to.csv" || die "diff --to @t0: $(head -3 "$WORK/diff-to.csv")"
  "$BIN/slpcoder" replay --brokers "$BS" --from-topic "$T_DLQ" --to "$T_IN" --since "@$t0" --dry-run \
    >"$WORK/dry-since.out" 2>&1 || die "replay --since: $(cat "$WORK/dry-since.out")"
  grep -q 'replay done: read=100 replayed=0 .* before_since=100 ' "$WORK/dry-since.out" || die "replay --since: $(tail -1 "$WORK/dry-since.out")"

  # Dry run: says what it would do, produces and commits nothing.
  "$BIN/slpcoder" replay --brokers "$BS" --from-topic "$T_DLQ" --to "$T_IN" --ticket OPS-1 --until @"$t0" --dry-run \
    >"$WORK/dry.out" 2>"$WORK/dry.err" || die "dry run failed: $(cat "$WORK/dry.err")"
  grep -q 'replay done: read=100 replayed=100 .*dry run' "$WORK/dry.out" || die "dry run: $(tail -1 "$WORK/dry.out")"

  # The DLQ, slowly (5 a second); killed (SIGKILL) once it has committed a batch and delivered 3+
  # more records it has not committed yet; then run again: those are recovered, not repeated.
  local base committed i
  base=$(hwm_sum "$T_IN")
  "$BIN/slpcoder" replay --brokers "$BS" --from-topic "$T_DLQ" --to "$T_IN" --ticket OPS-1 --until @"$t0" --rate 5 \
    >"$WORK/replay1.out" 2>"$WORK/replay1.err" &
  local rp=$!
  PIDS+=("$rp")
  wait_for "$WORK/replay1.out" '^committed read=[1-9]' 60
  committed=$(sed -n 's/^committed read=[0-9]* replayed=\([0-9]*\) .*/\1/p' "$WORK/replay1.out" | tail -1)
  for ((i = 0; i < 300; i++)); do
    (($(hwm_sum "$T_IN") >= base + committed + 3)) && break
    sleep 0.1
  done
  kill -9 "$rp"
  wait "$rp" 2>/dev/null || true
  grep -q 'replay done' "$WORK/replay1.out" && die "the replay finished before it was killed"
  committed=$(sed -n 's/^committed read=[0-9]* replayed=\([0-9]*\) .*/\1/p' "$WORK/replay1.out" | tail -1)
  local delivered=$(($(hwm_sum "$T_IN") - base))
  ((delivered > committed)) || die "killed with nothing uncommitted (delivered $delivered, committed $committed)"
  "$BIN/slpcoder" replay --brokers "$BS" --from-topic "$T_DLQ" --to "$T_IN" --ticket OPS-1 --until @"$t0" \
    >"$WORK/replay2.out" 2>"$WORK/replay2.err" || die "replay re-run failed: $(cat "$WORK/replay2.err")"
  grep -q "replay done: .* recovered=$((delivered - committed))" "$WORK/replay2.out" \
    || die "re-run did not pass over the $((delivered - committed)) uncommitted deliveries: $(tail -1 "$WORK/replay2.out")"
  # A third run of the same replay has nothing left to do.
  "$BIN/slpcoder" replay --brokers "$BS" --from-topic "$T_DLQ" --to "$T_IN" --ticket OPS-1 --until @"$t0" \
    >"$WORK/replay3.out" 2>"$WORK/replay3.err" || die "third run failed: $(cat "$WORK/replay3.err")"
  grep -q 'replay done: read=0 replayed=0' "$WORK/replay3.out" || die "third run: $(tail -1 "$WORK/replay3.out")"

  # The rejections the broken row caused, by reason, located through slpcoder.source.
  "$BIN/slpcoder" replay --brokers "$BS" --from-topic "$T_REJ" --to "$T_IN" --ticket OPS-2 --until @"$t0" \
    --filter reason=benefit.visit_limit >"$WORK/replay-rej.out" 2>"$WORK/replay-rej.err" \
    || die "rejection replay failed: $(cat "$WORK/replay-rej.err")"
  grep -q "replay done: read=$n_visit replayed=$n_visit filtered=0 missing=0 " "$WORK/replay-rej.out" \
    || die "rejection replay: $(tail -1 "$WORK/replay-rej.out"), want $n_visit replayed"

  # Each replayed record is on the input topic exactly once (the killed run's open transaction
  # was aborted), with its ticket.
  header_values "$T_IN" slpcoder.replay.of >"$WORK/replayed-of" || die "reading $T_IN"
  [[ $(grep -c "^$T_DLQ/" "$WORK/replayed-of") == 100 ]] || die "$(grep -c "^$T_DLQ/" "$WORK/replayed-of") DLQ replays on $T_IN, want 100"
  [[ $(grep -c "^$T_REJ/" "$WORK/replayed-of") == "$n_visit" ]] || die "rejection replays on $T_IN: $(grep -c "^$T_REJ/" "$WORK/replayed-of"), want $n_visit"
  [[ -z $(sort "$WORK/replayed-of" | uniq -d) ]] || die "replayed twice: $(sort "$WORK/replayed-of" | uniq -d | head -3)"
  header_values "$T_IN" slpcoder.replay.ticket | sort | uniq -c >"$WORK/tickets"
  grep -q " 100 OPS-1$" "$WORK/tickets" && grep -q " $n_visit OPS-2$" "$WORK/tickets" || die "tickets: $(cat "$WORK/tickets")"

  # The fixed worker answers each once: 100 more dead letters (still undecodable: the fix was
  # in the rules), and the recoded sessions as claims, each event id once.
  local want_dlq=200
  for ((i = 0; i < 600; i++)); do
    header_values "$T_DLQ" slpcoder.errors.reason >"$WORK/dlq2" 2>/dev/null || true
    (($(wc -l <"$WORK/dlq2") >= want_dlq)) && break
    sleep 0.1
  done
  [[ $(wc -l <"$WORK/dlq2") == "$want_dlq" ]] || die "$(wc -l <"$WORK/dlq2") dead letters after the replay, want $want_dlq"
  for ((i = 0; i < 600; i++)); do
    header_values "$T_CODED" slpcoder.event_id >"$WORK/coded" 2>/dev/null || true
    (($(wc -l <"$WORK/coded") >= 1000 - n_visit + n_visit)) && break
    sleep 0.1
  done
  [[ $(wc -l <"$WORK/coded") == 1000 ]] || die "$(wc -l <"$WORK/coded") claims, want 1000 (the $n_visit recoded once each)"
  [[ -z $(sort "$WORK/coded" | uniq -d) ]] || die "a claim twice: $(sort "$WORK/coded" | uniq -d | head -3)"
  stop_worker fixed "$fixed" 30
  echo "replay: 100 dead letters and $n_visit rejections replayed once each (one run killed midway)"
}
