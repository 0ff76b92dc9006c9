#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# daemon-mock.sh -- mock tier: sessions/s of the worker in both delivery modes beside a
# pass-through relay, over the same inputs in the same run (figures, not thresholds).
# Usage: bench/daemon-mock.sh [BUILD_DIR]   (default build/; SLPCODER_BENCH_COUNT sets the input count)
ROOT=$(cd "$(dirname "$0")/.." && pwd)
export SLPCODER_BIN=${SLPCODER_BIN:-${1:-$ROOT/build}/bin}
export SLPCODER_SOURCE_DIR=${SLPCODER_SOURCE_DIR:-$ROOT}
source "$ROOT/tests/daemon/lib.bash"
N=${SLPCODER_BENCH_COUNT:-60000}
start_host -X embedded.partitions=12
gen "$N" 81 --garbage 0.01
bench_table "$N"
echo "throughput figures (mock cluster, $(nproc) cores shared with the cluster)"
