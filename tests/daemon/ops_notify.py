#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""ops_notify.py -- slpcoderd speaks systemd's notification protocol to a fake NOTIFY_SOCKET.

The test makes the Unix datagram socket itself, starts slpcoderd on its embedded cluster
with NOTIFY_SOCKET and WATCHDOG_USEC set, and checks: READY=1 once the worker runs (with a
STATUS= line), WATCHDOG=1 pings at about half of WATCHDOG_USEC, RELOADING=1 then READY=1
around SIGHUP, STOPPING=1 on SIGTERM, exit 0. Every wait is on a condition with a deadline.
"""
import os, re, signal, socket, subprocess, sys, tempfile, time

BIN = os.environ["SLPCODER_BIN"]
work = tempfile.mkdtemp(prefix="slpcoder-notify.")
path = os.path.join(work, "notify.sock")
sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
sock.bind(path)
WATCHDOG_USEC = 1_000_000  # pings every 500 ms

env = dict(os.environ, NOTIFY_SOCKET=path, WATCHDOG_USEC=str(WATCHDOG_USEC))
err = open(os.path.join(work, "d.err"), "w")
d = subprocess.Popen([f"{BIN}/slpcoderd", "--embedded-kafka", "-X", "embedded.generate=200",
                      "-X", "kafka.session.timeout.ms=3000", "-X", "kafka.heartbeat.interval.ms=500",
                      "-X", "kafka.fetch.wait.max.ms=10"],
                     env=env, stdout=subprocess.DEVNULL, stderr=err)
got = []  # (time, message)

def fail(msg):
    d.kill()
    print("FAIL:", msg)
    print("messages:", [m for _, m in got])
    print(open(os.path.join(work, "d.err")).read()[-3000:])
    sys.exit(1)

def wait_for(pred, what, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        sock.settimeout(max(0.01, deadline - time.time()))
        try:
            data = sock.recv(4096).decode()
        except socket.timeout:
            break
        got.append((time.time(), data))
        if pred(data):
            return data
    fail(f"no {what} within {timeout} s")

ready = wait_for(lambda m: "READY=1" in m.split("\n"), "READY=1")
if "STATUS=" not in ready:
    fail("READY=1 came without a STATUS= line: " + repr(ready))
print("READY:", ready.replace("\n", " | "))
# Watchdog: three pings, spaced near WATCHDOG_USEC / 2.
t = []
while len(t) < 3:
    wait_for(lambda m: m == "WATCHDOG=1", "WATCHDOG=1", timeout=5)
    t.append(got[-1][0])
gaps = [b - a for a, b in zip(t, t[1:])]
half = WATCHDOG_USEC / 2e6
if not all(0.5 * half <= g <= 2.5 * half for g in gaps):
    fail(f"watchdog pings {gaps} s apart, expected about {half} s")
print("WATCHDOG gaps:", ["%.3f" % g for g in gaps])

n = len(got)
d.send_signal(signal.SIGHUP)
wait_for(lambda m: "RELOADING=1" in m.split("\n"), "RELOADING=1")
rel = got[-1][1]
if "MONOTONIC_USEC=" not in rel:
    fail("RELOADING=1 without MONOTONIC_USEC: " + repr(rel))
wait_for(lambda m: "READY=1" in m.split("\n"), "READY=1 after the reload")
print("RELOAD:", rel.replace("\n", " | "), "->", got[-1][1].replace("\n", " | "))

d.send_signal(signal.SIGTERM)
wait_for(lambda m: "STOPPING=1" in m.split("\n"), "STOPPING=1")
try:
    rc = d.wait(timeout=30)
except subprocess.TimeoutExpired:
    fail("slpcoderd did not exit within 30 s of SIGTERM")
if rc != 0:
    fail(f"exit {rc}")
# The daemon has exited: whatever it sent is in the socket's queue now (watchdog pings go on
# while it drains). Take all of it, so the check below sees only what a second run sends.
sock.setblocking(False)
while True:
    try:
        got.append((time.time(), sock.recv(4096).decode()))
    except BlockingIOError:
        break
sock.setblocking(True)
order = [m.split("\n")[0] for _, m in got if not m.startswith("WATCHDOG") and not m.startswith("STATUS")]
want = ["READY=1", "RELOADING=1", "READY=1", "STOPPING=1"]
if order != want:
    fail(f"message order {order}, want {want}")

# Without NOTIFY_SOCKET: nothing is sent, no watchdog timer, a normal run.
env = {k: v for k, v in os.environ.items() if k not in ("NOTIFY_SOCKET",)}
env["WATCHDOG_USEC"] = str(WATCHDOG_USEC)
r = subprocess.run([f"{BIN}/slpcoderd", "--embedded-kafka", "-X", "embedded.generate=50",
                    "-X", "exit.when.idle.ms=1000", "-X", "kafka.session.timeout.ms=3000",
                    "-X", "kafka.heartbeat.interval.ms=500", "-X", "http.listen=[::1]:0"],
                   env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=60)
if r.returncode != 0 or b"watchdog" in r.stderr or b"sd_notify" in r.stderr:
    fail(f"without NOTIFY_SOCKET: exit {r.returncode}, log {r.stderr[-500:]!r}")
if not re.search(rb"http: listening on \[::1\]:[1-9][0-9]*", r.stderr):
    fail("http.listen=[::1]:0 did not listen on IPv6 loopback")
sock.settimeout(0.2)
try:
    extra = sock.recv(4096)
    fail(f"a message arrived with NOTIFY_SOCKET unset: {extra!r}")
except socket.timeout:
    pass
print("PASS ops_notify")
