#!/usr/bin/env bash
# Time to first token through the proxy in front of a Node.js backend (LM Studio's server is Express on Node.js) and,
# in the same interleaved run, in front of the proxy's own Java simulator (issue 16, point 3).
#   bench/node-ttft.sh [--warmup N] [--samples N] [--tokens N] [--json FILE] [--proxy-java-opts "FLAGS"]
# Starts, on loopback: bench/node-backend/server.js, the Java simulator (bench/node-backend/JavaSim.java) and one proxy
# in front of each (from target/ollama-lmstudio-proxy.jar, with bin/ollama-lmstudio-proxy's default_java_opts unless
# --proxy-java-opts; $JAVA, default java on the PATH, runs both JVMs), then runs
# bench/node-backend/ttft-client.js over six routes: each backend direct, proxy /v1/chat/completions (passthrough)
# and proxy /api/chat (translated). Everything it started is stopped by process id when it ends, however it ends.
# Needs node (18+), java (17+), curl, python3 and the jar (mvn -B -o -q -DskipTests package). bench/run.sh runs this
# script for its section 11 and reads the --json file; the measurement itself is ttft-client.js, nowhere else.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
jar="$root/target/ollama-lmstudio-proxy.jar"
[[ -f "$jar" ]] || { echo "node-ttft: $jar is missing; run: mvn -B -o -q -DskipTests package" >&2; exit 1; }
command -v node >/dev/null || { echo "node-ttft: node is not installed" >&2; exit 1; }

warmup=500 samples=2000 tokens=3 json=""
java_bin="${JAVA:-java}"
proxy_opts="$(sed -n 's/^default_java_opts="\(.*\)"$/\1/p' bin/ollama-lmstudio-proxy)"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --warmup) warmup="$2"; shift 2 ;;
    --samples) samples="$2"; shift 2 ;;
    --tokens) tokens="$2"; shift 2 ;;
    --json) json="$2"; shift 2 ;;
    --proxy-java-opts) proxy_opts="$2"; shift 2 ;;
    *) echo "node-ttft: unknown option $1" >&2; exit 2 ;;
  esac
done

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
node_port=$(free_port) sim_port=$(free_port) proxy_node=$(free_port) proxy_sim=$(free_port)
logs="$(mktemp -d -t node-ttft.XXXXXX)"
pids=()
cleanup() {
  local pid
  for pid in "${pids[@]+"${pids[@]}"}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]+"${pids[@]}"}"; do
    for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -9 "$pid" 2>/dev/null || true
  done
  rm -rf "$logs"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

wait_http() { # url, what
  for _ in $(seq 1 240); do
    curl -fsS -o /dev/null --max-time 2 "$1" 2>/dev/null && return 0
    sleep 0.25
  done
  echo "node-ttft: $2 did not answer $1; its log:" >&2
  cat "$logs/$2.log" >&2 || true
  exit 1
}

# shellcheck disable=SC2206 # a list of flags
java_opts=(-XX:+ExitOnOutOfMemoryError $proxy_opts)
node bench/node-backend/server.js "$node_port" --tokens "$tokens" --interval-ms 0 >"$logs/node.log" 2>&1 &
pids+=($!)
"$java_bin" -Xmx256m -Dlogback.configurationFile="$root/bench/logback.xml" -cp "$jar" bench/node-backend/JavaSim.java \
  "$sim_port" "$tokens" 0 >"$logs/sim.log" 2>&1 &
pids+=($!)
wait_http "http://127.0.0.1:$node_port/v1/models" node
wait_http "http://127.0.0.1:$sim_port/v1/models" sim
"$java_bin" "${java_opts[@]}" -Dlogback.configurationFile="$root/bench/logback.xml" -jar "$jar" \
  --listen "127.0.0.1:$proxy_node" --backend "http://127.0.0.1:$node_port" >"$logs/proxy-node.log" 2>&1 &
pids+=($!)
echo "proxy (node backend) pid $! port $proxy_node" >&2
"$java_bin" "${java_opts[@]}" -Dlogback.configurationFile="$root/bench/logback.xml" -jar "$jar" \
  --listen "127.0.0.1:$proxy_sim" --backend "http://127.0.0.1:$sim_port" >"$logs/proxy-sim.log" 2>&1 &
pids+=($!)
echo "proxy (java simulator) pid $! port $proxy_sim" >&2
wait_http "http://127.0.0.1:$proxy_node/api/tags" proxy-node
wait_http "http://127.0.0.1:$proxy_sim/api/tags" proxy-sim

echo "machine: $(nproc) cores, $(uname -sr), node $(node --version), $("$java_bin" -version 2>&1 | head -1)"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
# In the background and waited for, so that a SIGTERM runs the trap at once instead of after the client's last round.
node bench/node-backend/ttft-client.js --warmup "$warmup" --samples "$samples" --tokens "$tokens" \
  ${json:+--json "$json"} \
  "node direct=$node_port:/v1/chat/completions" \
  "node via proxy /v1=$proxy_node:/v1/chat/completions" \
  "node via proxy /api/chat=$proxy_node:/api/chat" \
  "java-sim direct=$sim_port:/v1/chat/completions" \
  "java-sim via proxy /v1=$proxy_sim:/v1/chat/completions" \
  "java-sim via proxy /api/chat=$proxy_sim:/api/chat" &
client=$!
pids+=("$client")
wait "$client"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
