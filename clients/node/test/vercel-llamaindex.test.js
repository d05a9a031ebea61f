// The Vercel AI SDK's Ollama provider (ollama-ai-provider-v2 4.0.1 with ai 7.0.173, whose zod schemas reject an
// answer missing a field they require: /api/embed's load_duration and prompt_eval_count, non-raw generate's context)
// and LlamaIndex.TS (@llamaindex/ollama 0.1.24 in @llamaindex/workflow's agent loop, which sends a tool result back
// without the assistant's tool_calls) through the proxy in front of the simulator.
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { embed, generateText, stepCountIs, streamText, tool } from 'ai';
import { createOllama } from 'ollama-ai-provider-v2';
import { z } from 'zod';
import { Ollama, OllamaEmbedding } from '@llamaindex/ollama';
import { agent } from '@llamaindex/workflow';
import { tool as llamaTool } from '@llamaindex/core/tools';
import { CHAT_MODEL, DEMO_ANSWER, EMBED_MODEL, SLOW_ENDLESS, startProxy } from './harness.js';

const WEATHER_ARGS = '{"city":"Paris"}';

describe('Vercel AI SDK (ollama-ai-provider-v2) and LlamaIndex.TS', () => {
  let proxy;
  let ollama;

  before(async () => {
    proxy = await startProxy();
    ollama = createOllama({ baseURL: `${proxy.base}/api` });
  });
  after(async () => {
    await proxy?.stop();
  });
  beforeEach(async () => {
    await proxy.reset();
  });

  async function chats() {
    return (await proxy.requests()).filter((r) => r.path === '/v1/chat/completions').map((r) => JSON.parse(r.body));
  }

  test('AI SDK: generateText and streamText with the chat model', async () => {
    const whole = await generateText({ model: ollama(CHAT_MODEL), prompt: 'Hello there' });
    assert.equal(whole.text, DEMO_ANSWER);
    assert.ok(whole.usage.outputTokens > 0, JSON.stringify(whole.usage));

    const streamed = streamText({ model: ollama(CHAT_MODEL), prompt: 'Hello there' });
    let text = '';
    for await (const piece of streamed.textStream) text += piece;
    assert.equal(text, DEMO_ANSWER);
  });

  test('AI SDK: a tool call, its execution and the answer to it (two steps)', async () => {
    await proxy.script({ tokens: [], toolCalls: [{ name: 'get_weather', arguments: WEATHER_ARGS }] });
    let executedWith;
    const result = await generateText({
      model: ollama(CHAT_MODEL),
      prompt: 'Weather in Paris?',
      tools: {
        get_weather: tool({
          description: 'Weather in a city',
          inputSchema: z.object({ city: z.string() }),
          execute: async ({ city }) => {
            executedWith = city;
            await proxy.script({ tokens: ['Sunny in ', 'Paris.'], toolCalls: [] });
            return '18 °C, sunny';
          },
        }),
      },
      stopWhen: stepCountIs(3),
    });
    assert.equal(executedWith, 'Paris');
    assert.equal(result.text, 'Sunny in Paris.');
    assert.equal(result.steps.length, 2);
    const [, second] = await chats();
    assert.ok(second.messages.some((m) => m.role === 'tool' && m.content.includes('sunny')), JSON.stringify(second));
  });

  test('AI SDK: embeddings and the completion model pass its schemas', async () => {
    const vector = await embed({ model: ollama.embedding(EMBED_MODEL), value: 'hello' });
    assert.ok(vector.embedding.length > 0);
    const norm = Math.sqrt(vector.embedding.reduce((s, x) => s + x * x, 0));
    assert.ok(Math.abs(norm - 1) < 1e-6, `not unit length: ${norm}`);

    const completion = await generateText({ model: ollama.completion(CHAT_MODEL), prompt: 'Once upon a time' });
    assert.equal(completion.text, DEMO_ANSWER);
  });

  test('AI SDK: an abort mid-stream ends the backend request', async () => {
    await proxy.script(SLOW_ENDLESS);
    const abort = new AbortController();
    const streamed = streamText({ model: ollama(CHAT_MODEL), prompt: 'Write a novel', abortSignal: abort.signal });
    try {
      for await (const piece of streamed.textStream) {
        if (piece) abort.abort();
      }
    } catch (e) {
      // ai may end the stream quietly or with the abort's error; either way the request must stop.
      assert.ok(e.name === 'AbortError' || /abort/i.test(String(e)), String(e));
    }
    const [closed] = await proxy.awaitUpstreamClosed();
    assert.equal(closed.completed, false);
  });

  test('LlamaIndex.TS: chat, streamed chat and embeddings', async () => {
    const llm = new Ollama({ model: CHAT_MODEL, config: { host: proxy.base } });
    const answer = await llm.chat({ messages: [{ role: 'user', content: 'Hello there' }] });
    assert.equal(answer.message.content, DEMO_ANSWER);
    let text = '';
    for await (const chunk of await llm.chat({ messages: [{ role: 'user', content: 'Hello there' }], stream: true })) {
      text += chunk.delta;
    }
    assert.equal(text, DEMO_ANSWER);
    const embedder = new OllamaEmbedding({ model: EMBED_MODEL, config: { host: proxy.base } });
    const vector = await embedder.getTextEmbedding('hello');
    assert.ok(vector.length > 0);
  });

  test("LlamaIndex.TS: the agent loop's tool result without its call reaches the model (multi-step)", async () => {
    await proxy.script({ tokens: [], toolCalls: [{ name: 'get_weather', arguments: WEATHER_ARGS }] });
    let executedWith;
    const weather = llamaTool({
      name: 'get_weather',
      description: 'Weather in a city',
      parameters: z.object({ city: z.string() }),
      execute: async ({ city }) => {
        executedWith = city;
        await proxy.script({ tokens: ['Sunny in ', 'Paris.'], toolCalls: [] });
        return '18 °C, sunny';
      },
    });
    const llm = new Ollama({ model: CHAT_MODEL, config: { host: proxy.base } });
    const result = await agent({ llm, tools: [weather], verbose: false }).run('Weather in Paris?');

    assert.equal(executedWith, 'Paris');
    assert.match(String(result.data.result ?? result.data), /Sunny in Paris\./);
    const [, second] = await chats();
    // What reached the backend is valid for LM Studio: the result the client sent without its call is in the
    // conversation (folded into a user turn), not a tool message LM Studio would refuse.
    assert.ok(JSON.stringify(second.messages).includes('18 °C, sunny'), JSON.stringify(second.messages));
  });
});
