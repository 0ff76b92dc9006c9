#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# cli.sh -- the slpcoder command's contract: formats, stdin vs FILE, Schema Registry framing, exit codes.
# Env (set by ctest): SLPCODER_BIN (dir with slpcoder), PROTOC, SLPCODER_SOURCE_DIR, SLPCODER_RULES.
set -u
BIN=${SLPCODER_BIN:?}/slpcoder
PROTOC=${PROTOC:-protoc}
SRC=${SLPCODER_SOURCE_DIR:?}
RULES=${SLPCODER_RULES:?}
DATA=$SRC/tests/cli/data
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0

ok() { echo "ok   $1"; }
bad() { echo "FAIL $1"; fails=$((fails + 1)); }

# expect NAME RC STDERR_SUBSTRING -- CMD...: exit status and (when given) a one-line stderr containing the text.
expect() {
  local name=$1 want=$2 text=$3
  shift 4
  "$@" >"$tmp/out" 2>"$tmp/err"
  local rc=$?
  if [ $rc -ne "$want" ]; then
    bad "$name: exit $rc, want $want; stderr: $(head -c 400 "$tmp/err")"
  elif [ -n "$text" ] && ! grep -qF -- "$text" "$tmp/err"; then
    bad "$name: stderr lacks '$text': $(head -c 400 "$tmp/err")"
  elif [ "$want" -eq 65 ] && [ "$(wc -l <"$tmp/err")" -ne 1 ]; then
    bad "$name: stderr is not one line: $(cat "$tmp/err")"
  else
    ok "$name"
  fi
}

encode() { "$PROTOC" -I"$SRC/proto" --encode=slpcoder.v1.SessionEvent slpcoder/v1/session.proto; }
decode() { "$PROTOC" -I"$SRC/proto" --decode=slpcoder.v1.CodingResult slpcoder/v1/claim.proto; }

encode <"$SRC/tests/golden/01_medicare_treatment.session.txtpb" >"$tmp/s.pb"

# --- usage -------------------------------------------------------------------
expect "--help" 0 "" -- "$BIN" --help
expect "--version" 0 "" -- "$BIN" --version
grep -q '^slpcoder [0-9]' "$tmp/out" || bad "--version prints 'slpcoder X.Y.Z'"
expect "no command" 64 "missing command" -- "$BIN"
expect "unknown command" 64 "unknown command" -- "$BIN" frobnicate
expect "bad --in" 64 "--in must be json or pb" -- "$BIN" code --in=xml "$tmp/s.pb"
expect "unknown option" 64 "unknown option" -- "$BIN" code --fast "$tmp/s.pb"
expect "two files" 64 "more than one input file" -- "$BIN" code a b
expect "rules without check" 64 "" -- "$BIN" rules

# --- results -----------------------------------------------------------------
expect "json in, json out (FILE)" 0 "" -- "$BIN" code "$DATA/session.json"
cp "$tmp/out" "$tmp/json-file.json"
"$BIN" code <"$DATA/session.json" >"$tmp/json-stdin.json" 2>"$tmp/err" && cmp -s "$tmp/json-file.json" "$tmp/json-stdin.json" &&
  ok "stdin and FILE give the same bytes" || bad "stdin vs FILE differ: $(cat "$tmp/err")"
"$BIN" code - <"$DATA/session.json" | cmp -s - "$tmp/json-file.json" && ok "FILE '-' is stdin" || bad "FILE '-' is stdin"
"$BIN" code --in=pb "$tmp/s.pb" | cmp -s - "$tmp/json-file.json" &&
  ok "pb in and json in code the same session identically" || bad "pb in vs json in differ"
if /usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); c=d["claim"]; assert c["eventId"]=="ev-01"; assert c["payerKind"]=="MEDICARE_PART_B"; assert isinstance(c["totalChargeCents"], str); assert isinstance(c["lines"][0]["units"], int); assert "rejection" not in d' "$tmp/json-file.json" 2>"$tmp/err"; then
  ok "json output: proto3 mapping (camelCase, enum names, int64 strings, uint32 numbers)"
else
  bad "json output mapping: $(cat "$tmp/err")"
fi
"$BIN" code --out=pb "$DATA/session.json" | decode >"$tmp/a.txt" && "$BIN" code --in=pb --out=pb "$tmp/s.pb" | decode >"$tmp/b.txt" &&
  cmp -s "$tmp/a.txt" "$tmp/b.txt" && grep -q '^claim {' "$tmp/a.txt" && ok "pb out decodes with protoc" || bad "pb out"
