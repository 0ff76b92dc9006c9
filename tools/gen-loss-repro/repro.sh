#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# repro.sh -- does `slpcoderd gen --brokers` get sessions acknowledged that never reach the
# topic? RUNS times: create a fresh topic, produce COUNT sessions into it at once (the window
# is a new producer's first batch per partition), then count the records on it from the
# watermarks (no transactions on that topic: high - low is the record count).
#
#   tools/gen-loss-repro/repro.sh RUNS COUNT RATE [PARTITIONS] [-- gen args, e.g. -X ...]
# Needs a broker: scripts/kafka-broker start --dir "$SLPCODER_BROKER_DIR" (its own dir, not a
# test's). SLPCODER_BIN: the build's bin directory. One line per run, then a total; with
# -X debug=eos the librdkafka log says which batches were "implicitly acked".
set -euo pipefail
SRC=$(cd "$(dirname "$0")/../.." && pwd)
BIN=${SLPCODER_BIN:-$SRC/build/bin}
KDIR=${SLPCODER_BROKER_DIR:?set SLPCODER_BROKER_DIR to a running broker dir}
WORK=$(mktemp -d /tmp/gen-loss.XXXXXX)
runs=$1 count=$2 rate=$3 parts=${4:-6}
shift $(($# >= 4 ? 4 : 3))
[[ ${1:-} == -- ]] && shift
BS=$(cat "$KDIR/bootstrap")
lossy=0 lost=0 implicit=0
for ((r = 1; r <= runs; r++)); do
  t=genloss.$RANDOM$RANDOM
  "$SRC/scripts/kafka-broker" topics --dir "$KDIR" "$t:$parts" 2>/dev/null
  grc=0
  "$BIN/slpcoderd" gen --brokers "$BS" --topic "$t" --count "$count" --rate "$rate" --seed "$r" "$@" \
    2>"$WORK/gen.$r.err" || grc=$?
  n=$(/usr/bin/python3 - "$BS" "$t" <<'PY'
import sys
from confluent_kafka import Consumer, TopicPartition
c = Consumer({"bootstrap.servers": sys.argv[1], "group.id": "gen-loss", "log_level": 3})
md = c.list_topics(sys.argv[2], timeout=10)
print(sum(h - l for l, h in (c.get_watermark_offsets(TopicPartition(sys.argv[2], p), timeout=10)
                            for p in md.topics[sys.argv[2]].partitions)))
PY
)
  ia=$(grep -c IMPLICITACK "$WORK/gen.$r.err" || true)
  echo "run $r: gen_rc=$grc on_topic=$n/$count implicit_acks=$ia"
  if ((grc == 0 && n < count)); then lossy=$((lossy + 1)) lost=$((lost + count - n)); fi
  implicit=$((implicit + ia))
done
echo "runs=$runs acknowledged_but_missing_runs=$lossy missing=$lost implicit_acks=$implicit (logs in $WORK)"
