#!/usr/bin/env bash
# Builds deploy/Dockerfile with podman and runs the image the way deploy/kubernetes/deployment.yaml runs it: user
# 10001, read-only root file system, a tmpfs on /tmp, all capabilities dropped, the ConfigMap's config.yaml and
# models.yaml mounted read-only where the Deployment mounts them. Then it checks /healthz and /readyz, that the
# read-only models file refuses /api/create with the reason, and that SIGTERM ends the container with exit code 0
# within the Deployment's grace period. Root only (podman without user namespaces). Not part of .ci/run.
#
# Machines without access to Docker Hub cannot pull eclipse-temurin or maven: the base images are then a local
# stand-in, Debian bookworm with openjdk-17-jdk-headless and maven made by debootstrap from Debian's packages
# (STANDIN=1, the default when the real bases are not in podman's store). The Maven build inside the image runs
# without network, from this machine's ~/.m2 (mounted), so run `mvn -B -q -DskipTests package` once first.
# The backend is the built-in simulator inside the container (OLLAMA_PROXY_DEMO=true): nothing leaves the container.
set -euo pipefail
cd "$(dirname "$0")/.."

image=localhost/ollama-lmstudio-proxy:smoke
standin=localhost/ollama-lmstudio-proxy-standin:bookworm
name=ollama-lmstudio-proxy-smoke
passed=0
failed=0

# Where this was written, crun refused to start containers ("cgroups in hybrid mode not supported") and podman's
# default open-files limit was above what the sandbox allows; runc and explicit limits work there.
runtime=(--runtime "$(command -v runc || echo /usr/sbin/runc)")
limits=(--ulimit nofile=1024:1024 --ulimit nproc=4096:4096)

need() { command -v "$1" >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null; }; }
need podman podman
need runc runc

check() { # name, then a command that must succeed
  local what="$1"; shift
  if "$@"; then echo "ok: $what"; passed=$((passed + 1)); else echo "FAILED: $what"; failed=$((failed + 1)); fi
}

build_args=()
if [[ "${STANDIN:-}" == 1 ]] || ! podman image exists docker.io/library/eclipse-temurin:17-jre; then
  if ! podman image exists "$standin"; then
    need debootstrap debootstrap
    rootfs="$(mktemp -d)"
    echo "making the stand-in base image from Debian packages (a few minutes)..."
    debootstrap --variant=minbase --include=openjdk-17-jdk-headless,maven,ca-certificates bookworm "$rootfs" \
      http://deb.debian.org/debian >/dev/null
    tar -C "$rootfs" -c . | podman import --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
      - "$standin" >/dev/null
    rm -rf "$rootfs"
  fi
  build_args=(--build-arg "BUILD_IMAGE=$standin" --build-arg "RUNTIME_IMAGE=$standin" --network none
    -v "$HOME/.m2:/root/.m2")
fi

echo "building $image..."
podman "${runtime[@]}" build -q --isolation oci "${limits[@]}" "${build_args[@]}" -f deploy/Dockerfile -t "$image" . >/dev/null

# The ConfigMap's two files, as the kubelet writes them into the pod: the block under "  <key>: |", unindented.
work="$(mktemp -d)"
trap 'podman "${runtime[@]}" rm -f "$name" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
configmap_key() {
  awk -v key="  $1: |" '$0 == key {on=1; next} on && /^  [^ ]/ {on=0} on {sub(/^    /, ""); print}' \
    deploy/kubernetes/configmap.yaml
}
mkdir -p "$work/config" "$work/models"
configmap_key config.yaml > "$work/config/config.yaml"
configmap_key models.yaml > "$work/models/models.yaml"
chmod -R a+rX "$work"
grace="$(awk '/terminationGracePeriodSeconds:/ {print $2}' deploy/kubernetes/deployment.yaml)"

podman "${runtime[@]}" rm -f "$name" >/dev/null 2>&1 || true
podman "${runtime[@]}" run -d --name "$name" --network none --read-only --tmpfs /tmp --user 10001:10001 \
  --cap-drop ALL --security-opt no-new-privileges "${limits[@]}" -e OLLAMA_PROXY_DEMO=true \
  -v "$work/config:/etc/ollama-lmstudio-proxy:ro" -v "$work/models:/var/lib/ollama-lmstudio-proxy:ro" \
  "$image" >/dev/null

# One HTTP/1.1 request from inside the container (its network is its own loopback), with bash's /dev/tcp.
request() { # method path [body]
  podman "${runtime[@]}" exec -e M="$1" -e P="$2" -e B="${3:-}" "$name" bash -c 'exec 3<>/dev/tcp/127.0.0.1/11434
    printf "%s %s HTTP/1.1\r\nHost: ollama-lmstudio-proxy:11434\r\nContent-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s" \
      "$M" "$P" "${#B}" "$B" >&3; cat <&3' | tr -d '\r'
}
for _ in $(seq 1 60); do
  podman "${runtime[@]}" logs "$name" 2>&1 | grep -q 'listening on http://0.0.0.0:11434' && break
  sleep 0.5
done
pod() { podman "${runtime[@]}" "$@"; }
listening() { pod logs "$name" 2>&1 | grep -q 'listening on http://0.0.0.0:11434'; }
runs_as_10001() { [[ "$(pod exec "$name" id -u)" == 10001 ]]; }
root_read_only() { ! pod exec "$name" touch /opt/x 2>/dev/null; }
answers_200() { request GET "$1" | head -1 | grep -q '^HTTP/1.1 200 '; }
create_refused() {
  request POST /api/create '{"model":"mybot","from":"qwen/qwen3-4b","stream":false}' \
    | grep -q 'cannot write the models file .*read-only file system'
}
exited_zero() { [[ "$(pod inspect "$name" --format '{{.State.ExitCode}}')" == 0 ]]; }
drained() { pod logs "$name" 2>&1 | grep -q 'ProxyLauncher stopped'; }

check "listens on 0.0.0.0:11434 inside the container" listening
check "runs as uid 10001" runs_as_10001
check "the root file system is read-only" root_read_only
check "GET /healthz is 200" answers_200 /healthz
check "GET /readyz is 200" answers_200 /readyz
check "/api/create on the read-only models file is 500 with the reason" create_refused
pod stop -t "$grace" "$name" >/dev/null
check "SIGTERM: exit code 0 within ${grace}s" exited_zero
check "SIGTERM: drained and stopped" drained

echo "$passed passed, $failed failed"
[[ "$failed" == 0 ]]
