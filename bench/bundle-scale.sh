#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# bundle-scale.sh -- the default bundle beside a full-size one (bench/gen-full-bundle.py:
# synthetic, CMS-sized PTP/ICD-10-CM/MUE files, generated here into the work dir and removed
# after): `slpcoder rules check` time and RSS, then the worker's sessions/s, CPU per input and
# peak RSS with each, at-least-once, over the same inputs in the same run, alternating.
# SLPCODER_BENCH_COMPARE=DIR (the bin/ of another build, e.g. main's) adds that build's rows,
# marked old, right after the same row of this build, with the ratio new/old. Figures, not
# thresholds.
# Usage: bench/bundle-scale.sh [BUILD_DIR]   (SLPCODER_BENCH_COUNT inputs, default 60000;
#        SLPCODER_BENCH_REPEAT rounds, default 2)
ROOT=$(cd "$(dirname "$0")/.." && pwd)
export SLPCODER_BIN=${SLPCODER_BIN:-${1:-$ROOT/build}/bin}
export SLPCODER_SOURCE_DIR=${SLPCODER_SOURCE_DIR:-$ROOT}
source "$ROOT/tests/daemon/lib.bash"
N=${SLPCODER_BENCH_COUNT:-60000}
REPEAT=${SLPCODER_BENCH_REPEAT:-2}
OLD=${SLPCODER_BENCH_COMPARE:-}
DEFAULT=$BIN/../share/slpcoder/rules/default
FULL=$WORK/full-bundle
/usr/bin/python3 "$ROOT/bench/gen-full-bundle.py" "$DEFAULT" "$FULL" >/dev/null || die "gen-full-bundle failed"
declare -A LOAD_CPU # build-bundle -> rules check CPU seconds (last round)
BUILDS=(new)
[[ -n $OLD ]] && BUILDS+=(old)
bindir() { if [[ $1 == old ]]; then echo "$OLD"; else echo "$BIN"; fi; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else printf "-" }'; }

# rules check: CPU (user+sys) is the figure to read on a shared box; "x new" is old's over new's.
printf '%-5s %-8s %8s %8s %8s %8s %6s\n' build bundle wall_s cpu_s "x new" rss_mb round
for ((r = 1; r <= REPEAT; r++)); do
  for b in default full; do
    dir=$DEFAULT; [[ $b == full ]] && dir=$FULL
    for k in "${BUILDS[@]}"; do
      /usr/bin/time -f '%e %U %S %M' -o "$WORK/time" "$(bindir "$k")/slpcoder" rules check "$dir" >/dev/null \
        || die "rules check $k $b failed"
      read -r wall u s kb <"$WORK/time"
      cpu=$(awk -v a="$u" -v b="$s" 'BEGIN { printf "%.2f", a + b }')
      [[ $k == new ]] && base_cpu=$cpu
      LOAD_CPU[$k-$b]=$cpu
      printf '%-5s %-8s %8s %8s %8s %8s %6s\n' "$k" "$b" "$wall" "$cpu" "$(ratio "$cpu" "$base_cpu")" \
        "$((kb / 1024))" "$r"
    done
  done
done

start_host -X embedded.partitions=12
gen "$N" 81 --garbage 0.01
# The worker: "x default" is the rate over the same build's default-bundle rate in this round,
# us/in the worker's CPU per input (its summary: start-up and the bundle load included), "-load"
# the same less the rules check CPU of that build and bundle spread over the inputs, rss its peak.
printf '%-5s %-8s %8s %9s %9s %8s %8s %8s %6s\n' build bundle inputs rate/s "x default" us/in -load \
  rss_mb round
for ((r = 1; r <= REPEAT; r++)); do
  for k in "${BUILDS[@]}"; do
    for b in default full; do
      dir=$DEFAULT; [[ $b == full ]] && dir=$FULL
      name=scale-$k-$b-$r
      "/usr/bin/time" -f '%M' -o "$WORK/$name.rss" "$(bindir "$k")/slpcoderd" -X kafka.bootstrap.servers="$BS" "${TEST_KAFKA[@]}" \
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
      us=$(sed -n 's/.*us_per_input=\([0-9.]*\).*/\1/p' "$WORK/$name.out" | head -n 1)
      [[ $b == default ]] && base=$rate
      net=$(awk -v u="${us:-0}" -v l="${LOAD_CPU[$k-$b]:-0}" -v n="$N" 'BEGIN { printf "%.1f", u - l * 1e6 / n }')
      printf '%-5s %-8s %8s %9s %9s %8s %8s %8s %6s\n' "$k" "$b" "$N" "$rate" "$(ratio "$rate" "$base")" \
        "${us:--}" "$net" "$(($(tail -n 1 "$WORK/$name.rss") / 1024))" "$r"
    done
  done
done
echo "bundle scale figures ($(nproc) cores shared; load $(cut -d' ' -f1-3 /proc/loadavg); the full bundle is synthetic, see bench/gen-full-bundle.py)"
