// Starts the real proxy in front of the LM Studio simulator (support/ScriptedProxy.java, run with the proxy's jar on
// the class path) and gives tests its base URL plus a small control API to script the simulator.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../../..');

/** The simulator's demo answer (SimulatorScript.DEFAULT_TOKENS joined). */
export const DEMO_ANSWER = 'Hello! I am the LM Studio simulator, answering in place of a real model.';
export const CHAT_MODEL = 'qwen/qwen3-4b';
export const EMBED_MODEL = 'text-embedding-nomic-embed-text-v1.5';

/**
 * The proxy in front of the simulator. Options: nativeRoutes (default true): false plays an LM Studio without
 * /v1/messages and /v1/responses, so the proxy must translate them; args: more proxy arguments.
 */
export async function startProxy({ nativeRoutes = true, args = [] } = {}) {
  const jar = process.env.PROXY_JAR ?? resolve(repo, 'target/ollama-lmstudio-proxy.jar');
  if (!existsSync(jar)) {
    throw new Error(`${jar} is missing: build the proxy first (mvn -B -q -DskipTests package in ${repo})`);
  }
  const java = process.env.JAVA_HOME ? resolve(process.env.JAVA_HOME, 'bin/java') : 'java';
  const own = nativeRoutes ? [] : ['--simulator-without-messages-and-responses'];
  const child = spawn(java, ['-cp', jar, resolve(here, '../support/ScriptedProxy.java'), ...own, ...args],
    { stdio: ['pipe', 'pipe', 'inherit'] });
  const log = [];
  const ready = new Promise((resolveReady, reject) => {
    const timer = setTimeout(() => reject(new Error(`proxy did not start within 60 s:\n${log.join('\n')}`)), 60_000);
    child.on('exit', (code) => reject(new Error(`proxy exited with ${code}:\n${log.join('\n')}`)));
    createInterface({ input: child.stdout }).on('line', (line) => {
      log.push(line);
      const m = /^READY proxy=(\S+) control=(\S+)$/.exec(line);
      if (m) {
        clearTimeout(timer);
        resolveReady({ base: m[1], control: m[2] });
      }
    });
  });
  const { base, control } = await ready;

  const call = async (method, path, body) => {
    const res = await fetch(control + path, {
      method, body: body === undefined ? undefined : JSON.stringify(body),
      headers: { 'content-type': 'application/json' },
    });
    if (!res.ok) throw new Error(`control ${path}: ${res.status}`);
    return res.json();
  };

  return {
    base,
    log,
    /** Back to the fast demo answer and an empty request log. */
    reset: () => call('POST', '/reset', {}),
    /** tokens, reasoning, tokenIntervalMs, toolCalls: [{name, arguments: "<json>"}] */
    script: (settings) => call('POST', '/script', settings),
    /** Lets the simulator download {model, quantization?}, which becomes the LLM `key`: {totalBytes, bytesPerSecond}. */
    offerDownload: (offer) => call('POST', '/downloads', offer),
    /** Starts the proxy's graceful shutdown with that drain time; the proxy stops serving afterwards. */
    shutdown: (drainMs) => call('POST', '/shutdown', { drainMs }),
    /** What reached the simulator: method, path, body, clientClosed, completed, tokensEmitted. */
    requests: () => call('GET', '/requests'),
    /** Waits until the simulator saw the client of its chat request leave. */
    async awaitUpstreamClosed(path = '/v1/chat/completions', timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      let seen = [];
      while (Date.now() < deadline) {
        seen = (await call('GET', '/requests')).filter((r) => r.path === path);
        if (seen.length > 0 && seen.every((r) => r.clientClosed)) return seen;
        await new Promise((r) => setTimeout(r, 25));
      }
      throw new Error(`backend did not see ${path} closed within ${timeoutMs} ms: ${JSON.stringify(seen)}`);
    },
    async stop() {
      child.stdin.end();
      await new Promise((r) => {
        const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
        child.on('exit', () => { clearTimeout(kill); r(); });
        if (child.exitCode !== null) { clearTimeout(kill); r(); }
      });
    },
  };
}

/** Records console.warn and console.error calls (ollama-js only warns about a line it cannot parse). */
export function watchConsole() {
  const seen = [];
  const original = { warn: console.warn, error: console.error };
  console.warn = (...args) => { seen.push(['warn', ...args].join(' ')); original.warn(...args); };
  console.error = (...args) => { seen.push(['error', ...args].join(' ')); original.error(...args); };
  return {
    drain() { return seen.splice(0); },
    restore() { Object.assign(console, original); },
  };
}

/** A long, slow answer so that a client can leave while it streams. */
export const SLOW_ENDLESS = { tokens: Array(500).fill(' word'), tokenIntervalMs: 20 };
