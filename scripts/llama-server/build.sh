#!/usr/bin/env bash
# Builds llama.cpp's llama-server (only that target) from the source bundled in the npm package
# node-llama-cpp@3.21.1, the only registry package that ships llama.cpp's source. No other downloads.
#
# Result (cached outside the repository, keyed by the package version):
#   ~/.cache/ollama-lmstudio-proxy/llama-server-3.21.1/bin/llama-server
#   ~/.cache/ollama-lmstudio-proxy/llama-server-3.21.1/llama.cpp/   (gguf-py and models/ggml-vocab-llama-spm.gguf)
# Prints the cache directory on the last line. Skips the build when the binary already exists.
# Takes about 9 minutes on 2 cores. See shared/reference/llama-server.md §6.
set -euo pipefail

version=3.21.1
cache="${OLLAMA_PROXY_LLAMA_CACHE:-$HOME/.cache/ollama-lmstudio-proxy/llama-server-$version}"
bin="$cache/bin/llama-server"

if [[ -x "$bin" && -f "$cache/llama.cpp/models/ggml-vocab-llama-spm.gguf" ]]; then
  echo "llama-server already built: $bin" >&2
  echo "$cache"
  exit 0
fi

need=()
command -v cmake >/dev/null || need+=(cmake)
command -v g++ >/dev/null || need+=(g++)
command -v make >/dev/null || need+=(make)
command -v git >/dev/null || need+=(git)
command -v npm >/dev/null || need+=(npm)
python3 -c 'import numpy' 2>/dev/null || need+=(python3 python3-numpy)
if ((${#need[@]})); then
  echo "installing ${need[*]}" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

work="$cache.partial"
rm -rf "$work"
mkdir -p "$work"
cd "$work"

# npm pack downloads the tarball without installing it: no install scripts run.
npm pack --silent "node-llama-cpp@$version" >/dev/null
tar xzf "node-llama-cpp-$version.tgz" package/llama/gitRelease.bundle
git -c advice.detachedHead=false clone -q package/llama/gitRelease.bundle llama.cpp
rm -rf package "node-llama-cpp-$version.tgz"

# Nothing may be downloaded at configure time (no prebuilt web UI) and no OpenSSL is needed.
cmake -S llama.cpp -B llama.cpp/build -DCMAKE_BUILD_TYPE=Release \
  -DLLAMA_USE_PREBUILT_UI=OFF -DLLAMA_BUILD_UI=OFF -DLLAMA_OPENSSL=OFF -DLLAMA_CURL=OFF \
  -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_TESTS=OFF -DBUILD_SHARED_LIBS=OFF >/dev/null
cmake --build llama.cpp/build -j"$(nproc)" --target llama-server >build.log 2>&1 || {
  tail -50 build.log >&2
  exit 1
}

mkdir -p bin
cp llama.cpp/build/bin/llama-server bin/
# Keep only what the tests need: the binary, gguf-py and one vocab-only model (the whole tree is ~270 MB).
mkdir -p keep/models
mv llama.cpp/gguf-py llama.cpp/LICENSE keep/
mv llama.cpp/models/ggml-vocab-llama-spm.gguf keep/models/
rm -rf llama.cpp build.log
mv keep llama.cpp
rm -rf "$cache"
mv "$work" "$cache"
echo "built $cache/bin/llama-server" >&2
echo "$cache"
