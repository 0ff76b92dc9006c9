#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# ops_notify.sh -- sd_notify under a fake NOTIFY_SOCKET (ops_notify.py does the work).
source "$(dirname "$0")/lib.bash"
"$PY" "$HERE/ops_notify.py"
