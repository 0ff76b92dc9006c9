#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# config_reload.sh -- configuration errors name the key (and file:line) and exit 78;
# --help/--version/--check-config; SIGHUP reloads the rules bundle, a bad bundle is
# logged with file:line errors while the old one keeps serving.
source "$(dirname "$0")/lib.bash"
D="$BIN/slpcoderd"

expect78() { expect_exit 78 "$@"; } # PATTERN ARGS...
expect78 'no.such.key: unknown key' --embedded-kafka -X no.such.key=1
expect78 'max.in.flight: bad value' --embedded-kafka -X max.in.flight=lots
expect78 'kafka.no.such.prop: librdkafka refused' --embedded-kafka -X kafka.no.such.prop=1
expect78 'kafka.acks' --embedded-kafka -X kafka.acks=sometimes
expect78 'kafka.bootstrap.servers: not set' -X topic.input=x
SLPCODER_DELIVERY=maybe "$D" --embedded-kafka >/dev/null 2>"$WORK/e.err" && die "bad env accepted"
grep -q 'env SLPCODER_DELIVERY: delivery: bad value' "$WORK/e.err" || die "env error: $(cat "$WORK/e.err")"
printf 'topic.input = in\n[kafka]\nbootstrap.servers = 127.0.0.1:1\n\nbatch.ms = -5\n' >"$WORK/bad.conf"
expect78 'kafka.batch.ms' -c "$WORK/bad.conf" # inside [kafka]: a librdkafka refusal with its source
grep -q "$WORK/bad.conf:5" "$WORK/c.err" || die "file error lacks file:line: $(cat "$WORK/c.err")"
printf 'topic.input = in\nmax.in.flight = 0\n' >"$WORK/bad2.conf"
expect78 "bad2.conf:2: max.in.flight: bad value" -c "$WORK/bad2.conf" --embedded-kafka
expect78 'rules.dir' --embedded-kafka -X rules.dir=/nonexistent

"$D" --check-config -c "${SLPCODER_SOURCE_DIR:-$HERE/../..}/config/slpcoderd.conf.example" >"$WORK/example.out" \
  || die "config/slpcoderd.conf.example does not pass --check-config"
"$D" --help >"$WORK/help.out" || die "--help failed"
grep -q 'shutdown.deadline.ms' "$WORK/help.out" || die "--help lacks the settings table"
"$D" --version >"$WORK/version.out" || die "--version failed"
grep -q '^slpcoderd ' "$WORK/version.out" || die "--version"
printf '[kafka]\nbootstrap.servers = 127.0.0.1:9092\nlinger.ms = 20\n[topic]\ncoded = out.coded\n' >"$WORK/ok.conf"
SLPCODER_MAX_IN_FLIGHT=77 "$D" -c "$WORK/ok.conf" -X kafka.linger.ms=30 --check-config >"$WORK/cc.out" \
  || die "--check-config failed"
grep -q '^configuration ok' "$WORK/cc.out" || die "--check-config output"
grep -q '^kafka.linger.ms = 30$' "$WORK/cc.out" || die "-X did not beat the file"
grep -q '^max.in.flight = 77$' "$WORK/cc.out" || die "env not applied"
grep -q '^topic.coded = out.coded$' "$WORK/cc.out" || die "file section not applied"

# SIGHUP: a broken bundle keeps the old one serving; a good one is swapped in.
cp -r "$SLPCODER_RULES" "$WORK/rules"
start_host
start_worker w1 -X rules.dir="$WORK/rules"
W1=$WPID
gen 500 41
wait_assigned w1 20
v1=$(sget w1 rules.version)
[[ -n $v1 ]] || die "no rules version in the stats file"
cp "$WORK/rules/codes.tsv" "$WORK/codes.good"
printf 'NOT_AN_AREA\tEVAL\tANY\t92521\tuntimed\t1\t0\t-\t0\t0\t-\t-\tspeech\t2014-01-01\t*\n' >>"$WORK/rules/codes.tsv"
kill -HUP "$W1"
wait_stats w1 20 "r.get('reloads_failed') == 1 and r.get('version') == '$v1'"
# The operator's only view of what is wrong with the bundle: each problem as file:line.
grep -q 'codes.tsv:[0-9]' "$WORK/w1.err" || die "reload error lacks file:line"
gen 500 42
cp "$WORK/codes.good" "$WORK/rules/codes.tsv"
sed -i 's/^version = .*/version = 2099.1/' "$WORK/rules/manifest.ini"
kill -HUP "$W1"
wait_stats w1 20 "r.get('reloads_ok') == 1 and r.get('version', '').startswith('2099.1+')"
gen 500 43
check --expect 1500 --timeout 60
stop_worker w1 "$W1" 30 "c['consumed'] == 1500 and r['version'].startswith('2099.1+')"
echo "PASS config_reload"
