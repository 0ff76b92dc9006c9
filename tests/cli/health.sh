#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# health.sh -- `slpcoder health URL` (the container HEALTHCHECK): exit 0 on 200, 1 on any other
# status, a refused connection, a silent server or a non-HTTP answer; 64 on a bad URL.
set -euo pipefail
: "${SLPCODER_BIN:?}"
BIN="$SLPCODER_BIN/slpcoder"
tmp=$(mktemp -d)
srv=
cleanup() { [[ -n "$srv" ]] && kill "$srv" 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
fail=0
expect() { # name want_rc stderr_or_stdout_substring -- cmd...
  local name=$1 want=$2 sub=$3; shift 4
  local rc=0
  "$@" >"$tmp/out" 2>&1 || rc=$?
  if [[ $rc != "$want" ]] || ! grep -qF -- "$sub" "$tmp/out"; then
    echo "FAIL: $name: exit $rc (want $want), output: $(cat "$tmp/out") (want \"$sub\")"; fail=1
  else
    echo "ok: $name"
  fi
}

# A tiny server: /healthz 200, /down 503, /silent never answers, /junk not HTTP.
/usr/bin/python3 - "$tmp/port" <<'PY' &
import socket, sys, threading
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 0)); s.listen(16)
open(sys.argv[1] + ".tmp", "w").write(str(s.getsockname()[1]))
import os; os.rename(sys.argv[1] + ".tmp", sys.argv[1])
held = []
def serve(c):
    req = b""
    while b"\r\n\r\n" not in req:
        d = c.recv(4096)
        if not d: return
        req += d
    path = req.split(b" ")[1]
    if path == b"/healthz": c.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nok\n")
    elif path == b"/down": c.sendall(b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n")
    elif path == b"/silent": held.append(c); return
    else: c.sendall(b"hello\n")
    c.close()
while True:
    c, _ = s.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()
PY
srv=$!
for _ in $(seq 1 100); do [[ -s "$tmp/port" ]] && break; sleep 0.05; done
[[ -s "$tmp/port" ]] || { echo "FAIL: test server did not start"; exit 1; }
port=$(cat "$tmp/port")
# a port nothing listens on: bind and close one
free=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')

expect "200 is healthy" 0 "200 OK" -- "$BIN" health "http://127.0.0.1:$port/healthz"
expect "localhost resolves" 0 "200 OK" -- "$BIN" health "http://localhost:$port/healthz"
expect "503 is unhealthy" 1 "503 Service Unavailable" -- "$BIN" health "http://127.0.0.1:$port/down"
expect "refused is unhealthy" 1 "Connection refused" -- "$BIN" health "http://127.0.0.1:$free/healthz"
expect "silent server times out" 1 "timed out" -- "$BIN" health --timeout=300 "http://127.0.0.1:$port/silent"
expect "not HTTP" 1 "not an HTTP answer" -- "$BIN" health "http://127.0.0.1:$port/junk"
expect "https is a usage error" 64 "expected http://HOST" -- "$BIN" health "https://127.0.0.1/healthz"
expect "bad port" 64 "expected http://HOST" -- "$BIN" health "http://127.0.0.1:x/healthz"
expect "missing URL" 64 "missing URL" -- "$BIN" health
expect "bad timeout" 64 "--timeout" -- "$BIN" health --timeout=0 "http://127.0.0.1:$port/healthz"
exit "$fail"
