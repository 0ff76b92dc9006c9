#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# spdx.sh -- every tracked source file carries the SPDX license line (scripts/spdx-add --check),
# and spdx-add itself puts it where it belongs, once, on a scratch repository.
set -euo pipefail
: "${SLPCODER_SOURCE_DIR:?}"
ADD="$SLPCODER_SOURCE_DIR/scripts/spdx-add"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
bad() { echo "FAIL: $*"; fail=1; }

# ---- the script, on a scratch repository
r="$tmp/repo"
mkdir -p "$r/src" "$r/scripts"
printf '/* a.c -- a file */\nint a;\n' >"$r/src/a.c"
printf '#!/usr/bin/env bash\necho hi\n' >"$r/scripts/run"
printf 'echo no shebang\n' >"$r/lib.sh"
printf 'syntax = "proto3";\n' >"$r/x.proto"
printf 'cmake_minimum_required(VERSION 3.25)\n' >"$r/CMakeLists.txt"
printf 'plain data\n' >"$r/data.tsv"
printf '/* SPDX-License-Identifier: MIT */\nint b;\n' >"$r/src/b.c"
chmod +x "$r/scripts/run"
git -C "$r" init -q && git -C "$r" add -A
if "$ADD" --check "$r" >"$tmp/check1"; then bad "--check passed on a repository without SPDX lines"; fi
n=$(wc -l <"$tmp/check1")
[[ "$n" == 5 ]] || bad "--check listed $n files, expected 5: $(cat "$tmp/check1")"
"$ADD" "$r" 2>/dev/null
"$ADD" --check "$r" >/dev/null || bad "--check still fails after spdx-add: $("$ADD" --check "$r")"
[[ "$(head -n1 "$r/src/a.c")" == "/* SPDX-License-Identifier: Apache-2.0 */" ]] || bad "a.c: first line $(head -n1 "$r/src/a.c")"
[[ "$(sed -n 2p "$r/src/a.c")" == "/* a.c -- a file */" ]] || bad "a.c: its own first line moved"
[[ "$(head -n1 "$r/scripts/run")" == "#!/usr/bin/env bash" ]] || bad "scripts/run: shebang not first"
[[ "$(sed -n 2p "$r/scripts/run")" == "# SPDX-License-Identifier: Apache-2.0" ]] || bad "scripts/run: SPDX not after the shebang"
[[ -x "$r/scripts/run" ]] || bad "scripts/run lost its executable bit"
[[ "$(head -n1 "$r/lib.sh")" == "# SPDX-License-Identifier: Apache-2.0" ]] || bad "lib.sh: SPDX not first"
[[ "$(head -n1 "$r/CMakeLists.txt")" == "# SPDX-License-Identifier: Apache-2.0" ]] || bad "CMakeLists.txt: SPDX not first"
[[ "$(cat "$r/data.tsv")" == "plain data" ]] || bad "data.tsv was touched"
[[ "$(head -n1 "$r/src/b.c")" == "/* SPDX-License-Identifier: MIT */" ]] || bad "b.c: an existing SPDX line was replaced"
cp -a "$r" "$tmp/before"
"$ADD" "$r" 2>/dev/null
diff -r -x .git "$tmp/before" "$r" >/dev/null || bad "spdx-add is not idempotent: a second run changed files"

# ---- the project itself
if ! "$ADD" --check "$SLPCODER_SOURCE_DIR" >"$tmp/missing"; then
  bad "$(wc -l <"$tmp/missing") tracked source files lack the SPDX line (run scripts/spdx-add); first ones:"
  head -n 10 "$tmp/missing"
fi
((fail == 0)) && echo "spdx: ok"
exit "$fail"
