#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""diff_cases.py -- `slpcoder diff` names exactly the claims and dollars a one-row bundle change alters.

Five bundle pairs, each differing from the default by one row (a PTP row, an MUE value, a new
fee year, a KX threshold, a payer row). The sessions are built here so the test knows which of
them carry the affected code; the expected event ids and dollar deltas are computed here from
the bundle's own fee, conversion and threshold tables (never read back from the tool).
Run by tests/cli/diff.sh with BIN and RULES in the environment.
"""
import csv
import datetime
import json
import os
import shutil
import subprocess
import sys
import tempfile
from decimal import ROUND_HALF_UP, Decimal

BIN = os.environ["SLPCODER_BIN"] + "/slpcoder"
RULES = os.environ["SLPCODER_RULES"]
TMP = tempfile.mkdtemp(prefix="slpdiff.")
FAILS = []


def check(name, cond, detail=""):
    print(("ok   " if cond else "FAIL ") + name + ("" if cond else ": " + detail))
    if not cond:
        FAILS.append(name)


def table(path):
    """Rows of a bundle TSV as dicts keyed by its header (comments skipped)."""
    with open(path) as f:
        lines = [l.rstrip("\n") for l in f if l.strip() and not l.startswith("#")]
    head = lines[0].split("\t")
    return [dict(zip(head, l.split("\t"))) for l in lines[1:]]


def pricing_status(bundle):
    """The conversion factor column the bundle prices with (manifest [pricing] qpp_status)."""
    status, section = "nonQPP", ""
    with open(bundle + "/manifest.ini") as f:
        for line in f:
            line = line.split(";")[0].strip()
            if line.startswith("["):
                section = line
            elif section == "[pricing]" and line.startswith("qpp_status"):
                status = line.split("=", 1)[1].strip()
    return status


def fee_row(bundle, code, year):
    rows = [r for r in table(bundle + "/fees.tsv") if r["code"] == code and int(r["year"]) <= year]
    return max(rows, key=lambda r: int(r["year"]))


def conversion(bundle, year):
    cfs = [r for r in table(bundle + "/conversion.tsv") if int(r["year"]) <= year
           and r.get("qpp_status", "nonQPP") == pricing_status(bundle)]
    return Decimal(max(cfs, key=lambda r: int(r["year"]))["conversion_factor"])


def fee_cents(bundle, code, year, facility=False, pe_share=Decimal(1)):
    """One unit at national rates (GPCI 1.0; ORG-1 has no locality): (work + PE x pe_share + MP)
    RVUs of the latest year <= DOS year x that year's conversion factor, rounded half up to cents;
    the national total when the row has no components. pe_share < 1 is a PE reduced by MPPR."""
    r = fee_row(bundle, code, year)
    pe = r.get("pe_facility_rvu" if facility else "pe_nonfacility_rvu", "-")
    if pe not in ("-", "", None) and r.get("work_rvu", "-") != "-":
        rvu = Decimal(r["work_rvu"]) + Decimal(pe) * pe_share + Decimal(r["mp_rvu"])
    else:
        rvu = Decimal(r["facility_rvu" if facility else "nonfacility_rvu"])
    return int((rvu * conversion(bundle, year) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def mppr_pair_cents(bundle, a, b, year):
    """A claim of one unit each of codes a and b under therapy MPPR (mppr.tsv): the unit with
    the higher PE payment in full, the other's PE reduced by the table's percentage."""
    path = bundle + "/mppr.tsv"
    if not os.path.exists(path):
        return fee_cents(bundle, a, year) + fee_cents(bundle, b, year)
    pct = Decimal(table(path)[-1]["pe_reduction_percent"])
    ra, rb = fee_row(bundle, a, year), fee_row(bundle, b, year)
    if ra.get("mult_proc") != "5" or rb.get("mult_proc") != "5":
        return fee_cents(bundle, a, year) + fee_cents(bundle, b, year)
    full, other = (a, b) if Decimal(ra["pe_nonfacility_rvu"]) >= Decimal(rb["pe_nonfacility_rvu"]) else (b, a)
    return fee_cents(bundle, full, year) + fee_cents(bundle, other, year, pe_share=(100 - pct) / 100)


def kx_cents(bundle, year):
    row = [r for r in table(bundle + "/kx.tsv") if int(r["year"]) == year][0]
    return int(Decimal(row["kx_threshold"]) * 100)


def session(eid, acts, dx, payer="COMMERCIAL", payer_id="", dos="2026-03-10", ytd=0, visits=0,
            necessity=True):
    d = datetime.date.fromisoformat(dos)
    reported = int(datetime.datetime(d.year, d.month, d.day, 17, tzinfo=datetime.timezone.utc).timestamp() * 1000)
    start = d - datetime.timedelta(days=30)
    s = {
        "eventId": eid, "encounterId": "enc-" + eid, "organizationId": "ORG-1",
        "reportedAtMs": str(reported),
        "patient": {"patientId": "P-" + eid, "birthDate": "1950-01-01", "memberId": "M-" + eid},
        "coverage": {"payerKind": payer, "payerId": payer_id, "ytdTherapyAllowedCents": str(ytd),
                     "visitsThisYear": visits},
        "renderingProvider": {"npi": "1234567893", "credential": "SLP", "taxonomy": "235Z00000X"},
        "billingNpi": "1245319599", "dateOfService": dos, "placeOfService": "11", "delivery": "IN_PERSON",
        "activities": [{"kind": "TREATMENT", "area": a, "minutes": m} for a, m in acts],
        "diagnoses": dx,
        "planOfCare": {"startDate": start.isoformat(), "certifiedDate": (start + datetime.timedelta(days=2)).isoformat(),
                       "endDate": (start + datetime.timedelta(days=80)).isoformat(), "referralOnFile": True,
                       "treatmentDaysSinceProgressReport": 2},
        "documentation": {"goals": True, "techniques": True, "progress": True, "medicalNecessity": necessity},
    }
    if payer in ("MEDICAID", "MEDICARE_ADVANTAGE"):
        s["priorAuthorization"] = "PA-" + eid
    return s


def bundle(name, edit):
    d = os.path.join(TMP, name)
    shutil.copytree(RULES, d)
    edit(d)
    return d


def append(path, line):
    with open(path, "a") as f:
        f.write(line + "\n")


def rewrite(path, fn):
    with open(path) as f:
        text = f.read()
    with open(path, "w") as f:
        f.write(fn(text))


def run_diff(name, b, sessions, fmt="json", extra=()):
    inp = os.path.join(TMP, name + ".jsonl")
    with open(inp, "w") as f:
        for s in sessions:
            f.write(json.dumps(s) + "\n")
    full = os.path.join(TMP, name + ".full.jsonl")
    p = subprocess.run([BIN, "diff", "--rules", RULES, "--rules", b, "--in", inp, "--format=" + fmt,
                        "--samples", "1000", "--full", full, *extra], capture_output=True, text=True)
    if p.returncode != 0:
        check(name + ": exit 0", False, f"exit {p.returncode}: {p.stderr[:400]}")
        return None, []
    with open(full) as f:
        pairs = [json.loads(l) for l in f]
    return (json.loads(p.stdout) if fmt == "json" else p.stdout), pairs


def kind(rep, k):
    return next((r for r in rep["kinds"] if r["kind"] == k), {"inputs": 0, "allowedDeltaCents": 0, "samples": []})


def rule(rep, rid, which):
    return next((r[which] for r in rep["rules"] if r["ruleId"] == rid), {"inputs": 0, "allowedDeltaCents": 0, "samples": []})


def expect_exact(name, rep, pairs, ids, delta):
    ids = sorted(ids)
    t = rep["totals"]
    check(name + ": changed = the sessions with the affected code", sorted(rep["outcomes"]["changed"]["samples"]) == ids,
          f"{sorted(rep['outcomes']['changed']['samples'])} != {ids}")
    check(name + ": changed count", t["changed"] == len(ids) and t["unchanged"] == t["inputs"] - len(ids), str(t))
    check(name + ": --full has exactly those pairs", sorted(p["eventId"] for p in pairs) == ids,
          str([p["eventId"] for p in pairs]))
    check(name + f": allowed delta {delta} cents", t["allowedDeltaCents"] == delta
          and t["allowedAfterCents"] - t["allowedBeforeCents"] == delta, str(t))


# ---- 1. one PTP row: 92526 (column 2) not payable beside 92507 (a test row, not a CMS edit) ------
def case_ptp():
    b = bundle("ptp", lambda d: append(d + "/ptp.tsv", "92507\t92526\t2025-01-01\t*\t0"))
    both = [session(f"both-{i}", [("LANGUAGE", 30), ("SWALLOWING", 20)], ["F80.2", "R13.12"]) for i in range(6)]
    lang = [session(f"lang-{i}", [("LANGUAGE", 30)], ["F80.2"]) for i in range(5)]
    swal = [session(f"swal-{i}", [("SWALLOWING", 25)], ["R13.12"]) for i in range(4)]
    rep, pairs = run_diff("ptp", b, lang + both + swal)
    if rep is None:
        return
    ids = [s["eventId"] for s in both]
    # Before: 92507 + 92526 on one claim (multiple-procedure reduction on one of them); after: 92507 alone.
    per_claim = fee_cents(RULES, "92507", 2026) - mppr_pair_cents(RULES, "92507", "92526", 2026)
    expect_exact("ptp", rep, pairs, ids, len(both) * per_claim)
    check("ptp: kind code names them", sorted(kind(rep, "code")["samples"]) == sorted(ids), str(kind(rep, "code")))
    r = rule(rep, "ncci.ptp", "starts")
    check("ptp: ncci.ptp starts firing on them", r["inputs"] == len(both) and sorted(r["samples"]) == sorted(ids), str(r))
    check("ptp: the after side has no 92526 line",
          all(all(l["procedureCode"] != "92526" for l in p["after"]["claim"]["lines"]) for p in pairs))


# ---- 2. one MUE value: 97130 capped at 2 units a day (a test value, not the CMS MUE) ---------------
def case_mue():
    b = bundle("mue", lambda d: append(d + "/mue.tsv", "97130\t2\t3"))
    minutes = [75, 53, 45, 38, 23, 90]
    sess = [session(f"cog-{m}", [("COGNITION", m)], ["R41.840"]) for m in minutes]
    sess += [session("lang-0", [("LANGUAGE", 40)], ["F80.2"])]
    rep, pairs = run_diff("mue", b, sess)
    if rep is None:
        return
    fee = fee_cents(RULES, "97130", 2026)
    ids, delta = [], 0
    for m in minutes:
        add_on = (m + 7) // 15 - 1  # the 8-minute rule over the day's timed minutes, less 97129's unit
        if add_on > 2:
            ids.append(f"cog-{m}")
            delta -= (add_on - 2) * fee
    expect_exact("mue", rep, pairs, ids, delta)
    check("mue: kind units names them", sorted(kind(rep, "units")["samples"]) == sorted(ids), str(kind(rep, "units")))
    r = rule(rep, "mue.units_capped", "starts")
    check("mue: mue.units_capped starts firing on them", sorted(r["samples"]) == sorted(ids)
          and r["allowedDeltaCents"] == delta, str(r))


# ---- 3. a new fee year: the 2026 RVUs and conversion factors added to a bundle that stopped at 2025 --
def case_fee_year():
    def drop_2026(d):
        for t in ("conversion.tsv", "fees.tsv"):
            rewrite(d + "/" + t, lambda t: "".join(l for l in t.splitlines(True) if not l.startswith("2026\t")))
    a = bundle("fee-before", drop_2026)
    codes = [("LANGUAGE", "92507", ["F80.2"]), ("SWALLOWING", "92526", ["R13.12"])]
    sess = [session(f"y26-{code}-{i}", [(area, 30)], dx) for area, code, dx in codes for i in range(3)]
    sess += [session(f"y25-{code}", [(area, 30)], dx, dos="2025-06-10") for area, code, dx in codes]
    global RULES
    saved, RULES = RULES, a  # before = the bundle without 2026, after = the default bundle
    try:
        rep, pairs = run_diff("fee-year", saved, sess)
    finally:
        RULES = saved
    if rep is None:
        return
    ids = [s["eventId"] for s in sess if s["dateOfService"].startswith("2026")]
    delta = sum(3 * (fee_cents(saved, code, 2026) - fee_cents(a, code, 2026)) for _, code, _ in codes)
    expect_exact("fee year", rep, pairs, ids, delta)
    check("fee year: kind allowed names them; only amounts and findings changed",
          sorted(kind(rep, "allowed")["samples"]) == sorted(ids)
          and {k["kind"] for k in rep["kinds"]} <= {"allowed", "findings"}, str(rep["kinds"]))
    # The bundle without the year prices 2026 with 2025's values and says so (rules.provisional).
    r = rule(rep, "rules.provisional", "stops")
    check("fee year: rules.provisional stops on them", sorted(r["samples"]) == sorted(ids)
          and r["allowedDeltaCents"] == delta, str(r))


# ---- 4. a KX threshold: the 2026 row left at the 2025 amount --------------------------------------
def case_kx():
    t25 = table(RULES + "/kx.tsv")
    row25 = next(r for r in t25 if r["year"] == "2025")
    b = bundle("kx", lambda d: rewrite(d + "/kx.tsv", lambda t: "".join(
        "2026\t" + row25["kx_threshold"] + "\t" + row25["review_threshold"] + "\n" if l.startswith("2026\t") else l
        for l in t.splitlines(True))))
    lo, hi = kx_cents(b, 2026), kx_cents(RULES, 2026)
    fee = fee_cents(RULES, "92507", 2026)
    between = (lo + hi) // 2 - fee  # ytd + this claim lands between the two thresholds
    sess = []
    for i in range(4):
        sess.append(session(f"kx-nec-{i}", [("LANGUAGE", 30)], ["F80.2"], payer="MEDICARE_PART_B", ytd=between))
    for i in range(3):
        sess.append(session(f"kx-none-{i}", [("LANGUAGE", 30)], ["F80.2"], payer="MEDICARE_PART_B", ytd=between,
                            necessity=False))
    sess.append(session("kx-below", [("LANGUAGE", 30)], ["F80.2"], payer="MEDICARE_PART_B", ytd=lo - fee - 500))
    sess.append(session("kx-above", [("LANGUAGE", 30)], ["F80.2"], payer="MEDICARE_PART_B", ytd=hi + 100))
    sess.append(session("kx-comm", [("LANGUAGE", 30)], ["F80.2"], ytd=between))  # no KX policy
    rep, pairs = run_diff("kx", b, sess)
    if rep is None:
        return
    nec = [f"kx-nec-{i}" for i in range(4)]
    none = [f"kx-none-{i}" for i in range(3)]
    # kx-above keeps KX under both, but its INFO finding quotes the threshold: a wording change only.
    expect_exact("kx", rep, pairs, nec + none + ["kx-above"], -len(none) * fee)
    ft = kind(rep, "finding text")
    check("kx: the quoted threshold is a finding-text change", "kx-above" in ft["samples"], str(ft))
    above = next(p for p in pairs if p["eventId"] == "kx-above")
    check("kx: kx-above's lines are the same", above["before"]["claim"]["lines"] == above["after"]["claim"]["lines"])
    k = kind(rep, "modifier KX added")
    check("kx: modifier KX added on the documented ones, no dollars", sorted(k["samples"]) == nec
          and k["allowedDeltaCents"] == 0, str(k))
    nr = rep["outcomes"]["newlyRejected"]
    check("kx: newly rejected = the undocumented ones", sorted(nr["samples"]) == none
          and nr["allowedDeltaCents"] == -len(none) * fee, str(nr))
    r = rule(rep, "medicare.kx_threshold", "starts")
    check("kx: medicare.kx_threshold starts on them", sorted(r["samples"]) == none, str(r))


# ---- 5. a payer row: a (made-up) commercial plan with a 10-visit limit ----------------------------
def case_payer():
    def add_payer(d):
        head = table(d + "/payers.tsv")[0].keys()
        vals = {"payer_id": "ACME-PPO", "payer_kind": "COMMERCIAL", "visit_limit": "10"}
        append(d + "/payers.tsv", "\t".join(vals.get(h, "=") for h in head))
    b = bundle("payer", add_payer)
    sess = [session(f"acme-over-{i}", [("LANGUAGE", 30)], ["F80.2"], payer_id="ACME-PPO", visits=12 + i) for i in range(3)]
    sess += [session(f"acme-under-{i}", [("LANGUAGE", 30)], ["F80.2"], payer_id="ACME-PPO", visits=i) for i in range(3)]
    sess += [session(f"other-{i}", [("LANGUAGE", 30)], ["F80.2"], visits=12 + i) for i in range(3)]
    rep, pairs = run_diff("payer", b, sess)
    if rep is None:
        return
    ids = [f"acme-over-{i}" for i in range(3)]
    fee = fee_cents(RULES, "92507", 2026)
    expect_exact("payer", rep, pairs, ids, -3 * fee)
    r = rule(rep, "benefit.visit_limit", "starts")
    check("payer: benefit.visit_limit starts on them", sorted(r["samples"]) == ids and r["allowedDeltaCents"] == -3 * fee, str(r))
    check("payer: all newly rejected", rep["totals"]["newlyRejected"] == 3, str(rep["totals"]))

    # The same run as CSV and text: the same figures, and the same bytes twice (deterministic).
    out1, _ = run_diff("payer", b, sess, fmt="csv")
    out2, _ = run_diff("payer", b, sess, fmt="csv")
    rows = list(csv.reader((out1 or "").splitlines()))
    delta_row = next((r for r in rows if r[:2] == ["totals", "allowed_delta"]), None)
    check("payer: csv allowed_delta row", delta_row is not None and int(delta_row[3]) == -3 * fee, str(delta_row))
    check("payer: csv is deterministic", out1 == out2 and out1)
    text, _ = run_diff("payer", b, sess, fmt="text")
    check("payer: text names the rule and the dollars",
          text is not None and "benefit.visit_limit starts" in text
          and f"-{3 * fee // 100}.{3 * fee % 100:02d}" in text, (text or "")[:600])
    check("payer: text has no patient id", text is not None and "P-acme" not in text and "M-acme" not in text)


def case_errors():
    inp = os.path.join(TMP, "bad.jsonl")
    good = session("g-1", [("LANGUAGE", 30)], ["F80.2"])
    with open(inp, "w") as f:
        f.write(json.dumps(good) + "\n" + '{"activities":[{"minutes":"ten"}]}\n')
    p = subprocess.run([BIN, "diff", "--rules", RULES, "--rules", RULES, "--in", inp, "--format=json"],
                       capture_output=True, text=True)
    rep = json.loads(p.stdout) if p.returncode == 0 else None
    check("errors: an undecodable line is counted, named by file:line", rep is not None
          and rep["totals"]["undecodable"] == 1 and rep["totals"]["unchanged"] == 1
          and "bad.jsonl:2" in p.stderr, p.stderr[:300])
    p = subprocess.run([BIN, "diff", "--rules", RULES, "--in", inp], capture_output=True, text=True)
    check("errors: one --rules is a usage error (64)", p.returncode == 64, str(p.returncode))
    p = subprocess.run([BIN, "diff", "--rules", RULES, "--rules", TMP + "/nope", "--in", inp], capture_output=True, text=True)
    check("errors: a missing bundle exits 78", p.returncode == 78, str(p.returncode))
    p = subprocess.run([BIN, "diff", "--rules", RULES, "--rules", RULES, "--brokers", "127.0.0.1:1", "--topic", "t",
                        "-X", "kafka.no.such.property=1"], capture_output=True, text=True)
    check("errors: a bad -X setting exits 78 naming it", p.returncode == 78 and "no.such.property" in p.stderr,
          f"{p.returncode} {p.stderr[:200]}")
    trunc = os.path.join(TMP, "trunc.bin")
    with open(trunc, "wb") as f:
        f.write(b"\x90\x03\x0a")
    p = subprocess.run([BIN, "diff", "--rules", RULES, "--rules", RULES, "--in", trunc], capture_output=True, text=True)
    check("errors: a truncated delimited file names the record and byte", p.returncode == 65
          and "record 1 (byte 0)" in p.stderr and "truncated" in p.stderr, p.stderr[:300])


def case_gen_formats():
    """The generator's delimited and hex files and stdin give byte-identical reports."""
    b = os.path.join(TMP, "ptp")  # from case_ptp: 92526 not payable beside 92507
    outs = []
    for fmt in ("delimited", "hex"):
        path = os.path.join(TMP, "gen." + fmt)
        subprocess.run([BIN, "gen", "--count", "3000", "--multi", "0.3", "--format", fmt, "--out", path],
                       check=True, capture_output=True)
        outs.append(subprocess.run([BIN, "diff", "--rules", RULES, "--rules", b, "--in", path,
                                    "--input-format", fmt, "--format=json"], capture_output=True, text=True).stdout)
    with open(os.path.join(TMP, "gen.delimited"), "rb") as f:
        outs.append(subprocess.run([BIN, "diff", "--rules", RULES, "--rules", b, "--in", "-", "--format=json"],
                                   stdin=f, capture_output=True, text=True).stdout)
    rep = json.loads(outs[0]) if outs[0] else None
    check("gen formats: delimited, hex and stdin give the same report", outs[0] and outs[0] == outs[1] == outs[2])
    check("gen formats: --multi sessions meet the PTP row", rep is not None and rep["totals"]["inputs"] == 3000
          and rule(rep, "ncci.ptp", "starts")["inputs"] > 0, str(rep and rep["totals"]))


try:
    for case in (case_ptp, case_mue, case_fee_year, case_kx, case_payer, case_errors, case_gen_formats):
        case()
finally:
    if not FAILS:
        shutil.rmtree(TMP, ignore_errors=True)
    else:
        print("kept " + TMP)
print(f"{len(FAILS)} failed")
sys.exit(1 if FAILS else 0)
