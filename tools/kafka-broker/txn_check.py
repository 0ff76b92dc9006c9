#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Transactions on the real broker (needs Debian's python3-confluent-kafka: run with /usr/bin/python3).

  txn_check.py BOOTSTRAP IN_TOPIC OUT_TOPIC

1. Plain transactions on OUT_TOPIC: commit 100, abort 50, commit 10; a read_committed
   consumer must see exactly the 110 committed records, read_uncommitted all 160.
2. Consume-transform-produce: read every record of IN_TOPIC in a consumer group and
   write one output per input in transactions with send_offsets_to_transaction; the
   group's committed offsets must then equal IN_TOPIC's end offsets.
Exit 0 when all holds; prints a one-line summary per check on stderr.
"""
import sys
import time
import uuid

from confluent_kafka import Consumer, KafkaException, Producer, TopicPartition


def log(*a):
    print("txn_check:", *a, file=sys.stderr, flush=True)


def drain(boot, topic, isolation, group=None, idle_s=3.0):
    c = Consumer({
        "bootstrap.servers": boot,
        "group.id": group or f"txn-check-{uuid.uuid4()}",
        "auto.offset.reset": "earliest",
        "enable.auto.commit": False,
        "isolation.level": isolation,
    })
    c.subscribe([topic])
    seen, last = [], time.time()
    while time.time() - last < idle_s:
        m = c.poll(0.2)
        if m is None:
            continue
        if m.error():
            raise KafkaException(m.error())
        seen.append(m.value())
        last = time.time()
    c.close()
    return seen


def plain_transactions(boot, out_topic):
    p = Producer({"bootstrap.servers": boot, "transactional.id": f"txn-check-{uuid.uuid4()}"})
    p.init_transactions(30)
    for n, commit, tag in ((100, True, b"c1"), (50, False, b"ab"), (10, True, b"c2")):
        p.begin_transaction()
        for i in range(n):
            p.produce(out_topic, key=b"k%d" % i, value=tag + b"-%d" % i)
        if commit:
            p.commit_transaction(30)
        else:
            p.flush(30)  # make sure the aborted records really reach the log
            p.abort_transaction(30)
    committed = drain(boot, out_topic, "read_committed")
    everything = drain(boot, out_topic, "read_uncommitted")
    ok = (len(committed) == 110 and not any(v.startswith(b"ab") for v in committed)
          and len(everything) == 160)
    log(f"plain transactions: read_committed saw {len(committed)} (want 110, no aborted), "
        f"read_uncommitted saw {len(everything)} (want 160): {'ok' if ok else 'FAILED'}")
    return ok


def consume_transform_produce(boot, in_topic, out_topic):
    group = f"txn-ctp-{uuid.uuid4()}"
    c = Consumer({
        "bootstrap.servers": boot, "group.id": group, "auto.offset.reset": "earliest",
        "enable.auto.commit": False, "isolation.level": "read_committed",
        "partition.assignment.strategy": "cooperative-sticky",
        "session.timeout.ms": 6000,
    })
    p = Producer({"bootstrap.servers": boot, "transactional.id": f"txn-ctp-{uuid.uuid4()}"})
    p.init_transactions(30)
    c.subscribe([in_topic])
    n, last, in_txn = 0, time.time(), False
    while time.time() - last < 3.0:
        msgs = c.consume(500, 0.5)
        if not msgs:
            continue
        last = time.time()
        p.begin_transaction()
        for m in msgs:
            if m.error():
                raise KafkaException(m.error())
            p.produce(out_topic, key=m.key(), value=b"claim:" + (m.value() or b""))
        n += len(msgs)
        p.send_offsets_to_transaction(c.position(c.assignment()), c.consumer_group_metadata(), 30)
        p.commit_transaction(30)
    assignment = c.assignment()
    committed = c.committed(assignment, 10)
    want = 0
    ok = True
    for tp in committed:
        lo, hi = c.get_watermark_offsets(TopicPartition(tp.topic, tp.partition), 10)
        # With no records in a partition the group may have nothing committed for it.
        if hi > 0 and tp.offset != hi:
            ok = False
            log(f"  {tp.topic}[{tp.partition}] committed {tp.offset}, end {hi}")
        want += hi - lo
    c.close()
    ok = ok and n == want
    log(f"consume-transform-produce: {n} inputs from {len(assignment)} partitions, "
        f"{want} in the topic, committed offsets at the end: {'ok' if ok else 'FAILED'}")
    return ok


def main():
    boot, in_topic, out_topic = sys.argv[1:4]
    ok = plain_transactions(boot, out_topic)
    ok = consume_transform_produce(boot, in_topic, out_topic) and ok
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
