// /v1 as Ollama's OpenAI and Anthropic layer, driven by the official SDKs with the names /api/tags lists: openai
// 6.49.0 (models.list, models.retrieve, chat.completions, responses.create) and @anthropic-ai/sdk 1.15.0
// (messages.stream with tools). Twice: against a simulator that serves /v1/messages and /v1/responses itself (they
// pass through with the model resolved) and against one that lacks them, as LM Studio before 0.3.29 / 0.4.1 does
// (the proxy translates them onto /v1/chat/completions).
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { CHAT_MODEL, startProxy } from './harness.js';

const TAGS_NAME = `${CHAT_MODEL}:latest`;
const WEATHER_TOOL_ARGS = '{"city":"Paris"}';

for (const nativeRoutes of [true, false]) {
  describe(`/v1 with /api/tags names, backend ${nativeRoutes ? 'serving' : 'lacking'} /v1/messages and /v1/responses`,
    () => {
      let proxy;
      let openai;
      let anthropic;

      before(async () => {
        proxy = await startProxy({ nativeRoutes });
      });
      after(async () => {
        await proxy?.stop();
      });
      beforeEach(async () => {
        await proxy.reset();
        openai = new OpenAI({ baseURL: `${proxy.base}/v1`, apiKey: 'ollama', maxRetries: 0, timeout: 20_000 });
        anthropic = new Anthropic({ baseURL: proxy.base, apiKey: 'ollama', maxRetries: 0, timeout: 20_000 });
      });

      /** The inference requests the backend received, bodies parsed. */
      async function inference() {
        return (await proxy.requests()).filter((r) => r.method === 'POST' && r.path.startsWith('/v1/'))
          .map((r) => ({ ...r, json: JSON.parse(r.body) }));
      }

      /**
       * The two turns as the backend got them: at the route itself when it serves it; else on chat completions,
       * after at most one try at the route (the answer that told the proxy the backend lacks it, remembered after).
       */
      async function translatedOrPassed(route) {
        const seen = await inference();
        for (const request of seen) assert.equal(request.json.model, CHAT_MODEL);
        if (nativeRoutes) {
          assert.deepEqual(seen.map((r) => r.path), [route, route]);
          return seen;
        }
        const probes = seen.filter((r) => r.path === route);
        assert.ok(probes.length <= 1, JSON.stringify(seen.map((r) => r.path)));
        const translated = seen.filter((r) => r.path !== route);
        assert.deepEqual(translated.map((r) => r.path), ['/v1/chat/completions', '/v1/chat/completions']);
        return translated;
      }

      test('models.list() gives the /api/tags names, retrieve() answers each, and each works on /api/chat', async () => {
        const tags = await (await fetch(`${proxy.base}/api/tags`)).json();
        const ids = [];
        for await (const model of openai.models.list()) {
          assert.equal(model.object, 'model');
          assert.ok(Number.isInteger(model.created) && model.created > 1_000_000_000, String(model.created));
          assert.equal(typeof model.owned_by, 'string');
          ids.push(model.id);
        }
        assert.deepEqual(ids, tags.models.map((m) => m.model));
        assert.ok(ids.includes(TAGS_NAME), ids.join());

        const one = await openai.models.retrieve(TAGS_NAME);
        assert.equal(one.id, TAGS_NAME);
        await assert.rejects(openai.models.retrieve('no-such-model'), (e) => e.status === 404);

        const chat = await fetch(`${proxy.base}/api/chat`, {
          method: 'POST',
          body: JSON.stringify({ model: TAGS_NAME, stream: false, messages: [{ role: 'user', content: 'hi' }] }),
        });
        assert.equal(chat.status, 200);
      });

      test('chat.completions with a tags name reaches the backend under its id, the rest as sent', async () => {
        let text = '';
        for await (const chunk of await openai.chat.completions.create({
          model: TAGS_NAME, stream: true, stream_options: { include_usage: true }, temperature: 0.25,
          messages: [{ role: 'user', content: 'Hello there' }],
        })) {
          assert.equal(chunk.model, CHAT_MODEL);
          text += chunk.choices[0]?.delta?.content ?? '';
        }
        assert.ok(text.length > 0);
        const [seen] = await inference();
        assert.equal(seen.path, '/v1/chat/completions');
        assert.equal(seen.json.model, CHAT_MODEL);
        assert.equal(seen.json.temperature, 0.25);
      });

      test('an unknown name is a 404 on every route and the backend hears nothing', async () => {
        await assert.rejects(openai.chat.completions.create({
          model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }],
        }), (e) => e.status === 404 && /model 'gpt-4o' not found/.test(e.message));
        await assert.rejects(openai.responses.create({ model: 'gpt-4o', input: 'hi' }), (e) => e.status === 404);
        await assert.rejects(anthropic.messages.create({
          model: 'claude-sonnet-4-5', max_tokens: 64, messages: [{ role: 'user', content: 'hi' }],
        }), (e) => e.status === 404 && e.error?.type === 'error' && e.error?.error?.type === 'not_found_error');
        await assert.rejects(openai.embeddings.create({ model: 'text-embedding-3-small', input: 'hi' }),
          (e) => e.status === 404);
        assert.deepEqual(await inference(), []);
      });

      test('@anthropic-ai/sdk streams a tool-using conversation through /v1/messages', async () => {
        const tools = [{
          name: 'get_weather', description: 'Weather in a city',
          input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
        }];
        const question = { role: 'user', content: 'What is the weather in Paris?' };
        await proxy.script({ tokens: ['Let me check.'], toolCalls: [{ name: 'get_weather', arguments: WEATHER_TOOL_ARGS }] });

        const events = [];
        const first = anthropic.messages.stream({
          model: TAGS_NAME, max_tokens: 256, system: 'You are terse.', tools, messages: [question],
        });
        first.on('streamEvent', (event) => events.push(event.type));
        const turn = await first.finalMessage();

        assert.equal(events[0], 'message_start');
        assert.equal(events.at(-1), 'message_stop');
        assert.ok(events.includes('content_block_delta'), events.join());
        assert.equal(turn.role, 'assistant');
        assert.equal(turn.stop_reason, 'tool_use');
        const call = turn.content.find((b) => b.type === 'tool_use');
        assert.ok(call, JSON.stringify(turn.content));
        assert.equal(call.name, 'get_weather');
        assert.deepEqual(call.input, { city: 'Paris' });
        assert.ok(turn.usage.output_tokens > 0, JSON.stringify(turn.usage));

        await proxy.script({ tokens: ['It is ', 'sunny.'], toolCalls: [] });
        const second = anthropic.messages.stream({
          model: TAGS_NAME, max_tokens: 256, system: 'You are terse.', tools,
          messages: [question, { role: 'assistant', content: turn.content },
            { role: 'user', content: [{ type: 'tool_result', tool_use_id: call.id, content: '18 °C, sunny' }] }],
        });
        let text = '';
        second.on('text', (delta) => { text += delta; });
        const answer = await second.finalMessage();
        assert.equal(text, 'It is sunny.');
        assert.equal(answer.stop_reason, 'end_turn');

        const seen = await translatedOrPassed('/v1/messages');
        if (!nativeRoutes) {
          const history = seen[1].json.messages;
          assert.deepEqual(history[0], { role: 'system', content: 'You are terse.' });
          const assistant = history.find((m) => m.role === 'assistant');
          assert.equal(assistant.tool_calls[0].id, call.id);
          assert.equal(assistant.tool_calls[0].function.name, 'get_weather');
          assert.deepEqual(JSON.parse(assistant.tool_calls[0].function.arguments), { city: 'Paris' });
          const result = history.find((m) => m.role === 'tool');
          assert.equal(result.tool_call_id, call.id);
          assert.equal(result.content, '18 °C, sunny');
          assert.equal(seen[1].json.tools[0].function.name, 'get_weather');
        }
      });

      test('openai responses.create streams a function call, then the answer to its output', async () => {
        const tools = [{
          type: 'function', name: 'get_weather', description: 'Weather in a city', strict: false,
          parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
        }];
        await proxy.script({ tokens: [], toolCalls: [{ name: 'get_weather', arguments: WEATHER_TOOL_ARGS }] });
        const input = [{ role: 'user', content: [{ type: 'input_text', text: 'Weather in Paris?' }] }];

        const types = [];
        let completed;
        for await (const event of await openai.responses.create({
          model: TAGS_NAME, instructions: 'You are terse.', input, tools, stream: true, store: false,
        })) {
          types.push(event.type);
          if (event.type === 'response.completed') completed = event.response;
        }
        assert.equal(types[0], 'response.created');
        assert.ok(types.includes('response.output_item.added'), types.join());
        assert.ok(types.includes('response.function_call_arguments.delta'), types.join());
        assert.equal(types.at(-1), 'response.completed');
        assert.equal(completed.status, 'completed');
        const call = completed.output.find((item) => item.type === 'function_call');
        assert.ok(call, JSON.stringify(completed.output));
        assert.equal(call.name, 'get_weather');
        assert.deepEqual(JSON.parse(call.arguments), { city: 'Paris' });

        await proxy.script({ tokens: ['Sunny, ', '18 degrees.'], toolCalls: [] });
        let text = '';
        let done;
        for await (const event of await openai.responses.create({
          model: TAGS_NAME, instructions: 'You are terse.', tools, stream: true, store: false,
          input: [...input, call, { type: 'function_call_output', call_id: call.call_id, output: '18 °C, sunny' }],
        })) {
          if (event.type === 'response.output_text.delta') text += event.delta;
          if (event.type === 'response.completed') done = event.response;
        }
        assert.equal(text, 'Sunny, 18 degrees.');
        assert.equal(done.output_text ?? done.output.find((i) => i.type === 'message').content[0].text,
          'Sunny, 18 degrees.');
        assert.ok(done.usage.output_tokens > 0, JSON.stringify(done.usage));

        const seen = await translatedOrPassed('/v1/responses');
        if (!nativeRoutes) {
          const history = seen[1].json.messages;
          assert.deepEqual(history[0], { role: 'system', content: 'You are terse.' });
          const assistant = history.find((m) => m.role === 'assistant');
          assert.equal(assistant.tool_calls[0].id, call.call_id);
          const result = history.find((m) => m.role === 'tool');
          assert.equal(result.tool_call_id, call.call_id);
          assert.equal(result.content, '18 °C, sunny');
        }
      });
    });
}
