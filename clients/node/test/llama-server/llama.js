// A real llama.cpp llama-server (built by scripts/llama-server/build.sh) serving a tiny random-weight model, and the
// proxy's jar in front of it, both on free loopback ports; each stops by process id. Mirrors
// clients/java/.../LlamaServer.java, so both tiers see the same backend.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../../../..');
export const LLAMA_MODEL = 'tiny-llama-random';
const home = process.env.OLLAMA_PROXY_LLAMA_CACHE ?? join(homedir(), '.cache/ollama-lmstudio-proxy/llama-server-3.21.1');
const binary = join(home, 'bin/llama-server');

/** Whether this machine has the built llama-server; REQUIRE_LLAMA_SERVER=1 makes its absence a failure. */
export function llamaServerAvailable() {
  if (existsSync(binary)) return true;
  if (process.env.REQUIRE_LLAMA_SERVER === '1') {
    throw new Error(`REQUIRE_LLAMA_SERVER=1 but ${binary} is missing: run scripts/llama-server/build.sh`);
  }
  return false;
}

function freePort() {
  return new Promise((res, rej) => {
    const server = createServer();
    server.once('error', rej);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => res(port));
    });
  });
}

function python() {
  for (const candidate of ['python3', '/usr/bin/python3']) {
    if (spawnSync(candidate, ['-c', 'import numpy']).status === 0) return candidate;
  }
  throw new Error('no python3 with numpy for make_tiny_model.py');
}

async function waitFor(check, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} not ready within ${timeoutMs} ms`);
}

function stopper(child) {
  return () => new Promise((res) => {
    if (child.exitCode !== null || child.signalCode !== null) { res(); return; }
    const kill = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => { clearTimeout(kill); res(); });
    child.kill('SIGTERM');
  });
}

/** llama-server with the same flags as the Java tier: one slot, one thread, embeddings, a 65536-token context. */
export async function startLlamaServer() {
  const work = mkdtempSync(join(tmpdir(), 'llama-node-'));
  const model = join(work, 'tiny.gguf');
  const made = spawnSync(python(), [join(repo, 'scripts/llama-server/make_tiny_model.py'),
    join(home, 'llama.cpp/models/ggml-vocab-llama-spm.gguf'), model],
  { env: { ...process.env, PYTHONPATH: join(home, 'llama.cpp/gguf-py') }, encoding: 'utf8', timeout: 60_000 });
  if (made.status !== 0) throw new Error(`make_tiny_model.py failed: ${made.stdout}${made.stderr}`);
  const port = await freePort();
  const logFile = join(work, 'llama-server.log');
  const out = openSync(logFile, 'w');
  const child = spawn(binary, ['-m', model, '--host', '127.0.0.1', '--port', String(port), '-c', '65536', '-np', '1',
    '-t', '1', '-tb', '1', '--metrics', '--embeddings', '--pooling', 'mean', '--alias', LLAMA_MODEL],
  { stdio: ['ignore', out, out] });
  const base = `http://127.0.0.1:${port}`;
  const stop = stopper(child);
  try {
    await waitFor(async () => {
      if (child.exitCode !== null) throw new Error(`llama-server exited: ${readFileSync(logFile, 'utf8')}`);
      try {
        const health = await fetch(`${base}/health`);
        return health.ok && (await health.text()).includes('"ok"');
      } catch {
        return false;
      }
    }, 30_000, 'llama-server');
  } catch (e) {
    await stop();
    throw e;
  }
  return {
    base,
    log: () => readFileSync(logFile, 'utf8'),
    /** llamacpp:requests_processing from /metrics. */
    async processing() {
      const text = await (await fetch(`${base}/metrics`)).text();
      const m = /^llamacpp:requests_processing\s+([0-9.]+)/m.exec(text);
      if (!m) throw new Error(`no llamacpp:requests_processing in /metrics:\n${text}`);
      return Number(m[1]);
    },
    stop,
  };
}

/** The proxy's jar as users run it, in front of {@code backend}, on a free loopback port. */
export async function startJarProxy(backend) {
  const jar = process.env.PROXY_JAR ?? resolve(repo, 'target/ollama-lmstudio-proxy.jar');
  const java = process.env.JAVA_HOME ? resolve(process.env.JAVA_HOME, 'bin/java') : 'java';
  const child = spawn(java, ['-jar', jar, '--backend', backend, '--listen', '127.0.0.1:0'],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  const log = [];
  const port = await new Promise((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`proxy did not start within 60 s:\n${log.join('\n')}`)), 60_000);
    child.once('exit', (code) => rej(new Error(`proxy exited with ${code}:\n${log.join('\n')}`)));
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream }).on('line', (line) => {
        log.push(line);
        const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(line);
        if (m) { clearTimeout(timer); res(Number(m[1])); }
      });
    }
  });
  return { base: `http://127.0.0.1:${port}`, log, stop: stopper(child) };
}
