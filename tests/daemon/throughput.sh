#!/usr/bin/env bash
# throughput.sh -- mock tier: sessions/s of the worker in both delivery modes beside a
# pass-through relay, over the same inputs in the same run (figures, not thresholds).
source "$(dirname "$0")/lib.bash"
N=${SLPCODER_BENCH_COUNT:-60000}
start_host -X embedded.partitions=12
gen "$N" 81 --garbage 0.01
bench_table "$N"
echo "PASS throughput (mock cluster, $(nproc) cores shared with the cluster)"
