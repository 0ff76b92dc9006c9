#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# rules_coverage.sh -- `slpcoder rules check` shows each DOS year's code coverage and its gaps: the
# default bundle's 2027 gap (92507 deleted, no replacement) and none on the test-only 2027 bundle
# (tests/data/bundle-2027.tsv, fictitious codes); a 2027 treatment session through each.
# Env (set by ctest): SLPCODER_BIN (dir with slpcoder), SLPCODER_SOURCE_DIR, SLPCODER_RULES.
set -u
BIN=${SLPCODER_BIN:?}/slpcoder
SRC=${SLPCODER_SOURCE_DIR:?}
RULES=${SLPCODER_RULES:?}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
ok() { echo "ok   $1"; }
bad() { echo "FAIL $1"; fails=$((fails + 1)); }
has() { # NAME FILE TEXT: FILE has a line equal to TEXT after squeezing runs of spaces
  if tr -s ' ' <"$2" | grep -qxF -- "$3"; then ok "$1"; else bad "$1: no line '$3' in: $(cat "$2")"; fi
}

cp -r "$RULES" "$tmp/b2027"
while IFS=$'\t' read -r file row; do
  printf '%s\n' "$row" >>"$tmp/b2027/$file"
done <"$SRC/tests/data/bundle-2027.tsv"

"$BIN" rules check "$RULES" >"$tmp/default.txt" || bad "rules check default: exit $?"
has "default: 2025-2027 header" "$tmp/default.txt" "area kind set 2025 2026 2027"
has "default: language treatment ends with 2026" "$tmp/default.txt" "LANGUAGE TREAT IND 92507 92507 -"
has "default: evaluations continue" "$tmp/default.txt" "LANGUAGE EVAL IND 92523 92523 92523"
has "default: 92508 continues" "$tmp/default.txt" "LANGUAGE TREAT GROUP 92508 92508 92508"
has "default: no 2026 gap" "$tmp/default.txt" "gaps 2026: none"
has "default: the 2027 gap" "$tmp/default.txt" \
  "gaps 2027: FLUENCY TREAT IND, SPEECH_SOUND TREAT IND, LANGUAGE TREAT IND, VOICE TREAT IND, AURAL_REHAB TREAT IND"

"$BIN" rules check "$tmp/b2027" >"$tmp/test.txt" || bad "rules check test bundle: exit $?"
has "test bundle: language base + add-on in 2027" "$tmp/test.txt" "LANGUAGE TREAT IND 92507 92507 XLB01+XLA01"
has "test bundle: no 2027 gap" "$tmp/test.txt" "gaps 2027: none"

# one 2027 language treatment, 46 minutes, Medicare Part B, through each bundle
cat >"$tmp/s.json" <<'JSON'
{"eventId":"ev-27","encounterId":"enc-27","organizationId":"ORG-1","reportedAtMs":"1804698000000",
 "coverage":{"payerKind":"MEDICARE_PART_B"},
 "renderingProvider":{"npi":"1234567893","credential":"SLP"},"billingNpi":"1245319599",
 "dateOfService":"2027-03-10","placeOfService":"11","delivery":"IN_PERSON",
 "activities":[{"kind":"TREATMENT","area":"LANGUAGE","minutes":46}],"diagnoses":["F80.2"],
 "planOfCare":{"startDate":"2027-03-01","certifiedDate":"2027-03-03","endDate":"2027-05-28",
  "treatmentDaysSinceProgressReport":3},
 "documentation":{"goals":true,"techniques":true,"progress":true}}
JSON
"$BIN" code --rules="$RULES" "$tmp/s.json" >"$tmp/default.json" || bad "code default: exit $?"
grep -q '"92507 is deleted from 2027-01-01; this bundle has no 2027 LANGUAGE treatment code."' \
  "$tmp/default.json" && ok "default: 2027 treatment rejected naming 92507" ||
  bad "default 2027 session: $(cat "$tmp/default.json")"
"$BIN" code --rules="$tmp/b2027" "$tmp/s.json" >"$tmp/test.json" || bad "code test bundle: exit $?"
grep -q '"procedureCode": "XLB01"' "$tmp/test.json" && grep -q '"procedureCode": "XLA01"' "$tmp/test.json" &&
  ok "test bundle: 2027 treatment coded XLB01 + XLA01" || bad "test bundle 2027 session: $(cat "$tmp/test.json")"

[ $fails -eq 0 ] && echo "all rules coverage checks pass" || echo "$fails rules coverage checks failed"
[ $fails -eq 0 ]
