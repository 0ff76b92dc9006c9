#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# ops_systemd_unit.sh -- systemd/slpcoderd@.service: `systemd-analyze verify` passes, the
# directives the issue asks for are there, and `systemd-analyze security --offline=true`
# rates its exposure at or below 2.0 (the score is printed).
source "$(dirname "$0")/lib.bash"
SRC=${SLPCODER_SOURCE_DIR:?}
command -v systemd-analyze >/dev/null || die "systemd-analyze missing (Debian package systemd)"
U="$WORK/slpcoderd@.service"
sed "s|@SLPCODER_UNIT_BINDIR@|$BIN|" "$SRC/systemd/slpcoderd@.service.in" >"$U"
grep -q '@[A-Z_]*@' "$U" && die "unsubstituted @VAR@ in the unit"
# The one cmake configured for `cmake --install` is the same file with the install bindir.
[[ -f ${SLPCODER_BUILD_DIR:?}/systemd/slpcoderd@.service ]] || die "the build did not configure the unit"
diff <(sed 's|^ExecStart=[^ ]*/slpcoderd|ExecStart=X/slpcoderd|' "$U") \
  <(sed 's|^ExecStart=[^ ]*/slpcoderd|ExecStart=X/slpcoderd|' "$SLPCODER_BUILD_DIR/systemd/slpcoderd@.service") \
  || die "the configured unit differs from the template beyond ExecStart"

(cd "$WORK" && systemd-analyze verify "$U") >"$WORK/verify.out" 2>&1 || die "systemd-analyze verify: $(cat "$WORK/verify.out")"
[[ ! -s $WORK/verify.out ]] || die "systemd-analyze verify complained: $(cat "$WORK/verify.out")"

for d in 'Type=notify' 'WatchdogSec=' 'ExecReload=/bin/kill -HUP $MAINPID' 'Restart=on-failure' \
  'User=slpcoder' 'Group=slpcoder' 'DynamicUser=yes' 'NoNewPrivileges=yes' 'ProtectSystem=strict' 'ProtectHome=yes' 'PrivateTmp=yes' \
  'PrivateDevices=yes' 'CapabilityBoundingSet=' 'RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6' \
  'SystemCallFilter=@system-service' 'MemoryDenyWriteExecute=yes' 'UMask=077' \
  'ExecStart=.*-c /etc/slpcoder/%i.conf' 'Environment=SLPCODER_TRANSACTIONAL_ID=slpcoderd-%H-%i' \
  'Environment=SLPCODER_KAFKA_GROUP_INSTANCE_ID=slpcoderd-%H-%i'; do
  grep -q -- "^$d" "$U" || die "the unit lacks $d"
done
# TimeoutStopSec above shutdown.deadline.ms (from slpcoderd's own default) plus its 60 s hard deadline.
stop=$(sed -n 's/^TimeoutStopSec=\([0-9]*\)s$/\1/p' "$U")
deadline_ms=$("$BIN/slpcoderd" --check-config --embedded-kafka 2>/dev/null | sed -n 's/^shutdown\.deadline\.ms = //p')
[[ -n $stop && -n $deadline_ms ]] || die "cannot read TimeoutStopSec ($stop) or the shutdown.deadline.ms default ($deadline_ms)"
((stop * 1000 > deadline_ms + 60000)) || die "TimeoutStopSec=${stop}s is not above shutdown.deadline.ms ${deadline_ms} + 60 s"
# The environment names really are configuration keys.
SLPCODER_TRANSACTIONAL_ID=t-1 SLPCODER_KAFKA_GROUP_INSTANCE_ID=g-1 "$BIN/slpcoderd" --check-config --embedded-kafka \
  >"$WORK/cc.out" 2>&1 || die "--check-config with the unit's environment: $(cat "$WORK/cc.out")"
grep -q '^transactional.id = t-1$' "$WORK/cc.out" || die "SLPCODER_TRANSACTIONAL_ID not applied"
grep -q '^kafka.group.instance.id = g-1$' "$WORK/cc.out" || die "SLPCODER_KAFKA_GROUP_INSTANCE_ID not applied"

(cd "$WORK" && systemd-analyze security --offline=true "$U") >"$WORK/security.out" 2>&1 || true
score=$(sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p' "$WORK/security.out")
[[ -n $score ]] || die "no exposure score: $(tail -5 "$WORK/security.out")"
grep '✗' "$WORK/security.out" | sed 's/  */ /g' || true
echo "systemd-analyze security --offline=true: exposure $score"
awk -v s="$score" 'BEGIN { exit !(s <= 2.0) }' || die "exposure $score is above 2.0"
# cmake --install puts it under the prefix, ExecStart pointing at the slpcoderd installed with it.
cmake --install "$SLPCODER_BUILD_DIR" --prefix "$WORK/inst" >"$WORK/install.out" 2>&1 || die "cmake --install: $(tail -3 "$WORK/install.out")"
IU="$WORK/inst/lib/systemd/system/slpcoderd@.service"
[[ -f $IU ]] || die "cmake --install did not install slpcoderd@.service"
grep -q "^ExecStart=$WORK/inst/bin/slpcoderd -c /etc/slpcoder/%i.conf$" "$IU" || die "installed ExecStart: $(grep ExecStart "$IU")"
[[ -x $WORK/inst/bin/slpcoderd ]] || die "no slpcoderd where the installed unit points"
echo "PASS ops_systemd_unit"
