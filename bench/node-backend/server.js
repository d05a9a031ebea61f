#!/usr/bin/env node
// A minimal LM Studio-like backend on plain node:http (no dependencies), for timing the proxy against a Node.js
// server: LM Studio's HTTP server is Express on Node.js inside its Electron app (`X-Powered-By: Express` in a live probe,
// ../shared/reference/lmstudio-api.md).
//
//   node bench/node-backend/server.js PORT [--tokens N] [--interval-ms MS] [--model ID]
//
// Serves, on 127.0.0.1 only:
//   GET  /v1/models            LM Studio's OpenAI model list, one model
//   POST /v1/chat/completions  stream:true → SSE chunks (N tokens, MS apart; 0 = one event-loop turn apart), a usage
//                              chunk when stream_options.include_usage, then data: [DONE]; stream:false → one JSON
//   anything else              LM Studio's 200 {"error":"Unexpected endpoint or method. (METHOD /path)"}
// Tokens are " t0", " t1", ... so a client can tell the first content apart from the headers.
'use strict';
const http = require('node:http');

function parseArgs(argv) {
  const opts = { port: NaN, tokens: 3, intervalMs: 0, model: 'qwen/qwen3-4b' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--tokens') opts.tokens = Number(argv[++i]);
    else if (a === '--interval-ms') opts.intervalMs = Number(argv[++i]);
    else if (a === '--model') opts.model = String(argv[++i]);
    else if (/^\d+$/.test(a)) opts.port = Number(a);
    else throw new Error('unknown argument: ' + a);
  }
  if (!Number.isInteger(opts.port) || opts.port < 0 || opts.port > 65535) {
    throw new Error('usage: server.js PORT [--tokens N] [--interval-ms MS] [--model ID]');
  }
  if (!Number.isInteger(opts.tokens) || opts.tokens < 1 || opts.tokens > 100000) throw new Error('bad --tokens');
  if (!(opts.intervalMs >= 0 && opts.intervalMs <= 60000)) throw new Error('bad --interval-ms');
  return opts;
}

const opts = parseArgs(process.argv.slice(2));
const MAX_BODY = 16 * 1024 * 1024;

function json(res, status, value) {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

function chatId() {
  return 'chatcmpl-' + Math.random().toString(36).slice(2, 12) + Math.random().toString(36).slice(2, 12);
}

function chunk(id, created, delta, finish) {
  return {
    id, object: 'chat.completion.chunk', created, model: opts.model, system_fingerprint: opts.model,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
  };
}

function usage() {
  return { prompt_tokens: 12, completion_tokens: opts.tokens, total_tokens: 12 + opts.tokens };
}

function stream(req, res, includeUsage) {
  const id = chatId();
  const created = Math.floor(Date.now() / 1000);
  res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive' });
  const events = [];
  for (let i = 0; i < opts.tokens; i++) {
    events.push(chunk(id, created, i === 0 ? { role: 'assistant', content: ' t0' } : { content: ' t' + i }, null));
  }
  events.push(chunk(id, created, {}, 'stop'));
  if (includeUsage) {
    events.push({ id, object: 'chat.completion.chunk', created, model: opts.model, system_fingerprint: opts.model,
      choices: [], usage: usage() });
  }
  let next = 0;
  let gone = false;
  res.on('close', () => { gone = true; });
  const step = () => {
    if (gone) return;
    if (next < events.length) {
      res.write('data: ' + JSON.stringify(events[next++]) + '\n\n');
      schedule();
    } else {
      res.end('data: [DONE]\n\n');
    }
  };
  // A token generator hands each token over asynchronously; 0 ms is one event-loop turn, not one synchronous burst.
  const schedule = () => (opts.intervalMs > 0 ? setTimeout(step, opts.intervalMs) : setImmediate(step));
  step();
}

function complete(res) {
  let text = '';
  for (let i = 0; i < opts.tokens; i++) text += ' t' + i;
  json(res, 200, {
    id: chatId(), object: 'chat.completion', created: Math.floor(Date.now() / 1000), model: opts.model,
    choices: [{ index: 0, message: { role: 'assistant', content: text, reasoning_content: '', tool_calls: [] },
      logprobs: null, finish_reason: 'stop' }],
    usage: usage(), stats: {}, system_fingerprint: opts.model,
  });
}

function unexpected(req, res) {
  json(res, 200, { error: 'Unexpected endpoint or method. (' + req.method + ' ' + req.url.split('?')[0] + ')' });
}

const server = http.createServer((req, res) => {
  const path = req.url.split('?')[0];
  if (req.method === 'GET' && path === '/v1/models') {
    json(res, 200, { data: [{ id: opts.model, object: 'model', owned_by: 'organization_owner' }], object: 'list' });
    return;
  }
  if (req.method === 'POST' && path === '/v1/chat/completions') {
    const parts = [];
    let size = 0;
    req.on('data', (b) => {
      size += b.length;
      if (size > MAX_BODY) {
        req.destroy();
        return;
      }
      parts.push(b);
    });
    req.on('end', () => {
      let body;
      try {
        body = JSON.parse(Buffer.concat(parts).toString('utf8'));
      } catch (e) {
        json(res, 400, { error: "'messages' field is required" });
        return;
      }
      if (!body || typeof body !== 'object' || !Array.isArray(body.messages)) {
        json(res, 400, { error: "'messages' field is required" });
        return;
      }
      if (body.stream === true) {
        stream(req, res, !!(body.stream_options && body.stream_options.include_usage));
      } else {
        complete(res);
      }
    });
    return;
  }
  req.resume();
  req.on('end', () => unexpected(req, res));
});
server.keepAliveTimeout = 60000;
server.listen(opts.port, '127.0.0.1', () => {
  // The harness reads this line to learn the port (PORT 0 picks a free one).
  console.log('node-backend listening on 127.0.0.1:' + server.address().port + ' (node ' + process.version + ', '
    + opts.tokens + ' tokens at ' + opts.intervalMs + ' ms)');
});
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => server.close(() => process.exit(0)));
