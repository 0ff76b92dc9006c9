#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# smoke-test.sh -- end-to-end check of scripts/kafka-broker on this machine:
# start, create slp.sessions (6 partitions), 1000 messages through kcat and back,
# transactions + read_committed + send_offsets_to_transaction (txn_check.py),
# topic-creation errors, peak RSS, stop. Exit 77 when Java/Maven/kcat/python3-confluent-kafka
# are missing. Prints "N passed, N failed" at the end.
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
KB="$ROOT/scripts/kafka-broker"
DIR=${SLPCODER_BROKER_DIR:-/tmp/slpcoder-kafka-smoke}
export SLPCODER_BROKER_DIR=$DIR
pass=0 fail=0
ok()  { echo "ok: $*"; pass=$((pass + 1)); }
bad() { echo "FAILED: $*"; fail=$((fail + 1)); }

command -v kcat >/dev/null || { echo "kcat missing (apt-get install -y kcat); skipping" >&2; exit 77; }
/usr/bin/python3 -c 'import confluent_kafka' 2>/dev/null ||
  { echo "python3-confluent-kafka missing (apt-get install -y python3-confluent-kafka); skipping" >&2; exit 77; }

"$KB" stop >/dev/null 2>&1
t0=$(date +%s.%N)
out=$("$KB" start); rc=$?
t1=$(date +%s.%N)
((rc == 77)) && exit 77
((rc == 0)) || { echo "FAILED: start exited $rc"; echo "0 passed, 1 failed"; exit 1; }
echo "start took $(echo "$t1 - $t0" | bc) s"
[[ "$out" =~ ^bootstrap\.servers=127\.0\.0\.1:[0-9]+$ ]] && ok "start printed exactly '$out'" || bad "start printed '$out'"
B=${out#bootstrap.servers=}
trap '"$KB" stop >/dev/null 2>&1' EXIT

again=$("$KB" start 2>/dev/null)
[[ "$again" == "$out" ]] && ok "second start reuses the running broker" || bad "second start printed '$again'"

"$KB" topics slp.sessions:6 slp.out:6 && ok "topics created" || bad "topics"
np=$(kcat -L -b "$B" -t slp.sessions 2>/dev/null | grep -c 'partition [0-9]*, leader 1')
((np == 6)) && ok "slp.sessions has 6 partitions" || bad "slp.sessions has $np partitions"
"$KB" topics slp.sessions:6 2>/dev/null && ok "creating an existing topic is not an error" || bad "re-create"
"$KB" topics 'bad:x' 2>/dev/null && bad "bad spec accepted" || ok "bad topic spec refused"

# auto.create.topics.enable=false: producing to an unknown topic must fail, not create it.
echo x | kcat -P -b "$B" -t slp.typo -X message.timeout.ms=2000 2>/dev/null
kcat -L -b "$B" -t slp.typo 2>/dev/null | grep -q 'partition 0, leader 1' && bad "slp.typo was auto-created" || ok "no topic auto-creation"

seq -f 'session-%04g' 1 1000 | awk '{ print $0 ":" $0 }' |
  kcat -P -b "$B" -t slp.sessions -K: -X acks=all -X enable.idempotence=true 2>/dev/null
got=$(kcat -C -b "$B" -t slp.sessions -e -q -f '%k=%s\n' 2>/dev/null | sort)
want=$(seq -f 'session-%04g' 1 1000 | awk '{ print $0 "=" $0 }' | sort)
[[ "$got" == "$want" ]] && ok "1000 messages produced and consumed back with kcat" ||
  bad "kcat round trip: $(printf '%s\n' "$got" | grep -c .) of 1000"
parts=$(kcat -C -b "$B" -t slp.sessions -e -q -f '%p\n' 2>/dev/null | sort -u | wc -l)
((parts == 6)) && ok "keys spread over all 6 partitions" || bad "only $parts partitions used"

/usr/bin/python3 "$ROOT/tools/kafka-broker/txn_check.py" "$B" slp.sessions slp.out &&
  ok "transactions: read_committed hides aborted, send_offsets_to_transaction commits offsets" ||
  bad "txn_check.py"

st=$("$KB" status); echo "$st"
[[ "$st" == running* ]] && ok "status: running" || bad "status"
"$KB" stop && ok "stop" || bad "stop"
[[ ! -e "$DIR" ]] && ok "data removed" || bad "$DIR still there"
"$KB" status >/dev/null; rc=$?
((rc == 3)) && ok "status after stop exits 3" || bad "status after stop exited $rc"
trap - EXIT

echo "$pass passed, $fail failed"
((fail == 0))
