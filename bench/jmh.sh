#!/usr/bin/env bash
# JMH micro-benchmark of the per-token path (SSE decode + translate to one NDJSON line), with allocation figures;
# with an argument, the benchmarks it names instead (e.g. ModelRewriteBench: the /v1 model rewrite on large bodies).
# About a minute: one fork, 3 warm-up and 5 measured iterations of 1 s per benchmark. BENCH_SKIP_BUILD=1 reuses the build.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
if [[ "${BENCH_SKIP_BUILD:-}" != 1 || ! -d target/test-classes ]]; then
  mvn -B -q -ntp -DskipTests package >&2
fi
if [[ ! -f target/bench.classpath || pom.xml -nt target/bench.classpath ]]; then
  mvn -B -q -ntp dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath >&2
fi
exec java -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" \
  io.github.ollamalmstudioproxy.bench.StreamTranslatorBenchMain "$@"