"$BIN" code --in=pb --out=pb "$tmp/s.pb" >"$tmp/o1.pb" && "$BIN" code --in=pb --out=pb "$tmp/s.pb" >"$tmp/o2.pb" &&
  cmp -s "$tmp/o1.pb" "$tmp/o2.pb" && ok "deterministic output" || bad "two runs differ"

# Schema Registry framing: magic, schema id 7, index path [0] (single 0 byte).
{ printf '\000\000\000\000\007\000'; cat "$tmp/s.pb"; } >"$tmp/framed.pb"
"$BIN" code --in=pb "$tmp/framed.pb" | cmp -s - "$tmp/json-file.json" && ok "SR-framed input" || bad "SR-framed input"
{ printf '\000\000\000\000\007\002\000'; cat "$tmp/s.pb"; } >"$tmp/framed2.pb"
"$BIN" code --in=pb "$tmp/framed2.pb" | cmp -s - "$tmp/json-file.json" && ok "SR-framed input, explicit [0]" || bad "SR-framed [0]"
printf '\000\000\000\000\007\002\200' >"$tmp/framed-bad.pb"
expect "SR frame cut in a message index" 65 "truncated message-index varint at byte 6" -- "$BIN" code --in=pb "$tmp/framed-bad.pb"

# Default bundle: $SLPCODER_RULES, else found beside the executable (<build>/share/slpcoder/rules/default).
env -u SLPCODER_RULES "$BIN" code "$DATA/session.json" >"$tmp/norules.json" 2>"$tmp/err" &&
  ok "default bundle found beside the executable" || bad "default bundle: $(cat "$tmp/err")"

# --- exit 65: not a SessionEvent ------------------------------------------------
printf '\377\377\377garbage' >"$tmp/garbage"
expect "garbage bytes" 65 "slpcoder: $tmp/garbage: protobuf:" -- "$BIN" code --in=pb "$tmp/garbage"
head -c 40 "$tmp/s.pb" >"$tmp/cut.pb"
expect "truncated protobuf" 65 "protobuf: field" -- "$BIN" code --in=pb "$tmp/cut.pb"
printf '{"eventId": "x",' >"$tmp/bad.json"
expect "bad JSON" 65 "slpcoder: $tmp/bad.json: JSON: line 1" -- "$BIN" code "$tmp/bad.json"
printf '{"eventId": "x", "colour": "blue"}' >"$tmp/unknown.json"
expect "unknown JSON field" 65 'field "colour": no such field in slpcoder.v1.SessionEvent' -- "$BIN" code "$tmp/unknown.json"
printf '{"activities": [{"minutes": "ten"}]}' >"$tmp/type.json"
expect "wrong JSON type" 65 'field "activities[0].minutes": expected an integer' -- "$BIN" code "$tmp/type.json"
expect "garbage on stdin" 65 "slpcoder: <stdin>: JSON" -- "$BIN" code <"$tmp/garbage"
expect "missing file" 65 "cannot open" -- "$BIN" code "$tmp/no-such-file.json"

# --- exit 78: rules cannot be loaded ----------------------------------------------
expect "no such bundle" 78 "" -- "$BIN" code --rules="$tmp/no-such-bundle" "$DATA/session.json"
cp -r "$RULES" "$tmp/broken"
printf 'not a version line\n[bundle\n' >"$tmp/broken/manifest.ini"
printf 'FLUENCY\tEVAL\n' >>"$tmp/broken/codes.tsv"
expect "broken bundle" 78 "codes.tsv:" -- "$BIN" code --rules="$tmp/broken" "$DATA/session.json"
[ -s "$tmp/out" ] && bad "broken bundle: wrote a result anyway" || ok "broken bundle: nothing on stdout"
expect "rules check broken" 78 "codes.tsv:" -- "$BIN" rules check "$tmp/broken"
expect "SLPCODER_RULES overrides" 78 "" -- env SLPCODER_RULES="$tmp/broken" "$BIN" code "$DATA/session.json"
expect "rules check default" 0 "" -- "$BIN" rules check "$RULES"
grep -q '^rules_version: 2026' "$tmp/out" && ok "rules check prints rules_version" || bad "rules check output: $(cat "$tmp/out")"

[ $fails -eq 0 ] && echo "all CLI checks pass" || echo "$fails CLI checks failed"
[ $fails -eq 0 ]
