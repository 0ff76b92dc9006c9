#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# demo.sh -- the quick start's first command: install what the build needs, build, and run the
# whole pipeline on the embedded default (librdkafka's mock cluster, no Kafka to install):
# 10,000 generated sessions in, coded claims / rejections / dead letters out, a summary and
# a few claims as JSON on stdout. Extra arguments go to slpcoderd (e.g. -X delivery=exactly-once).
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/install-deps.sh --no-java >&2
cmake --preset default >/dev/null
cmake --build --preset default -j "$(nproc 2>/dev/null || echo 2)" >/dev/null
exec ./build/bin/slpcoderd --demo "$@"
