#!/usr/bin/env bash
# ops_notify.sh -- sd_notify under a fake NOTIFY_SOCKET (ops_notify.py does the work).
source "$(dirname "$0")/lib.bash"
"$PY" "$HERE/ops_notify.py"
