# SPDX-License-Identifier: Apache-2.0
# Dockerfile -- slpcoderd and slpcoder on debian:12-slim, in two stages.
#
# build:   the project's own scripts, the same ones CI runs (.ci/run -> scripts/test.sh):
#          scripts/install-deps.sh (without Java: the real-broker tier is not run here) and the
#          `default` CMake preset; then `cmake --install` into /out.
# runtime: only the shared libraries the programs link, the two programs, the rules bundle,
#          a non-root user, and a HEALTHCHECK on slpcoderd's /healthz through `slpcoder health`
#          (no curl in the image).
#
#   docker build -t slpcoder:local .
#   docker run --rm slpcoder:local --check-config -X kafka.bootstrap.servers=kafka:9092
#
# tests/deploy/compose.sh checks this file (no container runtime on the build machines).

FROM debian:12-slim AS build
WORKDIR /src
COPY . .
RUN ./scripts/install-deps.sh --no-java
RUN cmake --preset default \
 && cmake --build --preset default -j"$(nproc)" \
 && DESTDIR=/out cmake --install build --prefix /usr/local

FROM debian:12-slim AS runtime
# The DT_NEEDED libraries of slpcoder and slpcoderd (libc6 is in the base image;
# libhttp-parser2.9 and libsystemd0 serve the HTTP endpoints and sd_notify).
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      librdkafka1 libuv1 libprotobuf-c1 libjansson4 libinih1 libhttp-parser2.9 libsystemd0 \
 && rm -rf /var/lib/apt/lists/*
RUN useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin \
      --user-group slpcoder
COPY --from=build /out/usr/local/bin/ /usr/local/bin/
COPY --from=build /out/usr/local/share/slpcoder/ /usr/local/share/slpcoder/
COPY --from=build /out/usr/local/etc/slpcoder/ /usr/local/etc/slpcoder/
USER slpcoder
# Metrics and health on every interface of the container (the default is loopback only).
ENV SLPCODER_HTTP_LISTEN=0.0.0.0:9464
EXPOSE 9464
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["/usr/local/bin/slpcoder", "health", "--timeout=2000", "http://127.0.0.1:9464/healthz"]
ENTRYPOINT ["/usr/local/bin/slpcoderd"]
