#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# bundle-scale.sh -- the default bundle beside a full-size one (bench/gen-full-bundle.py:
# synthetic, CMS-sized PTP/ICD-10-CM/MUE files, generated here into the work dir and removed
# after): `slpcoder rules check` time and RSS, then the worker's sessions/s and peak RSS with
# each, at-least-once, over the same inputs in the same run, alternating. Figures, not thresholds.
# Usage: bench/bundle-scale.sh [BUILD_DIR]   (SLPCODER_BENCH_COUNT inputs, default 60000;
#        SLPCODER_BENCH_REPEAT rounds, default 2)
ROOT=$(cd "$(dirname "$0")/.." && pwd)
export SLPCODER_BIN=${SLPCODER_BIN:-${1:-$ROOT/build}/bin}
export SLPCODER_SOURCE_DIR=${SLPCODER_SOURCE_DIR:-$ROOT}
source "$ROOT/tests/daemon/lib.bash"
N=${SLPCODER_BENCH_COUNT:-60000}
REPEAT=${SLPCODER_BENCH_REPEAT:-2}
DEFAULT=$BIN/../share/slpcoder/rules/default
FULL=$WORK/full-bundle
/usr/bin/python3 "$ROOT/bench/gen-full-bundle.py" "$DEFAULT" "$FULL" >/dev/null || die "gen-full-bundle failed"

printf '%-8s %-22s %8s %8s %8s %8s\n' bundle "rules check" wall_s cpu_s rss_mb round
for ((r = 1; r <= REPEAT; r++)); do
  for b in default full; do
    dir=$DEFAULT; [[ $b == full ]] && dir=$FULL
    /usr/bin/time -f '%e %U %S %M' -o "$WORK/time" "$BIN/slpcoder" rules check "$dir" >/dev/null \
      || die "rules check $b failed"
    read -r wall u s kb <"$WORK/time"
    printf '%-8s %-22s %8s %8s %8s %8s\n' "$b" "" "$wall" "$(awk -v a="$u" -v b="$s" 'BEGIN { printf "%.2f", a + b }')" \
      "$((kb / 1024))" "$r"
  done
done

start_host -X embedded.partitions=12
gen "$N" 81 --garbage 0.01
printf '%-8s %-14s %8s %9s %9s %8s %8s\n' bundle delivery inputs rate/s "x default" rss_mb round
for ((r = 1; r <= REPEAT; r++)); do
  for b in default full; do
    dir=$DEFAULT; [[ $b == full ]] && dir=$FULL
    name=scale-$b-$r
    "/usr/bin/time" -f '%M' -o "$WORK/$name.rss" "$BIN/slpcoderd" -X kafka.bootstrap.servers="$BS" "${TEST_KAFKA[@]}" \
      -X topic.input="$T_IN" -X topic.coded="$T_CODED" -X topic.rejected="$T_REJ" -X topic.dlq="$T_DLQ" \
      -X rules.dir="$dir" -X kafka.group.id="$name.$RANDOM" -X exit.when.idle.ms=2500 -X summary=true \
      -X log.level=warn -X max.in.flight=50000 >"$WORK/$name.out" 2>"$WORK/$name.err" &
    WPID=$!
    PIDS+=("$WPID")
    wait_exit "$WPID" 300
    [[ $RC == 0 ]] || die "$name exited $RC"
    line=$(grep '^summary:' "$WORK/$name.out") || die "$name printed no summary"
    [[ $line == *" consumed=$N "* ]] || die "$name: $line"
    rate=$(sed -n 's/.* rate=\([0-9]*\)\/s.*/\1/p' <<<"$line")
    [[ $b == default ]] && base=$rate
    printf '%-8s %-14s %8s %9s %9s %8s %8s\n' "$b" at-least-once "$N" "$rate" \
      "$(awk -v a="$rate" -v b="$base" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')" \
      "$(($(tail -n 1 "$WORK/$name.rss") / 1024))" "$r"
  done
done
echo "bundle scale figures ($(nproc) cores shared; the full bundle is synthetic, see bench/gen-full-bundle.py)"
