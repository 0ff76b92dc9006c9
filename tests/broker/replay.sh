#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# replay.sh -- real-broker tier: the replay scenario of tests/daemon/replay_lib.bash against Apache
# Kafka (real transactions: a killed replay's open transaction is aborted, read_committed
# consumers never see it).
source "$(dirname "$0")/lib.bash"
source "$HERE/replay_lib.bash"

start_broker
fresh_topics replay
replay_scenario
echo "PASS broker replay"
