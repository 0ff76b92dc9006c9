#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# configuration.sh -- docs/CONFIGURATION.md is exactly `slpcoderd --help-config=markdown` (the
# settings table in src/io/config.c), and names every key `slpcoderd --help` lists.
set -euo pipefail
: "${SLPCODER_SOURCE_DIR:?}" "${SLPCODER_BIN:?}"
doc="$SLPCODER_SOURCE_DIR/docs/CONFIGURATION.md"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$SLPCODER_BIN/slpcoderd" --help-config=markdown >"$tmp/md"
if ! diff -u "$doc" "$tmp/md" >"$tmp/diff"; then
  head -n 40 "$tmp/diff"
  echo "FAIL: docs/CONFIGURATION.md is stale; regenerate it:"
  echo "  build/bin/slpcoderd --help-config=markdown > docs/CONFIGURATION.md"
  exit 1
fi
# Every key of --help is a row (guards the generator itself, not only the copy).
"$SLPCODER_BIN/slpcoderd" --help | sed -n 's/^  \([a-z][a-z.]*[a-z]\) .*/\1/p' | sort -u >"$tmp/keys"
n=$(wc -l <"$tmp/keys")
((n >= 20)) || { echo "FAIL: only $n keys parsed from slpcoderd --help"; exit 1; }
missing=0
while read -r k; do
  grep -qF "| \`$k\` |" "$doc" || { echo "FAIL: $k (slpcoderd --help) has no row in docs/CONFIGURATION.md"; missing=1; }
done <"$tmp/keys"
((missing == 0)) || exit 1
echo "configuration: docs/CONFIGURATION.md matches the program; $n keys"
