#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# deb.sh -- the Debian package, as a packager makes it: configure this source tree with
# dpkg-buildflags, prefix /usr and no tests, build, `cpack -G DEB`; then check the .deb's
# control data (shlibdeps Depends, conffiles, maintainer scripts) and contents, unpack it
# with dpkg-deb -x into a temporary root and run the unpacked programs there (the README's
# `slpcoder code` example, `slpcoderd --check-config` on the unpacked bundle and example
# config, the compiled-in bundle location), render its man pages, and run lintian on it:
# any E: tag fails, W:/I: tags are printed.
set -euo pipefail
: "${SLPCODER_SOURCE_DIR:?}"
SRC=$SLPCODER_SOURCE_DIR
for t in cmake cpack dpkg-deb dpkg-buildflags dpkg-shlibdeps lintian man; do
  command -v "$t" >/dev/null || { echo "FAIL: $t is missing (scripts/install-deps.sh installs it)"; exit 1; }
done
unset SLPCODER_RULES SLPCODER_RULES_DIR # the unpacked programs must find their own bundle
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
bad() { echo "FAIL: $*"; fail=1; }
ok() { echo "ok: $*"; }

# ---- build the package
version=$(sed -n 's/^project(slpcoder VERSION \([0-9.]*\).*/\1/p' "$SRC/CMakeLists.txt")
arch=$(dpkg --print-architecture)
deb="$tmp/b/slpcoder_${version}_${arch}.deb"
export CFLAGS="$(dpkg-buildflags --get CFLAGS) $(dpkg-buildflags --get CPPFLAGS)"
export LDFLAGS="$(dpkg-buildflags --get LDFLAGS)"
# systemd's own unit directory (/lib/systemd/system on Debian 12, /usr/lib/... on 13)
unitdir=$(pkg-config --variable=systemdsystemunitdir systemd 2>/dev/null || echo /lib/systemd/system)
if ! cmake -S "$SRC" -B "$tmp/b" -DCMAKE_INSTALL_PREFIX=/usr -DBUILD_TESTING=OFF \
      -DSLPCODER_SYSTEMD_UNITDIR="$unitdir" -DCMAKE_BUILD_TYPE=RelWithDebInfo >"$tmp/configure.log" 2>&1; then
  cat "$tmp/configure.log"; echo "FAIL: configure (BUILD_TESTING=OFF, prefix /usr)"; exit 1
fi
if ! cmake --build "$tmp/b" -j2 >"$tmp/build.log" 2>&1; then
  tail -n 40 "$tmp/build.log"; echo "FAIL: build"; exit 1
fi
grep -i "cmocka" "$tmp/b/CMakeCache.txt" | grep -qv "^//" && bad "BUILD_TESTING=OFF still looked for cmocka"
if ! (cd "$tmp/b" && cpack -G DEB) >"$tmp/cpack.log" 2>&1; then
  cat "$tmp/cpack.log"; echo "FAIL: cpack -G DEB"; exit 1
