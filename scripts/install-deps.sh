#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# install-deps.sh -- install the Debian packages slpcoder's build and tests need.
# Idempotent: packages already present are left alone; apt runs only when one is missing.
# Works on Debian 12 (bookworm) and 13 (trixie); run as root (or with sudo on PATH).
# Usage: scripts/install-deps.sh [--no-java]
set -euo pipefail

pkgs=(
  build-essential cmake pkg-config git
  protobuf-compiler protobuf-c-compiler libprotobuf-c-dev
  librdkafka-dev libuv1-dev libcmocka-dev libjansson-dev libinih-dev
  kcat python3-confluent-kafka
  # the package test (cpack DEB: dpkg-shlibdeps, file; lintian) and the compose test (yaml)
  dpkg-dev file lintian python3-yaml
)
# clang, libFuzzer and its sanitizer runtimes: the fuzz preset, which scripts/test.sh runs.
pkgs+=(clang libclang-rt-dev)
# slpcoderd's /metrics and probes (libhttp-parser), sd_notify (libsystemd), and their tests:
# curl, a real exposition parser (python3-prometheus-client, promtool), systemd-analyze.
pkgs+=(libhttp-parser-dev libsystemd-dev curl python3-prometheus-client prometheus systemd)
# The real-broker test tier runs Apache Kafka from its Maven Central jars: a JDK and Maven.
# --no-java leaves them out (that tier then says loudly that it is skipped).
if [[ "${1:-}" != "--no-java" ]]; then
  pkgs+=(default-jdk-headless maven)
fi

missing=()
for p in "${pkgs[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#pkgs[@]} packages present"
  exit 0
fi

sudo=""
if [[ $(id -u) -ne 0 ]]; then sudo="sudo"; fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
