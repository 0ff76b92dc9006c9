#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# scrape-cost.sh -- what a Prometheus scrape costs the worker: sessions/s over the same inputs,
# the same command, with /metrics scraped every 100 ms (one keep-alive connection, like
# Prometheus) and with no scrape, alternating, ROUNDS times each (figures, not thresholds).
# Usage: bench/scrape-cost.sh [BUILD_DIR]   (SLPCODER_BENCH_COUNT inputs, default 60000;
#        SLPCODER_BENCH_ROUNDS, default 3)
ROOT=$(cd "$(dirname "$0")/.." && pwd)
export SLPCODER_BIN=${SLPCODER_BIN:-${1:-$ROOT/build}/bin}
export SLPCODER_SOURCE_DIR=${SLPCODER_SOURCE_DIR:-$ROOT}
source "$ROOT/tests/daemon/lib.bash"
N=${SLPCODER_BENCH_COUNT:-60000}
ROUNDS=${SLPCODER_BENCH_ROUNDS:-3}
start_host -X embedded.partitions=12
gen "$N" 81 --garbage 0.01

SCRAPER='
import http.client, sys, time, os
port, pid = int(sys.argv[1]), int(sys.argv[2])
c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
n = size = 0
spent = 0.0
next_t = time.monotonic()
while True:
    try:
        os.kill(pid, 0)
        t0 = time.monotonic()
        c.request("GET", "/metrics")
        r = c.getresponse()
        size = len(r.read())
        spent += time.monotonic() - t0
        n += r.status == 200
    except (OSError, http.client.HTTPException):
        break
    next_t += 0.1
    time.sleep(max(0, next_t - time.monotonic()))
print(n, size, "%.3f" % (spent / n * 1000 if n else 0))
'
printf '%-8s %-7s %10s %10s %10s\n' round scrape inputs rate/s scrapes
declare -A sum=([none]=0 [100ms]=0)
ms_all=""
for ((r = 1; r <= ROUNDS; r++)); do
  for mode in none 100ms; do
    name="scrape-$mode-$r"
    start_worker "$name" -X kafka.group.id="bench.$name.$RANDOM" -X exit.when.idle.ms=2500 -X summary=true \
      -X log.level=info -X max.in.flight=50000 -X http.listen=127.0.0.1:0
    scrapes=-
    if [[ $mode == 100ms ]]; then
      wait_for "$WORK/$name.err" 'http: listening on' 10
      port=$(sed -n 's/.*http: listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$WORK/$name.err")
      "$PY" -c "$SCRAPER" "$port" "$WPID" >"$WORK/$name.scrapes" &
      SPID=$!
    fi
    wait_exit "$WPID" 300
    [[ $RC == 0 ]] || die "$name exited $RC"
    if [[ $mode == 100ms ]]; then
      wait "$SPID" || true
      read -r scrapes bytes ms <"$WORK/$name.scrapes"
      ms_all+=" $ms"
    fi
    line=$(grep '^summary:' "$WORK/$name.out") || die "$name printed no summary"
    [[ $line == *" consumed=$N "* ]] || die "$name: $line"
    rate=$(sed -n 's/.* rate=\([0-9]*\)\/s.*/\1/p' <<<"$line")
    sum[$mode]=$((sum[$mode] + rate))
    printf '%-8s %-7s %10s %10s %10s\n' "$r" "$mode" "$N" "$rate" "$scrapes"
  done
done
awk -v a="${sum[100ms]}" -v b="${sum[none]}" -v n="$ROUNDS" -v bytes="${bytes:-0}" 'BEGIN {
  printf "mean rate/s: no scrape %.0f, scrape every 100 ms %.0f (x %.3f); a scrape is %d bytes\n",
         b / n, a / n, (b > 0 ? a / b : 0), bytes }'
echo "a scrape's round trip (request to last byte, client side), per scraped run, ms:$ms_all"
echo "scrape-cost figures (mock cluster, $(nproc) cores shared with the cluster and the scraper)"
