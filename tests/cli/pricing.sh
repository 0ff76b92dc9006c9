#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# pricing.sh -- every SLP code the bundle bills, 2025 and 2026, at POS 11, 22, 32, 02, 10 and 12,
# through the real binary: each line's allowed_cents must equal CMS's arithmetic, computed here
# independently of the bundle's fees.tsv and pos.tsv from
# - tests/data/cms/pfs/PPRRVU2025_Oct.csv (rows of CMS RVU25D) and PPRRVU2026_Jul_nonQPP.csv
#   (the facts-2026-12 section 1 values in the 2026 layout), conversion factor from each file;
# - 97130 2026: totals 0.63 / 0.55 (facts section 1, M derived: no components published);
# - the facility POS list of facts section 2.
# One unit = (work + PE + MP) x CF at national GPCIs, rounded to cents; a line = units x unit
# (no session here has two units of MULT PROC 5 codes, so no MPPR: the goldens cover it).
# Prints the table (code, year, POS, engine, CMS) it checked. Env (ctest): SLPCODER_BIN,
# SLPCODER_SOURCE_DIR, SLPCODER_RULES.
set -euo pipefail
: "${SLPCODER_BIN:?}" "${SLPCODER_SOURCE_DIR:?}" "${SLPCODER_RULES:?}"
python3 - "$SLPCODER_BIN/slpcoder" "$SLPCODER_SOURCE_DIR" "$SLPCODER_RULES" <<'PY'
import csv, json, subprocess, sys
from decimal import Decimal as D, ROUND_HALF_UP
binary, src, rules = sys.argv[1:4]

def rvu_file(path):
    """code -> (work, pe_nf, pe_fac, mp, cf) from a PPRRVU csv, columns found by heading."""
    rows = list(csv.reader(open(path, newline="")))
    head = next(i for i, r in enumerate(rows) if r and r[0] == "HCPCS")
    joined = [" ".join(r[c].strip() for r in rows[:head + 1] if c < len(r) and r[c].strip())
              for c in range(len(rows[head]))]
    def col(name):
        return next(i for i, h in enumerate(joined) if h == name or h.endswith(" " + name))
    w, pn, pf, mp, cf = (col(n) for n in ("WORK RVU", "NON-FAC PE RVU", "FACILITY PE RVU", "MP RVU", "CONV FACTOR"))
    out = {}
    for r in rows[head + 1:]:
        if r and r[0] and r[1] == "":
            out[r[0]] = tuple(D(r[i]) for i in (w, pn, pf, mp, cf))
    return out

cms = {2025: rvu_file(f"{src}/tests/data/cms/pfs/PPRRVU2025_Oct.csv"),
       2026: rvu_file(f"{src}/tests/data/cms/pfs/PPRRVU2026_Jul_nonQPP.csv")}
totals_only = {(2026, "97130"): (D("0.63"), D("0.55"))}
facility_pos = {"02", "06", "08", "19", "21", "22", "23", "24", "26", "31", "34", "41", "42",
                "51", "52", "53", "56", "61"}

def cms_unit(year, code, pos):
    fac = pos in facility_pos
    cf = cms[year]["92507"][4]
    if (year, code) in totals_only:
        total = totals_only[(year, code)][1 if fac else 0]
    else:
        w, pn, pf, mp, _ = cms[year][code]
        total = w + (pf if fac else pn) + mp
    return int((total * cf * 100).quantize(D(1), rounding=ROUND_HALF_UP))

sessions = [  # (activity, diagnoses): one session per code family
    ({"kind": "TREATMENT", "area": "LANGUAGE", "minutes": 30}, ["F80.2"]),
    ({"kind": "TREATMENT", "area": "LANGUAGE", "minutes": 30, "groupSize": 3}, ["F80.2"]),
    ({"kind": "EVALUATION", "area": "FLUENCY", "minutes": 30}, ["F80.81"]),
    ({"kind": "EVALUATION", "area": "SPEECH_SOUND", "minutes": 30}, ["F80.0"]),
    ({"kind": "EVALUATION", "area": "LANGUAGE", "minutes": 30}, ["F80.2"]),
    ({"kind": "EVALUATION", "area": "VOICE", "minutes": 30}, ["R49.0"]),
    ({"kind": "TREATMENT", "area": "SWALLOWING", "minutes": 30}, ["R13.12"]),
    ({"kind": "EVALUATION", "area": "SWALLOWING", "minutes": 40}, ["R13.12"]),
    ({"kind": "EVALUATION", "area": "SPEECH_GENERATING_DEVICE", "minutes": 90}, ["R47.01"]),
    ({"kind": "TREATMENT", "area": "SPEECH_GENERATING_DEVICE", "minutes": 30}, ["R47.01"]),
    ({"kind": "EVALUATION", "area": "AURAL_REHAB", "minutes": 75}, ["H90.3"]),
    ({"kind": "EVALUATION", "area": "COGNITION", "minutes": 60}, ["R41.841"]),
    ({"kind": "TREATMENT", "area": "COGNITION", "minutes": 38}, ["R41.841"]),
]
base = json.load(open(f"{src}/tests/cli/data/session.json"))
dates = {2025: ("2025-06-10", "1749578400000", "2025-06-01", "2025-06-03", "2025-08-29"),
         2026: ("2026-03-10", "1773162000000", "2026-02-02", "2026-02-04", "2026-04-30")}
seen, bad, table = set(), 0, []
for year in (2025, 2026):
    for act, dx in sessions:
        for pos in ("11", "22", "32", "02", "10", "12"):
            s = json.loads(json.dumps(base))
            dos, ms, start, cert, end = dates[year]
            s.update(dateOfService=dos, reportedAtMs=ms, placeOfService=pos, activities=[act],
                     diagnoses=dx,
                     delivery="TELEHEALTH_VIDEO" if pos in ("02", "10") else "IN_PERSON")
            s["planOfCare"].update(startDate=start, certifiedDate=cert, endDate=end)
            out = subprocess.run([binary, "code", f"--rules={rules}", "-"], input=json.dumps(s),
                                 capture_output=True, text=True)
            res = json.loads(out.stdout) if out.returncode == 0 else {}
            if "claim" not in res:
                print(f"FAIL {year} POS {pos} {act}: not a claim: {out.stdout or out.stderr}")
                bad += 1
                continue
            for line in res["claim"]["lines"]:
                code, units = line["procedureCode"], line["units"]
                got = int(line.get("allowedCents", "0"))
                want = units * cms_unit(year, code, pos)
                seen.add(code)
                table.append((code, year, pos, units, got, want))
                if got != want:
                    bad += 1
print("code  year  POS  units  engine  CMS")
for code, year, pos, units, got, want in sorted(table):
    print(f"{code} {year}  {pos}   {units:>4} {got:>7} {want:>7}{'' if got == want else '  MISMATCH'}")
expected_codes = {"92507", "92508", "92521", "92522", "92523", "92524", "92526", "92607", "92608",
                  "92609", "92610", "92626", "92627", "96125", "97129", "97130"}
missing = expected_codes - seen
print(f"{len(table) - bad} of {len(table)} lines equal CMS's arithmetic; codes missing: {sorted(missing) or 'none'}")
sys.exit(1 if bad or missing else 0)
PY
