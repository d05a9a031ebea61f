// Issue 14, point 4: the real ollama-js reads a streamed chat through a cold model load with --load-progress on.
// The progress lines are done:false pieces with empty content and the news in `thinking`: ollama-js yields them
// like any piece (src/utils.ts AbortableAsyncIterator stops only at `done` or status "success", throws only on
// `error`), so the answer text stays whole and nothing warns.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Ollama } from 'ollama';
import { DEMO_ANSWER, startProxy, watchConsole } from './harness.js';

const COLD_MODEL = 'google/gemma-3-4b';

describe('ollama-js through a cold load with --load-progress', () => {
  let proxy;
  let consoleWatch;

  before(async () => {
    proxy = await startProxy({ args: ['--load-progress=200ms'] });
    await proxy.script({ loadDelayMs: 1000 });
    consoleWatch = watchConsole();
  });
  after(async () => {
    consoleWatch?.restore();
    await proxy?.stop();
  });

  test('streams progress in thinking, then the whole answer, without an error or a warning', async () => {
    const ollama = new Ollama({ host: proxy.base });
    const stream = await ollama.chat({
      model: COLD_MODEL, messages: [{ role: 'user', content: 'Hello there' }], stream: true,
    });
    let content = '';
    let thinking = '';
    let progressBeforeAnswer = 0;
    let last;
    for await (const part of stream) {
      assert.equal(part.message.role, 'assistant');
      if (content === '' && part.message.content === '' && !part.done) progressBeforeAnswer++;
      content += part.message.content;
      thinking += part.message.thinking ?? '';
      last = part;
    }
    assert.equal(content, DEMO_ANSWER);
    assert.equal(last.done, true);
    assert.ok(last.load_duration >= 1_000_000_000, `load_duration ${last.load_duration}`);
    assert.ok(progressBeforeAnswer >= 3, `progress lines: ${progressBeforeAnswer}`);
    assert.match(thinking, /^Loading google\/gemma-3-4b on the backend…\n(Still loading: \d+\.\d s\n)+Loaded in \d+\.\d s\.\n\n$/);
    assert.deepEqual(consoleWatch.drain(), [], 'ollama-js warned (an "invalid json" line?)');
  });

  test('a chat with the model loaded gets no progress line', async () => {
    const ollama = new Ollama({ host: proxy.base });
    const stream = await ollama.chat({
      model: COLD_MODEL, messages: [{ role: 'user', content: 'Hello again' }], stream: true,
    });
    const parts = [];
    for await (const part of stream) parts.push(part);
    assert.ok(parts.every((p) => !p.message.thinking), JSON.stringify(parts.slice(0, 3)));
    assert.equal(parts.map((p) => p.message.content).join(''), DEMO_ANSWER);
  });
});
