#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# golden.sh -- every tests/golden case through the real binary: protoc text -> pb -> slpcoder code -> pb -> text, diffed.
# Env (set by ctest): SLPCODER_BIN (dir with slpcoder), PROTOC, SLPCODER_SOURCE_DIR, SLPCODER_RULES.
set -u
BIN=${SLPCODER_BIN:?}/slpcoder
PROTOC=${PROTOC:-protoc}
SRC=${SLPCODER_SOURCE_DIR:?}
RULES=${SLPCODER_RULES:?}
GOLDEN=$SRC/tests/golden
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Drop what the spec leaves to the engine: Finding.message, ClaimLine.rule_ids, and
# Finding.field for findings whose expected block names no field (rule ids in $1).
normalise() {
  awk -v keep=" $1 " '
    /^ *(message|rule_ids):/ { next }
    /^ *findings \{$/ { inf = 1; n = 0; rid = ""; buf[n++] = $0; next }
    inf {
      buf[n++] = $0
      if ($1 == "rule_id:") rid = $2
      if ($0 ~ /^ *\}$/) {
        for (i = 0; i < n; i++)
          if (!(buf[i] ~ /^ *field:/ && index(keep, " " rid " ") == 0)) print buf[i]
        inf = 0
      }
      next
    }
    { print }'
}

fails=0
n=0
for session in "$GOLDEN"/*.session.txtpb; do
  name=$(basename "$session" .session.txtpb)
  expected=$GOLDEN/$name.expected.txtpb
  n=$((n + 1))
  bundle=$RULES
  if [ -f "$GOLDEN/$name.bundle.tsv" ]; then
    bundle=$tmp/$name.rules
    cp -r "$RULES" "$bundle"
    while IFS=$'\t' read -r file row; do
      printf '%s\n' "$row" >>"$bundle/$file"
    done <"$GOLDEN/$name.bundle.tsv"
  fi
  version=$("$BIN" rules check "$bundle" | sed -n 's/^rules_version: //p')
  if [ -z "$version" ]; then
    echo "FAIL $name: slpcoder rules check $bundle printed no rules_version"
    fails=$((fails + 1))
    continue
  fi
  "$PROTOC" -I"$SRC/proto" --encode=slpcoder.v1.SessionEvent slpcoder/v1/session.proto <"$session" >"$tmp/in.pb" || {
    echo "FAIL $name: protoc cannot encode the session"; fails=$((fails + 1)); continue; }
  "$BIN" code --in=pb --out=pb --rules="$bundle" "$tmp/in.pb" >"$tmp/out.pb" 2>"$tmp/err"
  rc=$?
  if [ $rc -ne 0 ]; then
    echo "FAIL $name: slpcoder code exited $rc: $(cat "$tmp/err")"
    fails=$((fails + 1))
    continue
  fi
  "$PROTOC" -I"$SRC/proto" --decode=slpcoder.v1.CodingResult slpcoder/v1/claim.proto <"$tmp/out.pb" >"$tmp/actual.raw" || {
    echo "FAIL $name: protoc cannot decode the output"; fails=$((fails + 1)); continue; }
  keep=$(awk '/^ *findings \{$/ { inf = 1; rid = ""; f = 0; next }
              inf && $1 == "rule_id:" { rid = $2 }
              inf && $1 == "field:" { f = 1 }
              inf && /^ *\}$/ { if (f) printf "%s ", rid; inf = 0 }' "$expected")
  sed "s/\"RULES_VERSION\"/\"$version\"/" "$expected" | normalise "$keep" >"$tmp/expected.txt"
  normalise "$keep" <"$tmp/actual.raw" >"$tmp/actual.txt"
  if diff -u "$tmp/expected.txt" "$tmp/actual.txt" >"$tmp/diff"; then
    echo "ok   $name"
  else
    echo "FAIL $name (--- expected, +++ slpcoder):"
    sed 's/^/     /' "$tmp/diff"
    fails=$((fails + 1))
  fi
done
echo "$((n - fails))/$n golden cases pass"
[ $n -gt 0 ] && [ $fails -eq 0 ]
