#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# replay.sh -- mock tier: dead letters and rejections back through the pipeline with `slpcoder
# replay` after a fix, once each, a killed replay re-run without repeats; `slpcoder diff` over a
# topic range agrees with the worker (tests/daemon/replay_lib.bash).
source "$(dirname "$0")/lib.bash"
source "$HERE/replay_lib.bash"

start_host
replay_scenario
echo "PASS replay"
