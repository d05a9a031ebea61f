// GitHub Copilot Chat's Ollama provider (replayed by ./copilot.js) against the proxy in front of the LM Studio
// simulator: discovery, then streaming /v1/chat/completions with the /api/tags name, with tools, with an image, then
// an abort. (A tool result carrying an image is in OpenAiLayerIT: the simulator's one vision model has Gemma's
// template, which takes no tool messages at all.)
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CHAT_MODEL, SLOW_ENDLESS, startProxy } from './harness.js';
import { chat, chatBody, discover } from './copilot.js';

const VISION_MODEL = 'google/gemma-3-4b';
// Copilot's agent tools after its own normaliser (toolSchemaNormalizer.ts), plus one from another vscode.lm caller
// whose schema has no properties (languageModelAccess.ts L591-600 only fills a missing or {} schema).
const TOOLS = [
  { type: 'function', function: { name: 'read_file', description: 'Read a file', parameters: { type: 'object', properties: { filePath: { type: 'string' } }, required: ['filePath'] } } },
  { type: 'function', function: { name: 'get_changed_files', description: 'No description provided', parameters: { type: 'object', properties: {} } } },
  { type: 'function', function: { name: 'list_open_editors', description: 'From another extension', parameters: { type: 'object' } } },
];
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
const IMAGE_PART = { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}`, media_type: 'image/png' } };

describe('GitHub Copilot Chat (Ollama BYOK), replayed', () => {
  let proxy;
  let models;

  before(async () => {
    proxy = await startProxy();
  });
  after(async () => {
    await proxy?.stop();
  });
  beforeEach(async () => {
    await proxy.reset();
    models ??= await discover(proxy.base);
  });

  const model = (key) => models.find((m) => m.id === `${key}:latest`);
  async function chats() {
    return (await proxy.requests()).filter((r) => r.path === '/v1/chat/completions').map((r) => JSON.parse(r.body));
  }

  test('discovery finds every model with its capabilities and its real context length', async () => {
    const tags = await (await fetch(`${proxy.base}/api/tags`)).json();
    assert.deepEqual(models.map((m) => m.id), tags.models.filter((m) => m.capabilities.length > 0).map((m) => m.model));
    assert.equal(model(CHAT_MODEL).tools, true);
    assert.equal(model(VISION_MODEL).vision, true);
    for (const m of models) assert.ok(m.contextReported, `${m.id} reports no context length`);
  });

  test('agent mode: a tool call comes back whole, under the tags name, with complete usage', async () => {
    await proxy.script({ tokens: [], toolCalls: [{ name: 'read_file', arguments: '{"filePath":"/w/a.txt"}' }] });
    const answer = await chat(proxy.base, chatBody(model(CHAT_MODEL), [
      { role: 'system', content: 'You are an expert AI programming assistant.' },
      { role: 'user', content: 'Read a.txt' },
    ], TOOLS));

    assert.equal(answer.finishReason, 'tool_calls');
    assert.equal(answer.toolCalls.length, 1);
    assert.equal(answer.toolCalls[0].name, 'read_file');
    assert.deepEqual(answer.toolCalls[0].input, { filePath: '/w/a.txt' });
    assert.ok(answer.toolCalls[0].id, 'a non-empty call id');
    assert.ok(answer.usage.completion_tokens > 0);
    const [sent] = await chats();
    assert.equal(sent.model, CHAT_MODEL);
    assert.deepEqual(sent.tools.map((t) => t.function.parameters.properties !== undefined), [true, true, true]);

    await proxy.script({ tokens: ['a.txt says ', 'hello.'], toolCalls: [] });
    const next = await chat(proxy.base, chatBody(model(CHAT_MODEL), [
      { role: 'system', content: 'You are an expert AI programming assistant.' },
      { role: 'user', content: 'Read a.txt' },
      { role: 'assistant', content: '', tool_calls: [{ id: answer.toolCalls[0].id, function: { name: 'read_file', arguments: JSON.stringify(answer.toolCalls[0].input) }, type: 'function' }] },
      { role: 'tool', content: 'hello', tool_call_id: answer.toolCalls[0].id },
    ], TOOLS));
    assert.equal(next.text, 'a.txt says hello.');
    assert.equal(next.finishReason, 'stop');
  });

  test('an image: text and image as two user messages reach a Gemma template as one turn', async () => {
    const vision = model(VISION_MODEL);
    assert.ok(vision, models.map((m) => m.id).join());
    const answer = await chat(proxy.base, chatBody(vision, [
      { role: 'system', content: 'You are an expert AI programming assistant.' },
      { role: 'user', content: 'What is in this picture?' },
      { role: 'user', content: [IMAGE_PART] },
    ]));

    assert.ok(answer.text.length > 0);
    assert.equal(answer.finishReason, 'stop');
    const [sent] = await chats();
    assert.equal(sent.model, VISION_MODEL);
    assert.deepEqual(sent.messages.slice(1), [{ role: 'user', content: [{ type: 'text', text: 'What is in this picture?' }, IMAGE_PART] }]);
  });

  test('an abort mid-stream ends the backend request at once', async () => {
    await proxy.script(SLOW_ENDLESS);
    const abort = new AbortController();
    await assert.rejects(chat(proxy.base, chatBody(model(CHAT_MODEL), [{ role: 'user', content: 'Write a novel' }]), {
      signal: abort.signal, onText: () => abort.abort(),
    }), (e) => e.name === 'AbortError');
    const [closed] = await proxy.awaitUpstreamClosed();
    assert.equal(closed.completed, false);
  });

  test('a name that is not listed is a 404 with a message Copilot shows, and the backend hears nothing', async () => {
    await assert.rejects(chat(proxy.base, chatBody({ id: 'qwen3:8b', tools: false }, [{ role: 'user', content: 'hi' }])),
      (e) => e.status === 404 && /model 'qwen3:8b' not found/.test(e.message));
    assert.deepEqual(await chats(), []);
  });
});
