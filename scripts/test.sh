#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# test.sh -- install what the build needs, then build and run the whole suite three ways:
#   default (RelWithDebInfo), asan (AddressSanitizer + UBSan over every test),
#   engine-only (the engine and rules alone, without protobuf-c, librdkafka or libuv),
#   fuzz (clang libFuzzer targets under ASan + UBSan, 20 s each: ctest label fuzz).
# Usage: scripts/test.sh [preset ...]   (default: all four)
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/install-deps.sh

presets=("$@")
if ((${#presets[@]} == 0)); then presets=(default asan engine-only fuzz); fi
jobs=$(nproc 2>/dev/null || echo 2)

for p in "${presets[@]}"; do
  echo "=== preset ${p}: configure and build"
  cmake --preset "$p" >/dev/null
  cmake --build --preset "$p" -j "$jobs"
  echo "=== preset ${p}: test"
  ctest --preset "$p" -j "$jobs"
done
echo "=== all presets passed: ${presets[*]}"
