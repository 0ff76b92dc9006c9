#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""poison_io.py -- the poison-pill inputs of issue 8 §1 and a summary of what came out.

produce: puts five inputs on partition 0 of the input topic, in this order:
  a valid session with a 600,000-byte event_id; undecodable bytes whose dead letter just fits
  (1,000,000 - 1,000 bytes: librdkafka's message.max.bytes counts value + key + headers);
  undecodable bytes whose dead letter just does not (1,000,000 - 10); a null value; a plain
  session (event_id "ev-next").
topics: creates the four topics with one partition each (real broker), the coded one with
  --coded-max-bytes as its max.message.bytes if given, so the broker refuses every claim.
summary: reads the three output topics to their end and prints key=value counts for the shell
  test to compare; --read-committed for the real broker.
Needs Debian's python3-confluent-kafka (/usr/bin/python3).
"""
import argparse, subprocess, sys, os
from confluent_kafka import Consumer, Producer, TopicPartition, OFFSET_BEGINNING

LIMIT = 1000000

p = argparse.ArgumentParser()
p.add_argument("cmd", choices=["topics", "produce", "summary"])
p.add_argument("--bootstrap", required=True)
p.add_argument("--input", default="slp.sessions")
p.add_argument("--coded", default="claims.coded")
p.add_argument("--rejected", default="claims.rejected")
p.add_argument("--dlq", default="slp.sessions.dlq")
p.add_argument("--read-committed", action="store_true")
p.add_argument("--plain", type=int, default=0,
               help="produce: only this many plain sessions (event_id ev-plain-N) instead")
p.add_argument("--coded-max-bytes", type=int, help="topics: the coded topic's max.message.bytes")
a = p.parse_args()

src = os.environ.get("SLPCODER_SOURCE_DIR", ".")

def varint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)

def base_session():
    protoc = os.environ.get("PROTOC") or "protoc"
    with open(os.path.join(src, "tests/golden/01_medicare_treatment.session.txtpb"), "rb") as f:
        return subprocess.run([protoc, "--encode=slpcoder.v1.SessionEvent", "-I", os.path.join(src, "proto"),
                               "slpcoder/v1/session.proto"], stdin=f, check=True, capture_output=True).stdout

def with_event_id(base, eid):
    # A later occurrence of a singular field wins (protobuf's merge rule): field 1, wire type 2.
    return base + b"\x0a" + varint(len(eid)) + eid

INPUTS_UNDER = LIMIT - 1000
INPUTS_OVER = LIMIT - 10

if a.cmd == "topics":
    from confluent_kafka.admin import AdminClient, NewTopic
    ad = AdminClient({"bootstrap.servers": a.bootstrap})
    cfg = lambda t: {"max.message.bytes": str(a.coded_max_bytes)} if t == a.coded and a.coded_max_bytes else {}
    fs = ad.create_topics([NewTopic(t, 1, 1, config=cfg(t)) for t in (a.input, a.coded, a.rejected, a.dlq)])
    for t, f in fs.items():
        f.result(30)
    sys.exit(0)

if a.cmd == "produce":
    base = base_session()
    inputs = [
        (b"k-600k", with_event_id(base, b"e" * 600000)),
        (b"k-under", b"\xff" * INPUTS_UNDER),
        (b"k-over", b"\xff" * INPUTS_OVER),
        (b"k-null", None),
        (b"k-next", with_event_id(base, b"ev-next")),
    ]
    if a.plain:
        inputs = [(b"k-plain-%d" % i, with_event_id(base, b"ev-plain-%d" % i)) for i in range(a.plain)]
    errors = []
    pr = Producer({"bootstrap.servers": a.bootstrap, "message.max.bytes": 4000000, "linger.ms": 0,
                   "enable.idempotence": True, "log_level": 3})
    for k, v in inputs:
        pr.produce(a.input, key=k, value=v, partition=0,
                   on_delivery=lambda err, msg: errors.append(err) if err else None)
        pr.flush(30)
    if errors or len(pr) != 0:
        sys.exit("produce failed: %s" % errors)
    print("produced=%d" % len(inputs))
    sys.exit(0)

c = Consumer({"bootstrap.servers": a.bootstrap, "group.id": "poison-reader", "enable.auto.commit": False,
              "isolation.level": "read_committed" if a.read_committed else "read_uncommitted",
              "fetch.wait.max.ms": 10, "enable.partition.eof": True, "log_level": 3,
              "fetch.message.max.bytes": 4000000, "fetch.max.bytes": 8000000,
              "receive.message.max.bytes": 10000000})
md = c.list_topics(timeout=10)
tps = [TopicPartition(t, p, OFFSET_BEGINNING) for t in (a.coded, a.rejected, a.dlq) if t in md.topics
       for p in md.topics[t].partitions]
c.assign(tps)
eofs, msgs = set(), []
import time
deadline = time.time() + 30
while len(eofs) < len(tps) and time.time() < deadline:
    m = c.poll(0.2)
    if m is None:
        continue
    if m.error():
        if m.error().code() == -191:  # _PARTITION_EOF
            eofs.add((m.topic(), m.partition()))
            continue
        sys.exit("consume: %s" % m.error())
    msgs.append(m)
c.close()
if len(eofs) < len(tps):
    sys.exit("no end of partition on every output after 30 s")

base = base_session()
n = {"coded": 0, "rejected": 0, "dlq": 0, "event_invalid": 0, "undeliverable": 0, "rejection_no_event_id": 0,
     "dlq_identical": 0, "dlq_null": 0, "dlq_with_error": 0, "next_coded": 0, "dlq_plain_refused": 0}
max_header, max_value = 0, 0
for m in msgs:
    v = m.value()
    hdrs = dict(m.headers() or [])
    max_header = max([max_header] + [len(x or b"") for x in hdrs.values()])
    max_value = max(max_value, len(v or b""))
    if m.topic() == a.coded:
        n["coded"] += 1
        n["next_coded"] += hdrs.get("slpcoder.event_id") == b"ev-next"
    elif m.topic() == a.rejected:
        n["rejected"] += 1
        n["event_invalid"] += b"event.invalid" in v and m.key() == b"k-600k"
        n["undeliverable"] += b"output.undeliverable" in v and m.key() == b"k-over"
        # field 1 (event_id) comes first when present: neither Rejection may carry one here
        n["rejection_no_event_id"] += v[:1] != b"\x0a" and hdrs.get("slpcoder.event_id") == b""
    else:
        n["dlq"] += 1
        n["dlq_with_error"] += bool(hdrs.get("slpcoder.error"))
        n["dlq_identical"] += m.key() == b"k-under" and v == b"\xff" * INPUTS_UNDER
        n["dlq_null"] += m.key() == b"k-null" and v is None
        k = m.key() or b""
        n["dlq_plain_refused"] += (k.startswith(b"k-plain-") and
                                   v == with_event_id(base, b"ev-plain-" + k[len(b"k-plain-"):]) and
                                   a.coded.encode() in hdrs.get("slpcoder.error", b"") and
                                   b"MSG_SIZE_TOO_LARGE" in hdrs.get("slpcoder.error", b""))
print(" ".join("%s=%d" % kv for kv in n.items()) + " max_header=%d max_value=%d" % (max_header, max_value))
