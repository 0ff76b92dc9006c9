#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# test.sh -- install what the build needs, then build and run the suite five ways:
#   default (RelWithDebInfo), asan (AddressSanitizer + UBSan over every test),
#   tsan (ThreadSanitizer over the io label: the worker, its threads and librdkafka's),
#   engine-only (the engine and rules alone, without protobuf-c, librdkafka or libuv),
#   fuzz (clang libFuzzer targets under ASan + UBSan, 20 s each: ctest label fuzz).
# Usage: scripts/test.sh [preset ...]   (default: all five)
# The suite mostly waits on clusters (a mock join takes 3 s, the real broker more): ctest runs
# twice as many tests as there are cores (SLPCODER_TEST_JOBS overrides), each shell tier one
# test at a time (its RESOURCE_LOCK in CMakeLists.txt).
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/install-deps.sh

presets=("$@")
if ((${#presets[@]} == 0)); then presets=(default asan tsan engine-only fuzz); fi
jobs=$(nproc 2>/dev/null || echo 2)
test_jobs=${SLPCODER_TEST_JOBS:-$((jobs * 2))}

for p in "${presets[@]}"; do
  echo "=== preset ${p}: configure and build ($(date -u +%T))"
  cmake --preset "$p" >/dev/null
  cmake --build --preset "$p" -j "$jobs"
  echo "=== preset ${p}: test ($(date -u +%T))"
  ctest --preset "$p" -j "$test_jobs"
done
echo "=== all presets passed: ${presets[*]}"
