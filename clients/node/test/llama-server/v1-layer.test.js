// The /v1 layer in front of a real llama.cpp llama-server (which serves /v1/messages and /v1/responses itself): GitHub
// Copilot's replayed sequence, the openai SDK's models.list/retrieve and responses.create, and @anthropic-ai/sdk's
// messages.stream, all with the /api/tags name. The tiny random-weight model writes nonsense and never stops by
// itself, so answers are bounded with max_tokens and their content is not checked, only their shape.
// Run: REQUIRE_LLAMA_SERVER=1 node --test test/llama-server/ (skipped without a built llama-server otherwise).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { chat, chatBody, discover } from '../copilot.js';
import { LLAMA_MODEL, llamaServerAvailable, startJarProxy, startLlamaServer } from './llama.js';

const TAGS_NAME = `${LLAMA_MODEL}:latest`;
const WEATHER = {
  name: 'get_weather', description: 'Weather in a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

describe('/v1 in front of llama-server', { skip: !llamaServerAvailable() && 'no llama-server built' }, () => {
  let llama;
  let proxy;
  let openai;
  let anthropic;

  before(async () => {
    llama = await startLlamaServer();
    proxy = await startJarProxy(llama.base);
    openai = new OpenAI({ baseURL: `${proxy.base}/v1`, apiKey: 'ollama', maxRetries: 0, timeout: 60_000 });
    anthropic = new Anthropic({ baseURL: proxy.base, apiKey: 'ollama', maxRetries: 0, timeout: 60_000 });
  });
  after(async () => {
    await proxy?.stop();
    await llama?.stop();
  });

  test('models.list() and retrieve() give the /api/tags name', async () => {
    const ids = [];
    for await (const model of openai.models.list()) ids.push(model.id);
    const tags = await (await fetch(`${proxy.base}/api/tags`)).json();
    assert.deepEqual(ids, tags.models.map((m) => m.model));
    assert.deepEqual(ids, [TAGS_NAME]);
    assert.equal((await openai.models.retrieve(TAGS_NAME)).id, TAGS_NAME);
    await assert.rejects(openai.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] }),
      (e) => e.status === 404);
  });

  test("Copilot's sequence: discovery, a chat with its two user messages, then an abort that stops generation", async () => {
    const [model] = await discover(proxy.base);
    assert.equal(model.id, TAGS_NAME);
    assert.ok(model.contextReported, 'llama-server tells its context length');

    const answer = await chat(proxy.base, {
      ...chatBody(model, [
        { role: 'system', content: 'You are an expert AI programming assistant.' },
        { role: 'user', content: 'Explain this file.' },
        { role: 'user', content: 'It is short.' },
      ], [{ type: 'function', function: WEATHER }]),
      max_tokens: 8,
    }, { allowLength: true });
    assert.ok(['stop', 'length', 'tool_calls'].includes(answer.finishReason), answer.finishReason);
    assert.equal(answer.model, LLAMA_MODEL);
    assert.ok(answer.usage.prompt_tokens > 0, JSON.stringify(answer.usage));

    // Copilot sends no max_tokens: this answer would run to the end of the 65536-token context.
    const abort = new AbortController();
    await assert.rejects(chat(proxy.base, chatBody(model, [{ role: 'user', content: 'Write a novel' }]), {
      signal: abort.signal, onText: () => abort.abort(),
    }), (e) => e.name === 'AbortError');
    const deadline = Date.now() + 1_000;
    while (await llama.processing() > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.equal(await llama.processing(), 0, 'llama-server still generating a second after the abort');
  });

  test('@anthropic-ai/sdk streams a conversation with a tool result through /v1/messages', async () => {
    const events = [];
    const stream = anthropic.messages.stream({
      model: TAGS_NAME, max_tokens: 8, system: 'You are terse.',
      tools: [{ name: WEATHER.name, description: WEATHER.description, input_schema: WEATHER.parameters }],
      messages: [
        { role: 'user', content: 'Weather in Paris?' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: '18 °C, sunny' }] },
      ],
    });
    stream.on('streamEvent', (event) => events.push(event.type));
    const message = await stream.finalMessage();
    assert.equal(events[0], 'message_start');
    assert.equal(events.at(-1), 'message_stop');
    assert.ok(['max_tokens', 'end_turn', 'tool_use'].includes(message.stop_reason), message.stop_reason);
    assert.ok(message.usage.output_tokens > 0, JSON.stringify(message.usage));
  });

  test('openai responses.create streams through /v1/responses with a function call output in the input', async () => {
    const types = [];
    let completed;
    for await (const event of await openai.responses.create({
      model: TAGS_NAME, instructions: 'You are terse.', stream: true, store: false, max_output_tokens: 8,
      tools: [{ type: 'function', strict: false, ...WEATHER }],
      input: [
        { role: 'user', content: [{ type: 'input_text', text: 'Weather in Paris?' }] },
        { type: 'function_call', call_id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' },
        { type: 'function_call_output', call_id: 'call_1', output: '18 °C, sunny' },
      ],
    })) {
      types.push(event.type);
      if (event.type === 'response.completed') completed = event.response;
    }
    assert.equal(types[0], 'response.created');
    assert.equal(types.at(-1), 'response.completed');
    assert.ok(completed.output.length > 0, JSON.stringify(completed));
    assert.ok(completed.usage.output_tokens > 0, JSON.stringify(completed.usage));
  });
});