fi
[[ -f "$deb" ]] || { ls "$tmp/b"/*.deb; echo "FAIL: no $(basename "$deb")"; exit 1; }
ok "built $(basename "$deb") ($(stat -c %s "$deb") bytes)"

# ---- control data
dpkg-deb -f "$deb" Depends >"$tmp/depends"
echo "Depends: $(cat "$tmp/depends")"
for lib in libc6 librdkafka1 libuv1 libprotobuf-c1 libjansson4 libinih1 adduser; do
  grep -q "\b$lib\b" "$tmp/depends" || bad "Depends lacks $lib"
done
grep -q "(>= " "$tmp/depends" || bad "Depends carries no versions (not from dpkg-shlibdeps?)"
dpkg-deb -e "$deb" "$tmp/control"
grep -qx "/etc/slpcoder/slpcoderd.conf.example" "$tmp/control/conffiles" || bad "conffiles: $(cat "$tmp/control/conffiles")"
for s in postinst postrm; do
  [[ -x "$tmp/control/$s" ]] || bad "$s missing or not executable"
  sh -n "$tmp/control/$s" || bad "$s: shell syntax"
done
grep -q "adduser --system" "$tmp/control/postinst" || bad "postinst creates no system user"

# ---- contents
dpkg-deb -c "$deb" | awk '{print $6}' | sed 's|^\./|/|' >"$tmp/contents"
want=(/usr/bin/slpcoder /usr/bin/slpcoderd /usr/share/slpcoder/rules/default/manifest.ini
  /usr/share/slpcoder/rules/default/codes.tsv /etc/slpcoder/slpcoderd.conf.example
  /usr/share/man/man1/slpcoder.1.gz /usr/share/man/man8/slpcoderd.8.gz
  /usr/share/doc/slpcoder/copyright /usr/share/doc/slpcoder/changelog.gz)
have_unit=0
[[ -f "$SRC/systemd/slpcoderd@.service" || -f "$SRC/systemd/slpcoderd@.service.in" ]] && have_unit=1
((have_unit)) && want+=("$unitdir/slpcoderd@.service")
for f in "${want[@]}"; do grep -qx "$f" "$tmp/contents" || bad "the package lacks $f"; done
if ((!have_unit)); then
  echo "NOTE: no systemd/slpcoderd@.service(.in) in this tree yet: the package has no unit"
  grep -q "slpcoderd@.service" "$tmp/contents" && bad "a unit is packaged but the source tree has none"
fi
grep -E '^/usr/(bin|share/slpcoder)|^/etc|systemd|man' "$tmp/contents" | grep -v '/$' | grep -v 'rules/default/' || true
echo "($(grep -c 'rules/default/' "$tmp/contents") entries under /usr/share/slpcoder/rules/default)"

# ---- unpacked and run
root="$tmp/root"
dpkg-deb -x "$deb" "$root"
if ((have_unit)); then
  grep -q "^ExecStart=/usr/bin/slpcoderd " "$root$unitdir/slpcoderd@.service" &&
    ok "the unit starts the packaged /usr/bin/slpcoderd" ||
    bad "the packaged unit's ExecStart: $(grep ExecStart "$root$unitdir/slpcoderd@.service")"
fi
example=$(python3 - "$SRC/README.md" <<'PY'
import re, sys
for block in re.findall(r"```console\n(.*?)```", open(sys.argv[1]).read(), re.S):
    lines = block.rstrip("\n").split("\n")
    if lines[0] == "$ build/bin/slpcoder code tests/cli/data/session.json":
        print("\n".join(lines[1:])); break
PY
)
[[ -n "$example" ]] || bad "README has no '\$ build/bin/slpcoder code tests/cli/data/session.json' example"
if got=$(cd "$SRC" && "$root/usr/bin/slpcoder" code tests/cli/data/session.json 2>"$tmp/err"); then
  if [[ "$got" == "$example" ]]; then ok "unpacked slpcoder code prints the README's claim"
  else bad "unpacked slpcoder code differs from the README:"; diff <(echo "$example") <(echo "$got") | head -20; fi
else
  bad "unpacked slpcoder code exited $?: $(cat "$tmp/err")"
fi
if "$root/usr/bin/slpcoderd" --check-config -X kafka.bootstrap.servers=127.0.0.1:9 >"$tmp/check" 2>&1; then
  grep -q "^configuration ok; rules $root/usr/bin/../share/slpcoder/rules/default version=" "$tmp/check" &&
    ok "unpacked slpcoderd --check-config loads the unpacked bundle: $(grep '^configuration ok' "$tmp/check")" ||
    bad "check-config did not use the unpacked bundle: $(cat "$tmp/check")"
else
  bad "unpacked slpcoderd --check-config failed: $(cat "$tmp/check")"
fi
"$root/usr/bin/slpcoderd" --check-config -c "$root/etc/slpcoder/slpcoderd.conf.example" >"$tmp/check2" 2>&1 &&
  ok "the packaged slpcoderd.conf.example passes --check-config" ||
  bad "the packaged slpcoderd.conf.example fails --check-config: $(cat "$tmp/check2")"
# Away from its share/ the binary falls back to the data dir compiled in (/usr/share/slpcoder).
mkdir -p "$tmp/lonely/bin"
cp "$root/usr/bin/slpcoder" "$tmp/lonely/bin/"
if [[ -d /usr/share/slpcoder/rules/default ]]; then
  echo "NOTE: /usr/share/slpcoder/rules/default exists on this machine: the fallback check runs against it"
  "$tmp/lonely/bin/slpcoder" rules check /usr/share/slpcoder/rules/default >/dev/null || bad "installed bundle does not load"
else
  rc=0; (cd "$SRC" && "$tmp/lonely/bin/slpcoder" code tests/cli/data/session.json) >/dev/null 2>"$tmp/err" || rc=$?
  [[ $rc == 78 ]] && grep -q "/usr/share/slpcoder/rules/default" "$tmp/err" &&
    ok "a relocated binary looks for the compiled-in /usr/share/slpcoder/rules/default" ||
    bad "relocated binary: exit $rc, $(cat "$tmp/err")"
fi
for page in man1/slpcoder.1.gz man8/slpcoderd.8.gz; do
  w=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 -l -Tutf8 -Z "$root/usr/share/man/$page" 2>&1 >/dev/null || true)
  [[ -z "$w" ]] || bad "man $page: $w"
done
zcat "$root/usr/share/man/man8/slpcoderd.8.gz" | grep -q '^\.B max\\-in\\-flight\|^\.B max.in.flight' ||
  bad "slpcoderd(8) has no max.in.flight entry (not generated from the settings table?)"

# ---- lintian
lintian --tag-display-limit 0 --display-info "$deb" >"$tmp/lintian" 2>&1 || true
echo "---- lintian $(basename "$deb")"
grep -E '^[EWIXOP]: ' "$tmp/lintian" || echo "(no tags)"
if grep -q '^E: ' "$tmp/lintian"; then bad "lintian reports errors"; fi
if ! grep -qE '^[EWIXOP]: |^$|not recommended' "$tmp/lintian" && [[ -s "$tmp/lintian" ]]; then
  cat "$tmp/lintian"
fi

((fail == 0)) && echo "package: ok"
exit "$fail"
