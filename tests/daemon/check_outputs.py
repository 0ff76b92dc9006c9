#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""check_outputs.py -- read slpcoderd's input and output topics and prove the contract.

Every input offset has an output (exactly one with --exactly-once), on the right
topic (by the generator's manifest), keyed like its input, with the headers the
contract names; a DLQ record carries the input bytes unchanged; duplicates are
byte-identical. Prints one summary line; exits 0 when all holds.
Needs Debian's python3-confluent-kafka (/usr/bin/python3).
"""
import argparse, collections, sys, time
from confluent_kafka import Consumer, KafkaException, TopicPartition, OFFSET_BEGINNING

p = argparse.ArgumentParser()
p.add_argument("--bootstrap", required=True)
p.add_argument("--expect", type=int, required=True, help="inputs on the input topic")
p.add_argument("--manifest", help="slpcoder gen --format manifest output")
p.add_argument("--timeout", type=float, default=60)
p.add_argument("--idle", type=float, default=1.5)
p.add_argument("--exactly-once", action="store_true")
p.add_argument("--read-committed", action="store_true")
p.add_argument("--input", default="slp.sessions")
p.add_argument("--coded", default="claims.coded")
p.add_argument("--rejected", default="claims.rejected")
p.add_argument("--dlq", default="slp.sessions.dlq")
a = p.parse_args()

def consumer(committed):
    return Consumer({"bootstrap.servers": a.bootstrap, "group.id": "checker", "enable.auto.commit": False,
                     "isolation.level": "read_committed" if committed else "read_uncommitted",
                     "fetch.wait.max.ms": 10, "log_level": 3})

def assign_all(c, topics):
    md = c.list_topics(timeout=10)
    tps = []
    for t in topics:
        if t not in md.topics:
            continue
        for pid in md.topics[t].partitions:
            tps.append(TopicPartition(t, pid, OFFSET_BEGINNING))
    c.assign(tps)

fail = []
deadline = time.time() + a.timeout

# 1. the inputs
inputs = {}
c = consumer(False)
assign_all(c, [a.input])
# Read up to the high watermarks once --expect inputs are there (or the producer is done).
ends = {}
settle = time.time() + min(30, a.timeout / 3)
while time.time() < deadline:
    for m in c.consume(1000, 0.3):
        if m.error():
            continue
        inputs[(m.partition(), m.offset())] = (m.key() or b"", m.value() or b"")
    if len(inputs) >= a.expect or time.time() > settle:
        done = True
        for tp in c.assignment():
            try:
                lo, hi = c.get_watermark_offsets(tp, timeout=5)
            except KafkaException as e:
                # A leader move (broker3 kills leaders) answers NOT_LEADER or a timeout
                # until the metadata catches up: not done yet, ask again next turn.
                done = False
                print(f"check_outputs: watermarks of {tp.topic}/{tp.partition}: {e}; retrying",
                      file=sys.stderr)
                break
            have = max([o for (pp, o) in inputs if pp == tp.partition] or [lo - 1]) + 1
            if have < hi:
                done = False
        if done:
            break
c.close()
if len(inputs) < a.expect:
    fail.append(f"only {len(inputs)} of {a.expect} inputs on the input topic")

manifest = {}
if a.manifest:
    for line in open(a.manifest):
        ev, kind, key = (line.rstrip("\n").split("\t") + ["", ""])[:3]
        manifest[ev] = kind
n_garbage = sum(1 for k in manifest.values() if k == "dlq")

# 2. the outputs, until every input is covered and the topics went quiet
outs = collections.defaultdict(list)  # (partition, offset) -> [(topic, key, value, event_id)]
per_topic = collections.Counter()
c = consumer(a.read_committed)
assign_all(c, [a.coded, a.rejected, a.dlq])
last_msg = time.time()
while time.time() < deadline:
    msgs = c.consume(1000, 0.2)
    for m in msgs:
        if m.error():
            continue
        last_msg = time.time()
        per_topic[m.topic()] += 1
        h = {k: (v or b"").decode() for k, v in (m.headers() or [])}
        for need in ("slpcoder.event_id", "slpcoder.rules_version", "slpcoder.source"):
            if need not in h:
                fail.append(f"{m.topic()}/{m.partition()}/{m.offset()}: no header {need}")
        if m.topic() == a.dlq and not h.get("slpcoder.error"):
            fail.append(f"dlq/{m.partition()}/{m.offset()}: no slpcoder.error header")
        src = h.get("slpcoder.source", "")
        try:
            st, sp, so = src.rsplit("/", 2)
            sp, so = int(sp), int(so)
        except ValueError:
            fail.append(f"{m.topic()}: bad source header {src!r}")
            continue
        if st != a.input or (sp, so) not in inputs:
            fail.append(f"{m.topic()}: source {src} is no input")
            continue
        ikey, ival = inputs[(sp, so)]
        if (m.key() or b"") != ikey:
            fail.append(f"{m.topic()}: key differs from the input's at {src}")
        if m.topic() == a.dlq and (m.value() or b"") != ival:
            fail.append(f"dlq: bytes differ from the input at {src}")
        ev = h.get("slpcoder.event_id", "")
        if manifest and m.topic() != a.dlq:
            kind = manifest.get(ev)
            if kind is None:
                fail.append(f"{m.topic()}: event_id {ev} not generated")
            elif kind == "clean" and m.topic() != a.coded:
                fail.append(f"{ev}: clean session went to {m.topic()}")
            elif kind not in ("clean", "dlq"):
                if m.topic() != a.rejected:
                    fail.append(f"{ev}: defect {kind} went to {m.topic()}")
                elif kind.encode() not in (m.value() or b""):
                    fail.append(f"{ev}: rejection does not name rule {kind}")
        outs[(sp, so)].append((m.topic(), m.key(), m.value(), ev))
    if len(outs) >= len(inputs) and time.time() - last_msg >= a.idle:
        break
c.close()

missing = [k for k in inputs if k not in outs]
dups = 0
for k, lst in outs.items():
    if len(lst) > 1:
        dups += len(lst) - 1
        first = lst[0]
        for o in lst[1:]:
            if o[:3] != first[:3]:
                fail.append(f"source {k}: duplicate outputs differ")
                break
if missing:
    fail.append(f"{len(missing)} inputs have no output, e.g. {sorted(missing)[:5]}")
if a.exactly_once and dups:
    fail.append(f"exactly-once: {dups} duplicate outputs")
if manifest and per_topic[a.dlq] - 0 < n_garbage and not missing:
    fail.append(f"dlq holds {per_topic[a.dlq]} records, the generator made {n_garbage} undecodable")

print(f"check: inputs={len(inputs)} outputs={sum(per_topic.values())} covered={len(outs)} missing={len(missing)} "
      f"duplicates={dups} coded={per_topic[a.coded]} rejected={per_topic[a.rejected]} dlq={per_topic[a.dlq]}")
for f in fail[:20]:
    print("FAIL:", f)
sys.exit(1 if fail else 0)
