// The official ollama-js 0.6.4 against the proxy.
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Ollama } from 'ollama';
import { CHAT_MODEL, DEMO_ANSWER, EMBED_MODEL, SLOW_ENDLESS, startProxy, watchConsole } from './harness.js';

describe('ollama-js', () => {
  let proxy;
  let ollama;
  let consoleWatch;

  before(async () => {
    proxy = await startProxy();
    consoleWatch = watchConsole();
  });
  after(async () => {
    consoleWatch?.restore();
    await proxy?.stop();
  });
  beforeEach(async () => {
    await proxy.reset();
    ollama = new Ollama({ host: proxy.base });
    consoleWatch.drain();
  });
  afterEach(() => {
    assert.deepEqual(consoleWatch.drain(), [], 'ollama-js warned (an "invalid json" line?)');
  });

  test('lists, shows every model and lists running ones', async () => {
    const { models } = await ollama.list();
    assert.ok(models.some((m) => m.model === `${CHAT_MODEL}:latest`), JSON.stringify(models));
    for (const m of models) {
      assert.equal(m.name, m.model);
      assert.match(m.digest, /^[0-9a-f]{64}$/);
      assert.ok(!Number.isNaN(Date.parse(m.modified_at)), m.modified_at);
      const show = await ollama.show({ model: m.model });
      assert.ok(show.capabilities.length > 0, m.model);
      assert.ok('model_info' in show, m.model);
    }
    const ps = await ollama.ps();
    assert.ok(ps.models.length > 0);
    assert.ok(ps.models.every((m) => !Number.isNaN(Date.parse(m.expires_at))));
  });

  test('chats without streaming', async () => {
    const res = await ollama.chat({ model: CHAT_MODEL, messages: [{ role: 'user', content: 'Hello there' }] });
    assert.equal(res.message.role, 'assistant');
    assert.equal(res.message.content, DEMO_ANSWER);
    assert.equal(res.done, true);
    assert.equal(res.done_reason, 'stop');
    assert.ok(res.eval_count > 0);
  });

  test('chats streaming token by token, ending with done', async () => {
    const stream = await ollama.chat({
      model: CHAT_MODEL, messages: [{ role: 'user', content: 'Hello there' }], stream: true,
    });
    const parts = [];
    let last;
    for await (const part of stream) {
      parts.push(part.message.content);
      last = part;
    }
    assert.ok(parts.length > 5);
    assert.equal(parts.join(''), DEMO_ANSWER);
    assert.equal(last.done, true);
  });

  test('generates with and without streaming', async () => {
    const whole = await ollama.generate({ model: CHAT_MODEL, prompt: 'Say hello' });
    assert.equal(whole.response, DEMO_ANSWER);
    assert.equal(whole.done, true);

    let text = '';
    let done = false;
    for await (const part of await ollama.generate({ model: CHAT_MODEL, prompt: 'Say hello', stream: true })) {
      text += part.response;
      done ||= part.done;
    }
    assert.equal(text, DEMO_ANSWER);
    assert.ok(done);
  });

  test('embeds with /api/embed and the legacy /api/embeddings', async () => {
    const embed = await ollama.embed({ model: EMBED_MODEL, input: ['one', 'two'] });
    assert.equal(embed.embeddings.length, 2);
    assert.ok(embed.embeddings[0].length > 0);

    const legacy = await ollama.embeddings({ model: EMBED_MODEL, prompt: 'one' });
    assert.equal(legacy.embedding.length, embed.embeddings[0].length);
  });

  test('runs a tool round trip', async () => {
    await proxy.script({ toolCalls: [{ name: 'get_weather', arguments: '{"city":"Paris"}' }] });
    const tools = [{
      type: 'function',
      function: {
        name: 'get_weather', description: 'Weather for a city',
        parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
      },
    }];
    const messages = [{ role: 'user', content: 'Weather in Paris?' }];

    const first = await ollama.chat({ model: CHAT_MODEL, messages, tools });
    assert.equal(first.message.tool_calls?.length, 1, JSON.stringify(first));
    const call = first.message.tool_calls[0];
    assert.equal(call.function.name, 'get_weather');
    assert.deepEqual(call.function.arguments, { city: 'Paris' });

    await proxy.script({ toolCalls: [], tokens: ['It', ' is', ' sunny', '.'] });
    messages.push(first.message, { role: 'tool', content: 'sunny, 21 C', tool_name: 'get_weather' });
    const second = await ollama.chat({ model: CHAT_MODEL, messages, tools });
    assert.equal(second.message.content, 'It is sunny.');

    const turns = (await proxy.requests()).filter((r) => r.path === '/v1/chat/completions');
    assert.equal(turns.length, 2);
    assert.match(turns[1].body, /sunny, 21 C/);
    assert.match(turns[1].body, /"tool_calls"/);
  });

  test('streams a tool call as whole calls with object arguments', async () => {
    await proxy.script({ toolCalls: [{ name: 'get_weather', arguments: '{"city":"Paris","unit":"celsius"}' }] });
    const calls = [];
    let last;
    for await (const part of await ollama.chat({
      model: CHAT_MODEL, messages: [{ role: 'user', content: 'Weather?' }], stream: true,
      tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } }],
    })) {
      calls.push(...(part.message.tool_calls ?? []));
      last = part;
    }
    assert.equal(calls.length, 1, JSON.stringify(calls));
    assert.deepEqual(calls[0].function.arguments, { city: 'Paris', unit: 'celsius' });
    assert.equal(last.done, true);
  });

  test('separates thinking from the answer', async () => {
    await proxy.script({ reasoning: ['The', ' user', ' greets', '.'] });
    const whole = await ollama.chat({
      model: CHAT_MODEL, think: true, messages: [{ role: 'user', content: 'Hello there' }],
    });
    assert.equal(whole.message.thinking, 'The user greets.');
    assert.equal(whole.message.content, DEMO_ANSWER);

    let thinking = '';
    let content = '';
    for await (const part of await ollama.chat({
      model: CHAT_MODEL, think: true, stream: true, messages: [{ role: 'user', content: 'Hello there' }],
    })) {
      thinking += part.message.thinking ?? '';
      content += part.message.content;
    }
    assert.equal(thinking, 'The user greets.');
    assert.equal(content, DEMO_ANSWER);
  });

  test('aborting a stream closes the backend request', async () => {
    await proxy.script(SLOW_ENDLESS);
    const stream = await ollama.chat({
      model: CHAT_MODEL, messages: [{ role: 'user', content: 'Hello there' }], stream: true,
    });
    let received = 0;
    await assert.rejects(async () => {
      for await (const _ of stream) {
        if (++received === 3) stream.abort();
      }
    }, { name: 'AbortError' });

    const [upstream] = await proxy.awaitUpstreamClosed();
    assert.ok(upstream.tokensEmitted < 100, `backend kept generating: ${upstream.tokensEmitted} tokens`);
  });
});
