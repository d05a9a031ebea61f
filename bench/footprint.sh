#!/usr/bin/env bash
# Footprint: start-up to the first 200, idle and peak RSS, and the CPU of the first streams after start-up, one JVM
# flag at a time (BENCHMARKS.md, "Footprint"). Everything runs on 127.0.0.1 and is stopped by process id.
#   bench/footprint.sh                      every flag set, 5 interleaved rounds, 200 streams x 50 tokens per batch
#   bench/footprint.sh --rounds 3 --streams 0   start-up and idle RSS only
#   bench/footprint.sh --sets launcher,jdk25    only some sets (names below)
#   bench/footprint.sh --warm-batches 20        more batches before the "warm" one (default 5)
# Writes bench-results/footprint.md and footprint.json. BENCH_SKIP_BUILD=1 reuses the existing jar.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

rounds=5 streams=200 tokens=50 sets="" warm_batches=5
while [[ $# -gt 0 ]]; do
  case "$1" in
    --rounds) rounds="$2"; shift 2 ;;
    --streams) streams="$2"; shift 2 ;;
    --tokens) tokens="$2"; shift 2 ;;
    --sets) sets="$2"; shift 2 ;;
    --warm-batches) warm_batches="$2"; shift 2 ;;
    *) sed -n '2,7p' "$0" >&2; exit 2 ;;
  esac
done

java17="${JAVA_HOME:-/usr/lib/jvm/java-17-openjdk-amd64}/bin/java"
[[ -x "$java17" ]] || java17="$(command -v java)"
jdk25="$(ls -d /usr/lib/jvm/temurin-25* 2>/dev/null | head -1 || true)"

if [[ "${BENCH_SKIP_BUILD:-}" != 1 || ! -f target/ollama-lmstudio-proxy.jar ]]; then
  mvn -B -q -ntp -DskipTests package >&2
