#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# ops_endpoints.sh -- /metrics, /healthz, /readyz in every state (ops_endpoints.py does the work).
source "$(dirname "$0")/lib.bash"
"$PY" "$HERE/ops_endpoints.py"
