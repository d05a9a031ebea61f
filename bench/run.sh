#!/usr/bin/env bash
# Side-by-side benchmark: the proxy against the LM Studio simulator reached directly, and nginx, on loopback.
#   bench/run.sh            full run (about five minutes, and about four more for section 9's sweep up to 2,000 streams);
#                           writes bench-results/latest.md and latest.json
#   bench/run.sh --quick    smoke run (well under a minute; used by CI): the tool works, every request completed
# Other options: bench/run.sh --help. BENCH_SKIP_BUILD=1 reuses the existing build.
# Everything it starts (its JVM, the proxy JVMs, nginx) is stopped by process id when it ends, however it ends.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

quick=false
for arg in "$@"; do [[ "$arg" == "--quick" ]] && quick=true; done
# A hard bound on the whole run, on top of each phase's own deadlines.
limit=$([[ "$quick" == true ]] && echo 300 || echo 1800)

if [[ "${BENCH_SKIP_BUILD:-}" != 1 || ! -f target/ollama-lmstudio-proxy.jar ]]; then
  echo "bench: building the proxy jar and the benchmark (test classes)..." >&2
  mvn -B -q -ntp -DskipTests package >&2
fi
if [[ ! -f target/bench.classpath || pom.xml -nt target/bench.classpath ]]; then
  mvn -B -q -ntp dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath >&2
fi

pidfile="$(mktemp -t ollama-proxy-bench-pids.XXXXXX)"
bench_pid=""
cleanup() {
  local pid
  if [[ -n "$bench_pid" ]] && kill -0 "$bench_pid" 2>/dev/null; then
    kill "$bench_pid" 2>/dev/null || true
    sleep 2
  fi
  # Children the benchmark JVM registered: stopped one by one, by id, if it could not stop them itself; SIGKILL for
  # any that ignore SIGTERM for ten seconds (a JVM out of memory may never finish its graceful shutdown).
  local left=() i
  while read -r pid; do
    if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null && left+=("$pid")
    fi
  done < "$pidfile"
  for ((i = 0; i < 20 && ${#left[@]} > 0; i++)); do
    sleep 0.5
    local alive=()
    for pid in "${left[@]}"; do kill -0 "$pid" 2>/dev/null && alive+=("$pid"); done
    left=("${alive[@]+"${alive[@]}"}")
  done
  for pid in "${left[@]+"${left[@]}"}"; do kill -9 "$pid" 2>/dev/null || true; done
  rm -f "$pidfile"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
# timeout(1) is the hard bound; it passes our SIGTERM on to the benchmark JVM, whose shutdown hook stops its children.
BENCH_PIDFILE="$pidfile" timeout --kill-after=30 "$limit" java -Xms512m -Xmx1g -XX:+UseParallelGC \
  -Dlogback.configurationFile="$root/bench/logback.xml" -Dbench.root="$root" \
  -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" \
  io.github.ollamalmstudioproxy.bench.sidebyside.SideBySideMain "$@" &
bench_pid=$!
status=0
wait "$bench_pid" || status=$?
bench_pid=""
[[ "$status" == 124 ]] && echo "bench: stopped after the ${limit} s bound" >&2
exit "$status"
