#!/usr/bin/env node
// Time to the first content byte, sequential keep-alive requests, interleaved over several routes.
//
//   node bench/node-backend/ttft-client.js [--warmup N] [--samples N] [--json FILE] ROUTE...
//   ROUTE = label=PORT:PATH   e.g. "node direct=18555:/v1/chat/completions" "proxy /api/chat=18557:/api/chat"
//
// Each route keeps one connection (HTTP/1.1 keep-alive, TCP_NODELAY). A round sends one streaming chat request to
// every route, one at a time, starting at a different route each round so that drifting machine load hits all alike.
// The clock starts just before the request's single write and stops at the first body byte that carries the first
// token (" t0", which both the SSE and the NDJSON answers carry); the answer is then read to its end and checked to
// carry every token. Raw sockets rather than node:http, so the client adds as little as it can and the same to all.
'use strict';
const net = require('node:net');
const fs = require('node:fs');

const args = process.argv.slice(2);
let warmup = 500;
let samples = 2000;
let tokens = 3;
let jsonOut = null;
const routes = [];
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === '--warmup') warmup = Number(args[++i]);
  else if (a === '--samples') samples = Number(args[++i]);
  else if (a === '--tokens') tokens = Number(args[++i]);
  else if (a === '--json') jsonOut = args[++i];
  else {
    const m = /^(.+)=(\d+):(\/.*)$/.exec(a);
    if (!m) throw new Error('bad route (label=PORT:PATH): ' + a);
    routes.push({ label: m[1], port: Number(m[2]), path: m[3], times: [], failures: 0, socket: null });
  }
}
if (routes.length === 0) throw new Error('no routes');

const BODY = JSON.stringify({ model: 'qwen/qwen3-4b', stream: true,
  messages: [{ role: 'user', content: 'Say something.' }] });

function request(route) {
  return Buffer.from('POST ' + route.path + ' HTTP/1.1\r\nHost: 127.0.0.1:' + route.port
    + '\r\nContent-Type: application/json\r\nAccept: */*\r\nContent-Length: ' + Buffer.byteLength(BODY)
    + '\r\n\r\n' + BODY, 'latin1');
}

function connect(route) {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: '127.0.0.1', port: route.port, noDelay: true });
    s.setNoDelay(true);
    s.once('connect', () => resolve(s));
    s.once('error', reject);
  });
}

const FIRST = Buffer.from(' t0', 'latin1');
const HEAD_END = Buffer.from('\r\n\r\n', 'latin1');
const CHUNKED_END = Buffer.from('\r\n0\r\n\r\n', 'latin1');

// One exchange on the route's connection: resolves {ttft (ns), ok}.
async function exchange(route) {
  if (!route.socket || route.socket.destroyed) {
    route.socket = await connect(route);
  }
  const s = route.socket;
  const req = route.req || (route.req = request(route));
  return new Promise((resolve) => {
    let buf = Buffer.alloc(0);
    let headEnd = -1;
    let first = 0n;
    let length = -1;
    let chunked = false;
    let start = 0n;
    const done = (ok, why) => {
      s.removeListener('data', onData);
      s.removeListener('close', onClose);
      s.removeListener('error', onClose);
      if (!ok) s.destroy();
      resolve({ ok, ttft: first ? Number(first - start) : 0, why });
    };
    const onClose = () => done(false, 'connection closed');
    const onData = (d) => {
      const now = process.hrtime.bigint();
      buf = buf.length === 0 ? d : Buffer.concat([buf, d]);
      if (headEnd < 0) {
        headEnd = buf.indexOf(HEAD_END);
        if (headEnd < 0) return;
        const head = buf.subarray(0, headEnd).toString('latin1');
        if (!/^HTTP\/1\.1 200/.test(head)) return done(false, head.split('\r\n')[0]);
        chunked = /\r\ntransfer-encoding:\s*chunked/i.test(head);
        const cl = /\r\ncontent-length:\s*(\d+)/i.exec(head);
        length = cl ? Number(cl[1]) : -1;
      }
      if (!first && buf.indexOf(FIRST, headEnd + 4) >= 0) first = now;
      const complete = chunked ? buf.length >= 7 && buf.indexOf(CHUNKED_END, buf.length - 64 > headEnd ? buf.length - 64 : headEnd) >= 0
        : length >= 0 && buf.length - headEnd - 4 >= length;
      if (complete) {
        const body = buf.subarray(headEnd + 4).toString('latin1');
        for (let i = 0; i < tokens; i++) {
          if (body.indexOf(' t' + i) < 0) return done(false, 'token t' + i + ' missing');
        }
        done(first !== 0n, first ? undefined : 'no first token');
      }
    };
    s.on('data', onData);
    s.once('close', onClose);
    s.once('error', onClose);
    start = process.hrtime.bigint();
    s.write(req);
  });
}

function pct(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor(p / 100 * sorted.length))];
}

async function main() {
  const total = warmup + samples;
  for (let i = 0; i < total; i++) {
    for (let k = 0; k < routes.length; k++) {
      const route = routes[(i + k) % routes.length];
      const r = await exchange(route);
      if (!r.ok) {
        route.failures++;
        if (route.failures <= 3) console.error(route.label + ': ' + r.why);
      } else if (i >= warmup) {
        route.times.push(r.ttft);
      }
    }
  }
  const result = {};
  for (const r of routes) {
    r.socket && r.socket.destroy();
    const t = r.times.slice().sort((a, b) => a - b);
    result[r.label] = { n: t.length, failures: r.failures, p50_ms: pct(t, 50) / 1e6, p90_ms: pct(t, 90) / 1e6,
      p99_ms: pct(t, 99) / 1e6 };
    console.log(r.label.padEnd(28) + ' p50 ' + (pct(t, 50) / 1e6).toFixed(3) + '  p90 ' + (pct(t, 90) / 1e6).toFixed(3)
      + '  p99 ' + (pct(t, 99) / 1e6).toFixed(3) + ' ms  (n=' + t.length + ', failures ' + r.failures + ')');
  }
  if (jsonOut) fs.writeFileSync(jsonOut, JSON.stringify(result, null, 2) + '\n');
}
main().catch((e) => {
  console.error(e);
  process.exit(1);
});
