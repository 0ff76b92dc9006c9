#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# make_corpus.sh -- (re)build the seed corpora in fuzz/corpus/<target>/ from the golden cases,
# the generator, the default bundle, the CMS test files and the example configuration.
# Usage: fuzz/make_corpus.sh BUILD_DIR   (a default build: bin/slpcoder; protoc on PATH)
# The output is committed; run this again when the goldens, the bundle or the formats change.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:?usage: fuzz/make_corpus.sh BUILD_DIR}
C=fuzz/corpus
rm -rf "$C"
mkdir -p "$C"/{session_pb,session_json,bundle,cms,config,http}

# session_pb: each golden session as protobuf, and generated sessions (defects, garbage and
# Schema Registry framing included) from the generator's hex format.
for f in tests/golden/*.session.txtpb; do
  n=$(basename "$f" .session.txtpb)
  grep -v '^#' "$f" | protoc -Iproto --encode=slpcoder.v1.SessionEvent slpcoder/v1/session.proto \
    >"$C/session_pb/golden-$n"
done
"$BUILD/bin/slpcoder" gen --count 40 --seed 7 --defects 0.5 --garbage 0.15 --framed 0.3 \
  --out - --format hex 2>/dev/null | {
  n=0
  while IFS=$'\t' read -r _ hex; do
    n=$((n + 1))
    printf '%s' "$hex" | xxd -r -p >"$C/session_pb/gen-$n"
  done
}

# session_json: the goldens in the proto3 JSON mapping (original field names, enums by name),
# and the CLI's sample.
python3 - "$C/session_json" tests/golden/*.session.txtpb <<'PY'
import json, re, sys, os
out = sys.argv[1]
REPEATED = {"activities", "diagnoses"}
tok = re.compile(r'\s*(?:(#[^\n]*)|([{}])|("(?:[^"\\]|\\.)*")|([A-Za-z_][A-Za-z0-9_]*)\s*:?|(-?[0-9.]+))')
def parse(text):
    toks = [m for m in tok.finditer(text) if m.group(0).strip()]
    pos = 0
    def obj():
        nonlocal pos
        d = {}
        while pos < len(toks):
            m = toks[pos]
            if m.group(1): pos += 1; continue
            if m.group(2) == "}": pos += 1; return d
            key = m.group(4); pos += 1
            v = toks[pos]
            if v.group(2) == "{": pos += 1; val = obj()
            else:
                pos += 1
                if v.group(3): val = json.loads(v.group(3))
                elif v.group(5): val = int(v.group(5)) if "." not in v.group(5) else float(v.group(5))
                elif v.group(4) in ("true", "false"): val = v.group(4) == "true"
                else: val = v.group(4)
            if key in REPEATED: d.setdefault(key, []).append(val)
            else: d[key] = val
        return d
    return obj()
for f in sys.argv[2:]:
    name = os.path.basename(f).replace(".session.txtpb", "")
    with open(f) as fp:
        d = parse(fp.read())
    with open(os.path.join(out, "golden-" + name + ".json"), "w") as fp:
        json.dump(d, fp, indent=1)
PY
cp tests/cli/data/session.json "$C/session_json/cli-sample.json"

# bundle: first byte = which file (fuzz_bundle.c's files[] order), then its content.
i=0
for f in codes.tsv necessity.tsv icd10cm.tsv kx.tsv telehealth.tsv payer_kinds.tsv payers.tsv \
  payer_units.tsv mue.tsv ptp.tsv fees.tsv conversion.tsv charges.tsv pointers.tsv pos.tsv mppr.tsv \
  orgs.tsv manifest.ini; do
  { printf "\\$(printf '%03o' $i)"; cat "rules/default/$f"; } >"$C/bundle/$i-$f"
  i=$((i + 1))
done
for spec in ncci/ccipra-v321r0-f1.txt:18 mue/MCR_MUE_PractitionerServices_Eff_01-01-2025.csv:19 \
  icd10cm/icd10cm_order_2025.txt:20 pfs/PPRRVU2025_Oct.csv:21 pfs/GPCI2025.csv:22 pfs/25LOCCO.csv:23; do
  f=${spec%%:*} n=${spec##*:}
  { printf "\\$(printf '%03o' "$n")"; cat "tests/data/cms/$f"; } >"$C/bundle/$n-$(basename "$f")"
  bad="tests/data/cms/bad/$(basename "$f")"
  if [[ -f $bad ]]; then
    { printf "\\$(printf '%03o' "$n")"; cat "$bad"; } >"$C/bundle/$n-bad-$(basename "$f")"
  fi
done

# cms: the CMS test files, good and bad, as they are.
cp tests/data/cms/{ncci,mue,icd10cm,pfs}/* "$C/cms/"
for f in tests/data/cms/bad/*; do cp "$f" "$C/cms/bad-$(basename "$f")"; done

# config: the example, and one of each section kind.
cp config/slpcoderd.conf.example "$C/config/example.conf"
printf 'topic.input = in\nmax.in.flight = 100\n[kafka]\nbootstrap.servers = h:1\ndebug = broker,msg\n[topic]\ncoded = out\n' \
  >"$C/config/sections.conf"
printf 'delivery = exactly-once\ntransactional.id = t\n[kafka]\nisolation.level = read_committed\nacks = all\n' \
  >"$C/config/eos.conf"
# http: well-formed, pipelined, with a body, chunked, and garbage requests.
printf 'GET /metrics HTTP/1.1\r\nHost: localhost\r\n\r\n' >"$C/http/get_metrics"
printf 'GET /healthz HTTP/1.0\r\n\r\n' >"$C/http/get_healthz_10"
printf 'HEAD /readyz HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\nGET /nope HTTP/1.1\r\n\r\n' >"$C/http/pipelined"
printf 'POST /metrics HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello' >"$C/http/post_body"
printf 'GET /metrics HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n' >"$C/http/chunked"
printf 'GARBAGE\x00\xff\r\n\r\n' >"$C/http/garbage"

echo "corpus: $(find "$C" -type f | wc -l) files, $(du -sk "$C" | cut -f1) KiB"
