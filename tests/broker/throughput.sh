#!/usr/bin/env bash
# throughput.sh -- real broker: sessions/s of the worker in both delivery modes beside a
# pass-through relay, over the same inputs in the same run (figures, not thresholds).
source "$(dirname "$0")/lib.bash"
N=${SLPCODER_BENCH_COUNT:-100000}
start_broker
fresh_topics bench
gen "$N" 91 --garbage 0.01
bench_table "$N"
echo "PASS throughput (real broker, $(nproc) cores shared with the broker)"
