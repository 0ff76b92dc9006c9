#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# compose.sh -- what of docker-compose.yml and the Dockerfile can be checked without a container
# runtime: the compose file parses; every worker's environment passes `slpcoderd --check-config`
# (one group, exactly-once, distinct transactional.ids); every topic named matches
# docs/spec/contract.md with its partition count; the generator's arguments parse; Prometheus
# scrapes each worker's metrics port (promtool checks the file); the Dockerfile's build stage
# runs the scripts CI runs, its install step lays out what the runtime stage copies (run here
# against this build), the runtime stage installs the packages of every library the programs
# link, runs as a non-root user and checks health with `slpcoder health`, not curl.
set -euo pipefail
: "${SLPCODER_SOURCE_DIR:?}" "${SLPCODER_BIN:?}" "${SLPCODER_BUILD_DIR:?}"
/usr/bin/python3 -c 'import yaml' 2>/dev/null || { echo "FAIL: python3-yaml is missing (scripts/install-deps.sh)"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
exec /usr/bin/python3 - "$SLPCODER_SOURCE_DIR" "$SLPCODER_BIN" "$SLPCODER_BUILD_DIR" "$tmp" <<'PY'
import os, re, shlex, shutil, subprocess, sys
import yaml

src, bindir, builddir, tmp = sys.argv[1:5]
fails = []
def bad(msg): fails.append(msg); print("FAIL:", msg)
def ok(msg): print("ok:", msg)

# ---- the contract's topics and partition counts
contract = open(os.path.join(src, "docs/spec/contract.md")).read()
m = re.search(r"\| topic \| partitions \|\n\|---\|---\|\n((?:\| `[^`]+` \| \d+ \|\n)+)", contract)
if not m:
    print("FAIL: docs/spec/contract.md has no '| topic | partitions |' table"); sys.exit(1)
parts = {t: int(n) for t, n in re.findall(r"\| `([^`]+)` \| (\d+) \|", m.group(1))}
ok(f"contract topics {parts}")

# ---- compose parses, its services
compose = yaml.safe_load(open(os.path.join(src, "docker-compose.yml")))
svcs = compose.get("services", {})
ok(f"docker-compose.yml parses: services {sorted(svcs)}")
kafka = svcs.get("kafka") or {}
if not str(kafka.get("image", "")).startswith("apache/kafka:"): bad("kafka: not the apache/kafka image")
kenv = kafka.get("environment", {})
roles = set(str(kenv.get("KAFKA_PROCESS_ROLES", "")).split(","))
if roles != {"broker", "controller"}: bad(f"kafka: KAFKA_PROCESS_ROLES {roles} (KRaft combined node expected)")
if any("ZOOKEEPER" in k for k in kenv): bad("kafka: ZooKeeper settings in a KRaft broker")
adv = re.findall(r"PLAINTEXT://([^,]+)", str(kenv.get("KAFKA_ADVERTISED_LISTENERS", "")))
bootstrap = adv[0] if adv else None
if not bootstrap: bad("kafka: no PLAINTEXT advertised listener")
if str(kenv.get("KAFKA_AUTO_CREATE_TOPICS_ENABLE")).lower() != "false":
    bad("kafka: topic auto-creation is on (a typo would create a topic)")

topics_svc = svcs.get("topics") or {}
created = {}
for spec in str(topics_svc.get("environment", {}).get("TOPICS", "")).split():
    name, _, n = spec.partition(":")
    created[name] = int(n)
if created != parts: bad(f"topics service creates {created}, the contract says {parts}")
else: ok(f"topics service creates the contract's {len(parts)} topics with their partition counts")
if topics_svc.get("restart") not in ("no", None): bad("topics: not one-shot")
cmd = "\n".join(topics_svc.get("command", []) if isinstance(topics_svc.get("command"), list) else [str(topics_svc.get("command"))])
if "$$TOPICS" not in cmd or "--partitions" not in cmd: bad("topics: its command does not create $TOPICS with --partitions")

# ---- workers: each environment through slpcoderd --check-config
helptext = subprocess.run([os.path.join(bindir, "slpcoderd"), "--help"], stdout=subprocess.PIPE, text=True).stdout
known_env = set(re.findall(r"env (SLPCODER_[A-Z0-9_]+)", helptext))
workers = {n: s for n, s in svcs.items() if n.startswith("worker")}
if len(workers) < 3: bad(f"{len(workers)} workers, expected 3")
settings = {}
for name, svc in sorted(workers.items()):
    env = {k: str(v) for k, v in (svc.get("environment") or {}).items()}
    for k in env:
        if not k.startswith("SLPCODER_") or k.startswith("SLPCODER_KAFKA_") or k in known_env:
            continue
        if k == "SLPCODER_HTTP_LISTEN" and "SLPCODER_HTTP_LISTEN" not in known_env:
            print(f"NOTE: {name}: {k} is not a key of this build (http.listen comes with the "
                  "operations work); slpcoderd ignores it here")
        else:
            bad(f"{name}: {k} names no setting of slpcoderd (a typo would be ignored)")
    run_env = {"PATH": "/usr/bin:/bin", **env}
    r = subprocess.run([os.path.join(bindir, "slpcoderd"), "--check-config"], env=run_env,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if r.returncode != 0:
        bad(f"{name}: slpcoderd --check-config exited {r.returncode}: {r.stderr.strip()[-400:]}")
        continue
    eff = dict(l.split(" = ", 1) for l in r.stdout.splitlines() if " = " in l)
    settings[name] = eff
    ok(f"{name}: --check-config passes with its compose environment ({r.stdout.splitlines()[0]})")
    if eff.get("delivery") != "exactly-once": bad(f"{name}: delivery = {eff.get('delivery')}")
    if eff.get("kafka.bootstrap.servers") != bootstrap:
        bad(f"{name}: bootstrap {eff.get('kafka.bootstrap.servers')}, the broker advertises {bootstrap}")
    for key in ("topic.input", "topic.coded", "topic.rejected", "topic.dlq"):
        if eff.get(key) not in parts: bad(f"{name}: {key} = {eff.get(key)} is not a contract topic")
groups = {e.get("kafka.group.id", "slpcoder") for e in settings.values()}
tids = [e.get("transactional.id", "") for e in settings.values()]
if len(groups) != 1: bad(f"workers in different groups: {groups}")
if "" in tids or len(set(tids)) != len(tids): bad(f"transactional.ids not set and distinct: {tids}")
if settings and len(groups) == 1 and len(set(tids)) == len(tids) == len(settings):
    ok(f"{len(settings)} workers in group {groups.pop()}, transactional.ids {tids}")

# ---- the generator
gen = svcs.get("generator") or {}
argv = [str(a) for a in (gen.get("entrypoint") or [])] + [str(a) for a in (gen.get("command") or [])]
if argv[1:2] != ["gen"] or "--rate" not in argv: bad(f"generator: {argv} is not slpcoder gen --rate")
else:
    def opt(name):
        return argv[argv.index(name) + 1] if name in argv else None
    if opt("--topic") not in parts: bad(f"generator: topic {opt('--topic')} is not a contract topic")
    inputs = {e.get("topic.input") for e in settings.values()}
    if {opt("--topic")} != inputs: bad(f"generator writes {opt('--topic')}, workers read {inputs}")
    if opt("--brokers") != bootstrap: bad(f"generator: brokers {opt('--brokers')}, broker {bootstrap}")
    # its flags parse: the same arguments, to a file instead of Kafka, a few sessions
    local = [os.path.join(bindir, "slpcoder")] + argv[1:]
    for flag in ("--brokers", "--topic", "--count"):
        if flag in local:
            i = local.index(flag); del local[i:i + 2]
    local += ["--count", "5", "--out", os.path.join(tmp, "gen.bin")]
    r = subprocess.run(local, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if r.returncode != 0 or os.path.getsize(os.path.join(tmp, "gen.bin")) == 0:
        bad(f"generator arguments do not run: {shlex.join(local)}: {r.stderr.strip()}")
    else:
        ok(f"generator: slpcoder gen --rate {opt('--rate')} to {opt('--topic')} (arguments run here to a file)")

# ---- prometheus
prom = svcs.get("prometheus") or {}
vol = [v for v in prom.get("volumes", []) if str(v).endswith("/etc/prometheus/prometheus.yml:ro")]
if not vol: bad("prometheus: no prometheus.yml mounted")
else:
    host = os.path.join(src, vol[0].split(":")[0])
    pcfg = yaml.safe_load(open(host))
    targets = {t for sc in pcfg.get("scrape_configs", []) for stc in sc.get("static_configs", [])
               for t in stc.get("targets", [])}
    want = set()
    for name, svc in workers.items():
        listen = str((svc.get("environment") or {}).get("SLPCODER_HTTP_LISTEN", ""))
        port = listen.rsplit(":", 1)[-1]
        if not listen.startswith("0.0.0.0:"): bad(f"{name}: http.listen {listen!r} is not reachable from Prometheus")
        want.add(f"{svc.get('hostname', name)}:{port}")
    if targets != want: bad(f"prometheus scrapes {sorted(targets)}, the workers listen on {sorted(want)}")
    else: ok(f"prometheus scrapes {sorted(targets)}")
    if shutil.which("promtool"):
        r = subprocess.run(["promtool", "check", "config", host], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if r.returncode != 0: bad(f"promtool check config: {r.stdout.strip()}")
        else: ok("promtool check config deploy/prometheus.yml")
    else:
        print("NOTE: promtool not installed: prometheus.yml checked as YAML only")

# ---- Dockerfile
lines, cur = [], ""
for raw in open(os.path.join(src, "Dockerfile")):
    s = raw.rstrip("\n")
    if not cur and (not s.strip() or s.lstrip().startswith("#")): continue
    cur += s[:-1] + " " if s.endswith("\\") else s
    if not s.endswith("\\"): lines.append(cur.strip()); cur = ""
stages = []
for l in lines:
    word, _, rest = l.partition(" ")
    if word.upper() == "FROM": stages.append({"from": rest, "ins": []})
    elif stages: stages[-1]["ins"].append((word.upper(), rest))
if len(stages) != 2: bad(f"Dockerfile: {len(stages)} stages, expected build + runtime")
else:
    b, rt = stages
    if not re.fullmatch(r"debian:12-slim AS build", b["from"], re.I): bad(f"build stage FROM {b['from']}")
    if not rt["from"].startswith("debian:12-slim"): bad(f"runtime stage FROM {rt['from']}")
    runs = [c.strip() for w, r in b["ins"] if w == "RUN" for c in r.split("&&")]
    test_sh = open(os.path.join(src, "scripts/test.sh")).read()
    ci = open(os.path.join(src, ".ci/run")).read()
    if "scripts/test.sh" not in ci: bad(".ci/run does not run scripts/test.sh")
    # CI: test.sh runs install-deps.sh, then `cmake --preset "$p"` and `cmake --build --preset "$p"`
    for dock, ci_pat in (("./scripts/install-deps.sh --no-java", r"^\./scripts/install-deps\.sh", ),
                         ("cmake --preset default", r'cmake --preset "\$p"'),
                         ("cmake --build --preset default", r'cmake --build --preset "\$p"')):
        if not any(c == dock or c.startswith(dock + " ") for c in runs): bad(f"Dockerfile build stage does not run `{dock}`")
        elif not re.search(ci_pat, test_sh, re.M): bad(f"scripts/test.sh (CI) does not run {ci_pat}")
        else: ok(f"build stage runs `{dock}`, as CI (scripts/test.sh) does")
    other = [c for c in runs if not c.startswith(("./scripts/install-deps.sh", "cmake --preset", "cmake --build --preset", "DESTDIR=/out cmake --install build"))]
    if other: bad(f"build stage runs commands CI does not: {other}")
    inst = [c for c in runs if "cmake --install" in c]
    # the install step, run here against this build tree: what the runtime stage copies must exist
    out = os.path.join(tmp, "out")
    if inst:
        m2 = re.fullmatch(r"DESTDIR=/out cmake --install build --prefix (\S+)", inst[0])
        prefix = m2.group(1) if m2 else "/usr/local"
        r = subprocess.run(["cmake", "--install", builddir, "--prefix", prefix], env={**os.environ, "DESTDIR": out},
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if r.returncode != 0: bad(f"cmake --install: {r.stdout[-400:]}")
    else:
        bad("build stage has no `DESTDIR=/out cmake --install build`")
    for w, r in rt["ins"]:
        if w == "COPY" and r.startswith("--from=build"):
            srcpath = r.split()[1]
            if not srcpath.startswith("/out/") or not os.path.exists(out + srcpath[len("/out"):]):
                bad(f"runtime COPY {srcpath}: not in the tree the build stage installs")
            else:
                ok(f"runtime COPY {srcpath}: present in the installed tree")
    staged = os.path.join(out, "usr/local/bin/slpcoder")
    if os.path.exists(staged):
        r = subprocess.run([staged, "code", "tests/cli/data/session.json"], cwd=src, env={"PATH": "/usr/bin:/bin"},
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if r.returncode != 0 or '"claim"' not in r.stdout: bad(f"installed slpcoder code: exit {r.returncode} {r.stderr.strip()}")
        else: ok("the installed tree the runtime stage copies codes the README's session with its own bundle")
    # runtime: the packages of every library the programs link (DT_NEEDED), libc6 from the base
    apt = " ".join(r for w, r in rt["ins"] if w == "RUN")
    pkgs = set(re.findall(r"\b(lib[a-z0-9.+-]+)\b", apt.split("--no-install-recommends", 1)[-1]))
    needed = set()
    for prog in ("slpcoder", "slpcoderd"):
        d = subprocess.run(["objdump", "-p", os.path.join(bindir, prog)], stdout=subprocess.PIPE, text=True).stdout
        needed |= set(re.findall(r"NEEDED\s+(\S+)", d))
    missing = []
    san = sorted(so for so in needed if re.match(r"lib(a|ub|l|t)san\.so", so))
    if san:  # the image builds the default preset; this tree is a sanitizer build
        print(f"NOTE: sanitizer runtimes {san} are this build's, not the image's: not required there")
        needed -= set(san)
    for so in sorted(needed):
        d = subprocess.run(["dpkg", "-S", so], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True).stdout
        owners = {l.split(":")[0] for l in d.splitlines() if l.rstrip().endswith("/" + so)}
        if not owners: bad(f"no Debian package ships {so}"); continue
        if owners & {"libc6"}: continue
        if not owners & pkgs: missing.append(f"{so} ({'/'.join(sorted(owners))})")
    if missing: bad(f"runtime stage lacks the packages of {missing}")
    else: ok(f"runtime stage installs the packages of all {len(needed)} linked libraries")
    users = [r for w, r in rt["ins"] if w == "USER"]
    if not users or users[-1] in ("root", "0"): bad("runtime stage runs as root")
    hc = [r for w, r in rt["ins"] if w == "HEALTHCHECK"]
    envs = " ".join(r for w, r in rt["ins"] if w == "ENV")
    lport = re.search(r"SLPCODER_HTTP_LISTEN=\S*:(\d+)", envs)
    if not hc or "slpcoder\", \"health\"" not in hc[0]: bad(f"HEALTHCHECK is not `slpcoder health`: {hc}")
    elif not lport or f"http://127.0.0.1:{lport.group(1)}/healthz" not in hc[0]:
        bad(f"HEALTHCHECK URL does not match SLPCODER_HTTP_LISTEN: {hc[0]} / {envs}")
    else: ok(f"HEALTHCHECK: slpcoder health http://127.0.0.1:{lport.group(1)}/healthz, user {users[-1]}")
    if re.search(r"\b(curl|wget)\b", " ".join(r for _, r in rt["ins"])): bad("runtime stage uses curl/wget")

print(f"compose: {len(fails)} problem(s)")
sys.exit(1 if fails else 0)
PY
