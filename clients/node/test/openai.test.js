// The official openai 6.49.0 Node client through the proxy's /v1 passthrough.
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { CHAT_MODEL, DEMO_ANSWER, EMBED_MODEL, SLOW_ENDLESS, startProxy, watchConsole } from './harness.js';

describe('openai', () => {
  let proxy;
  let openai;
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
    openai = new OpenAI({ baseURL: `${proxy.base}/v1`, apiKey: 'lm-studio', maxRetries: 0, timeout: 20_000 });
    consoleWatch.drain();
  });
  afterEach(() => {
    assert.deepEqual(consoleWatch.drain(), []);
  });

  test('lists models under their /api/tags names', async () => {
    const ids = [];
    for await (const model of openai.models.list()) ids.push(model.id);
    assert.ok(ids.includes(`${CHAT_MODEL}:latest`), ids.join());
  });

  test('chats with and without streaming, usage included', async () => {
    const whole = await openai.chat.completions.create({
      model: CHAT_MODEL, messages: [{ role: 'user', content: 'Hello there' }],
    });
    assert.equal(whole.choices[0].message.content, DEMO_ANSWER);

    let text = '';
    let usage;
    for await (const chunk of await openai.chat.completions.create({
      model: CHAT_MODEL, messages: [{ role: 'user', content: 'Hello there' }], stream: true,
      stream_options: { include_usage: true },
    })) {
      text += chunk.choices[0]?.delta?.content ?? '';
      usage ??= chunk.usage ?? undefined;
    }
    assert.equal(text, DEMO_ANSWER);
    assert.ok(usage?.completion_tokens > 0, JSON.stringify(usage));
  });

  test('embeds', async () => {
    const res = await openai.embeddings.create({ model: EMBED_MODEL, input: ['one', 'two'] });
    assert.equal(res.data.length, 2);
    assert.ok(res.data[0].embedding.length > 0);
  });

  test('runs a tool round trip', async () => {
    await proxy.script({ toolCalls: [{ name: 'get_weather', arguments: '{"city":"Paris"}' }] });
    const tools = [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } }];
    const messages = [{ role: 'user', content: 'Weather in Paris?' }];

    const first = await openai.chat.completions.create({ model: CHAT_MODEL, messages, tools });
    const call = first.choices[0].message.tool_calls[0];
    assert.equal(call.function.name, 'get_weather');
    assert.deepEqual(JSON.parse(call.function.arguments), { city: 'Paris' });

    await proxy.script({ toolCalls: [], tokens: ['It', ' is', ' sunny', '.'] });
    messages.push(first.choices[0].message, { role: 'tool', tool_call_id: call.id, content: 'sunny, 21 C' });
    const second = await openai.chat.completions.create({ model: CHAT_MODEL, messages, tools });
    assert.equal(second.choices[0].message.content, 'It is sunny.');
  });

  test('aborting a stream closes the backend request', async () => {
    await proxy.script(SLOW_ENDLESS);
    const stream = await openai.chat.completions.create({
      model: CHAT_MODEL, messages: [{ role: 'user', content: 'Hello there' }], stream: true,
    });
    let received = 0;
    for await (const _ of stream) {
      if (++received === 3) stream.controller.abort();
    }

    const [upstream] = await proxy.awaitUpstreamClosed();
    assert.ok(upstream.tokensEmitted < 100, `backend kept generating: ${upstream.tokensEmitted} tokens`);
  });
});
