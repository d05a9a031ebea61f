// A stream cut by the proxy's graceful shutdown, as ollama-js 0.6.4 and @langchain/ollama 1.3.0 (which streams
// through ollama-js) see it: an error, never a normal end. ollama-js throws on any line with an `error` key
// (ollama/ollama-js:src/utils.ts, AbortableAsyncIterator); ollama-python raises ResponseError on the same key
// (ollama/ollama-python:ollama/_client.py, _request's inner()). Ollama itself just closes the connection, which
// ollama-js reports as "Did not receive done or success response in stream."
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Ollama } from 'ollama';
import { ChatOllama } from '@langchain/ollama';
import { CHAT_MODEL, SLOW_ENDLESS, startProxy } from './harness.js';

const CUT = /shutting down: the answer was cut off/;


describe('a stream cut by the drain timeout', () => {
  let proxy;

  before(async () => {
    proxy = await startProxy();
  });
  after(async () => {
    await proxy?.stop();
  });

  test('makes ollama-js and LangChain throw after the partial answer, not end normally', async () => {
    await proxy.script(SLOW_ENDLESS);
    const ollama = new Ollama({ host: proxy.base });
    const llm = new ChatOllama({ baseUrl: proxy.base, model: CHAT_MODEL });
    let started = 0;
    let bothStarted;
    const streaming = new Promise((r) => { bothStarted = r; });
    const onFirst = () => { if (++started === 2) bothStarted(); };
    const seen = { js: [], langchain: [] };

    const js = (async () => {
      const stream = await ollama.chat({
        model: CHAT_MODEL, messages: [{ role: 'user', content: 'Hello there' }], stream: true,
      });
      for await (const part of stream) {
        seen.js.push(part);
        if (seen.js.length === 1) onFirst();
      }
    })();
    const lc = (async () => {
      for await (const chunk of await llm.stream('Hello there')) {
        seen.langchain.push(chunk);
        if (seen.langchain.length === 1) onFirst();
      }
    })();
    // Settled together: whichever fails first must not count as an unhandled rejection.
    const ended = Promise.allSettled([js, lc]);
    await streaming;
    await proxy.shutdown(200);

    const [jsEnd, lcEnd] = await ended;
    assert.equal(jsEnd.status, 'rejected', 'ollama-js ended the cut stream normally');
    assert.match(jsEnd.reason.message, CUT);
    assert.equal(lcEnd.status, 'rejected', 'LangChain ended the cut stream normally');
    assert.match(lcEnd.reason.message, CUT);
    assert.ok(seen.js.length > 0 && seen.js.every((p) => p.done === false), JSON.stringify(seen.js.at(-1)));
    assert.ok(seen.langchain.length > 0);
    assert.ok(seen.langchain.every((c) => c.response_metadata?.done_reason !== 'stop'));
  });
});
