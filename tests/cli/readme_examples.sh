#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# readme_examples.sh -- every `$ build/bin/slpcoder ...` example in README.md, run from the source
# tree with this build's binaries, must print exactly what the README shows (and exit as shown).
set -euo pipefail
: "${SLPCODER_SOURCE_DIR:?}" "${SLPCODER_BIN:?}"
cd "$SLPCODER_SOURCE_DIR"
export PATH="$(dirname "${PROTOC:-$(command -v protoc)}"):$PATH"
python3 - "$SLPCODER_BIN" <<'PY'
import re, subprocess, sys
bindir = sys.argv[1]
text = open("README.md").read()
blocks = re.findall(r"```console\n(.*?)```", text, re.S)
ran = failed = 0
for block in blocks:
    lines = block.rstrip("\n").split("\n")
    # a command is the "$ " line plus its continuation lines (ending in "\" or starting with "|"/"<")
    i = 0
    cmd = []
    while i < len(lines) and (not cmd or lines[i].lstrip().startswith(("|", "<")) or cmd[-1].endswith("\\")):
        cmd.append(lines[i][2:] if not cmd else lines[i])
        i += 1
    expected = "\n".join(lines[i:])
    shell = "\n".join(cmd).replace("build/bin/", bindir + "/")
    if "slpcoder" not in shell:
        continue
    # one stream, in the order the shell wrote it, as a terminal shows it
    out = subprocess.run(["bash", "-c", shell], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    got = out.stdout.rstrip("\n")
    ran += 1
    if got != expected.rstrip("\n"):
        failed += 1
        print(f"README example differs: {cmd[0]}\n--- README\n{expected}\n--- got\n{got}\n")
print(f"{ran - failed} passed, {failed} failed")
sys.exit(1 if failed or ran < 3 else 0)
PY