fi
tmp="$(mktemp -d -t ollama-proxy-footprint.XXXXXX)"
sim_pid=""
cleanup() {
  [[ -n "$sim_pid" ]] && kill "$sim_pid" 2>/dev/null || true
  [[ "${BENCH_KEEP_TMP:-}" == 1 ]] || rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A copy of the launcher's layout, so that a rebuild during the run cannot pull the jar from under a running JVM.
mkdir -p "$tmp/bin" "$tmp/target" "$tmp/cache17" "$tmp/cache25"
cp bin/ollama-lmstudio-proxy "$tmp/bin/"
cp target/ollama-lmstudio-proxy.jar "$tmp/target/"
jar="$tmp/target/ollama-lmstudio-proxy.jar"
defaults="$(sed -n 's/^default_java_opts="\(.*\)"$/\1/p' bin/ollama-lmstudio-proxy)"
base="-XX:+UseSerialGC -Xms16m -Xmx512m" # the defaults before issue 16: every flag below is measured against them

# The simulator in its own JVM; it prints its port, and ends when its stdin (our pipe) closes.
exec 3> >(exec "$java17" -Xmx256m -XX:+UseSerialGC -cp "$jar" bench/FootprintSim.java "$tokens" 10 \
  >"$tmp/sim.port" 2>"$tmp/sim.log")
sim_pid=$!
for _ in $(seq 600); do [[ -s "$tmp/sim.port" ]] && break; sleep 0.1; done
port="$(cat "$tmp/sim.port")"
[[ -n "$port" ]] || { echo "footprint: the simulator did not start; see $tmp/sim.log" >&2; exit 1; }

# Class-data archives made the way the launcher makes them (a self-exercise, archive written at exit).
train() { # java archive-flag
  local java="$1"; shift
  # shellcheck disable=SC2086
  "$java" $base "$@" -Dollama.proxy.selfExercise=true -jar "$jar" --demo --listen 127.0.0.1:0 \
    --models-file "$tmp/none.yaml" >>"$tmp/training.log" 2>&1
}
train "$java17" "-XX:ArchiveClassesAtExit=$tmp/p17.jsa"
[[ -n "$jdk25" ]] && train "$jdk25/bin/java" "-XX:AOTCacheOutput=$tmp/p25.aot"
# The launcher's own archives, made by its first start.
launch_once() { # java_home cache
  JAVA_HOME="$1" OLLAMA_PROXY_CACHE_DIR="$2" timeout 300 "$tmp/bin/ollama-lmstudio-proxy" --help >/dev/null 2>&1 || true
}
launch_once "$(dirname "$(dirname "$(readlink -f "$java17")")")" "$tmp/cache17"
[[ -n "$jdk25" ]] && launch_once "$jdk25" "$tmp/cache25"

python3 - "$tmp" "$java17" "${jdk25:-}" "$base" "$sets" >"$tmp/configs.json" <<'EOF'
import json, sys
tmp, j17, jdk25, base, sets = sys.argv[1:6]
jar = f"{tmp}/target/ollama-lmstudio-proxy.jar"
base = base.split()
def java(name, java_bin, extra, env=None):
    return {"name": name, "label": name, "cmd": [java_bin] + base + extra + ["-jar", jar], "env": env or {}}
c = [
    java("base", j17, []),
    java("xss256k", j17, ["-Xss256k"]),
    java("codecache", j17, ["-XX:ReservedCodeCacheSize=24m"]),
    java("c1", j17, ["-XX:TieredStopAtLevel=1"]),
    java("cicount1", j17, ["-XX:CICompilerCount=1", "-XX:-TieredCompilation"]),
    java("metaspace", j17, ["-XX:MaxMetaspaceSize=64m", "-XX:CompressedClassSpaceSize=16m"]),
    java("loops2", j17, ["-Dollama.proxy.eventLoops=2"]),
    java("heap", j17, ["-Xms8m", "-XX:MinHeapFreeRatio=10", "-XX:MaxHeapFreeRatio=30"]),
    java("noperfdata", j17, ["-XX:-UsePerfData"]),
    java("maxram", j17, ["-XX:MaxRAM=1g"]),
    java("xshareoff", j17, ["-Xshare:off"]),
    java("appcds", j17, [f"-XX:SharedArchiveFile={tmp}/p17.jsa"]),
    java("arena2", j17, [], {"MALLOC_ARENA_MAX": "2"}),
    java("trim", j17, ["-XX:TrimNativeHeapInterval=1000"]),
    java("c1appcds", j17, ["-XX:TieredStopAtLevel=1", f"-XX:SharedArchiveFile={tmp}/p17.jsa"]),
    {"name": "launcher", "label": "JDK 17, the launcher's defaults", "cmd": [f"{tmp}/bin/ollama-lmstudio-proxy"],
     "env": {"JAVA_HOME": j17.rsplit("/bin/java", 1)[0], "OLLAMA_PROXY_CACHE_DIR": f"{tmp}/cache17"}},
]
for x in c[:-1]:
    x["label"] = "JDK 17, defaults before issue 16" if x["name"] == "base" else "+ " + " ".join(
        x["cmd"][len(base) + 1:-2] + [f"{k}={v}" for k, v in x["env"].items()]).replace(tmp + "/", "")
if jdk25:
    j25 = jdk25 + "/bin/java"
    c.append(dict(java("jdk25", j25, []), label="JDK 25, defaults before issue 16"))
    c.append(dict(java("jdk25aot", j25, [f"-XX:AOTCache={tmp}/p25.aot"]), label="JDK 25 + AOT cache"))
    c.append({"name": "launcher25", "label": "JDK 25, the launcher's defaults",
              "cmd": [f"{tmp}/bin/ollama-lmstudio-proxy"],
              "env": {"JAVA_HOME": jdk25, "OLLAMA_PROXY_CACHE_DIR": f"{tmp}/cache25"}})
if sets:
    wanted = sets.split(",")
    c = [x for x in c if x["name"] in wanted]
json.dump(c, sys.stdout, indent=1)
EOF

mkdir -p bench-results
{
  echo "# Footprint, $(date -u +%FT%TZ)"
  echo
  echo "nproc $(nproc), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "JDK 17: $("$java17" -version 2>&1 | sed -n 2p); JDK 25: ${jdk25:-none}; launcher defaults: $defaults"
  echo
  python3 bench/footprint.py --configs "$tmp/configs.json" --backend "http://127.0.0.1:$port" \
    --port "$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')" \
    --rounds "$rounds" --streams "$streams" --tokens "$tokens" --warm-batches "$warm_batches" --out bench-results/footprint.json --log "$tmp/proxy.log"
} | tee bench-results/footprint.md
exec 3>&-
