#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# diff.sh -- `slpcoder diff` on five one-row bundle changes (PTP, MUE, fee year, KX, payer): each
# names exactly the expected claims and dollars (tests/cli/diff_cases.py computes them itself).
set -euo pipefail
exec /usr/bin/python3 "$(dirname "$0")/diff_cases.py"
