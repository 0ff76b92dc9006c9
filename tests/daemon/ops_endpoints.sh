#!/usr/bin/env bash
# ops_endpoints.sh -- /metrics, /healthz, /readyz in every state (ops_endpoints.py does the work).
source "$(dirname "$0")/lib.bash"
"$PY" "$HERE/ops_endpoints.py"
