// LangChain.js's @langchain/ollama 1.3.0 (with @langchain/core 1.4.0) against the proxy.
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ChatOllama, Ollama, OllamaEmbeddings } from '@langchain/ollama';
import { HumanMessage, ToolMessage } from '@langchain/core/messages';
import { CHAT_MODEL, DEMO_ANSWER, EMBED_MODEL, SLOW_ENDLESS, startProxy, watchConsole } from './harness.js';

const weatherTool = {
  type: 'function',
  function: {
    name: 'get_weather', description: 'Weather for a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
};

describe('@langchain/ollama', () => {
  let proxy;
  let consoleWatch;
  const chat = (fields = {}) => new ChatOllama({ baseUrl: proxy.base, model: CHAT_MODEL, ...fields });

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
    consoleWatch.drain();
  });
  afterEach(() => {
    assert.deepEqual(consoleWatch.drain(), []);
  });

  test('chats without streaming (checkOrPullModel lists /api/tags first)', async () => {
    const reply = await chat({ checkOrPullModel: true }).invoke([new HumanMessage('Hello there')]);
    assert.equal(reply.content, DEMO_ANSWER);
    assert.ok(reply.usage_metadata.output_tokens > 0, JSON.stringify(reply.usage_metadata));
    assert.equal(reply.response_metadata.done_reason, 'stop');
  });

  test('chats streaming token by token', async () => {
    const parts = [];
    for await (const chunk of await chat().stream([new HumanMessage('Hello there')])) parts.push(chunk.content);
    assert.ok(parts.length > 5);
    assert.equal(parts.join(''), DEMO_ANSWER);
  });

  test('generates with the completion model, streaming and not', async () => {
    const llm = new Ollama({ baseUrl: proxy.base, model: CHAT_MODEL });
    assert.equal(await llm.invoke('Say hello'), DEMO_ANSWER);
    let text = '';
    for await (const piece of await llm.stream('Say hello')) text += piece;
    assert.equal(text, DEMO_ANSWER);
  });

  test('embeds documents and a query', async () => {
    const embeddings = new OllamaEmbeddings({ baseUrl: proxy.base, model: EMBED_MODEL });
    const docs = await embeddings.embedDocuments(['one', 'two']);
    assert.equal(docs.length, 2);
    const query = await embeddings.embedQuery('one');
    assert.equal(query.length, docs[0].length);
  });

  test('runs a tool round trip', async () => {
    await proxy.script({ toolCalls: [{ name: 'get_weather', arguments: '{"city":"Paris"}' }] });
    const model = chat().bindTools([weatherTool]);
    const history = [new HumanMessage('Weather in Paris?')];

    const call = await model.invoke(history);
    assert.equal(call.tool_calls.length, 1, JSON.stringify(call));
    assert.equal(call.tool_calls[0].name, 'get_weather');
    assert.deepEqual(call.tool_calls[0].args, { city: 'Paris' });

    await proxy.script({ toolCalls: [], tokens: ['It', ' is', ' sunny', '.'] });
    history.push(call, new ToolMessage({ content: 'sunny, 21 C', tool_call_id: call.tool_calls[0].id }));
    const answer = await model.invoke(history);
    assert.equal(answer.content, 'It is sunny.');
  });

  test('streams a tool call whose merged arguments parse', async () => {
    await proxy.script({ toolCalls: [{ name: 'get_weather', arguments: '{"city":"Paris","unit":"celsius"}' }] });
    let merged;
    for await (const chunk of await chat().bindTools([weatherTool]).stream([new HumanMessage('Weather?')])) {
      merged = merged === undefined ? chunk : merged.concat(chunk);
    }
    // LangChain gives every chunk's call index 0, so a call repeated in two chunks would merge into invalid JSON.
    assert.equal(merged.tool_calls.length, 1, JSON.stringify(merged.tool_call_chunks));
    assert.deepEqual(merged.tool_calls[0].args, { city: 'Paris', unit: 'celsius' });
    assert.deepEqual(merged.invalid_tool_calls ?? [], []);
  });

  test('returns thinking as reasoning_content', async () => {
    await proxy.script({ reasoning: ['The', ' user', ' greets', '.'] });
    const reply = await chat({ think: true }).invoke([new HumanMessage('Hello there')]);
    assert.equal(reply.additional_kwargs.reasoning_content, 'The user greets.');
    assert.equal(reply.content, DEMO_ANSWER);
  });

  // Known client limitation, not a proxy fault: when the AbortSignal fires mid-stream, @langchain/core rejects the
  // consumer's loop at once but nothing cancels ollama-js's fetch (ChatOllama only calls client.abort() when its own
  // loop pulls another chunk, and after the rejection nobody pulls), so the HTTP connection stays open and the backend
  // keeps generating. The same proxy sees ollama-js's and openai's aborts within milliseconds (the other test files).
  // Runs as a TODO so that a LangChain release that fixes it shows up as a passing TODO.
  test('aborting a stream closes the backend request', { todo: 'LangChain.js leaves the HTTP request open on abort' }, async () => {
    await proxy.script(SLOW_ENDLESS);
    const controller = new AbortController();
    let received = 0;
    await assert.rejects(async () => {
      for await (const _ of await chat().stream([new HumanMessage('Hello there')], { signal: controller.signal })) {
        if (++received === 3) controller.abort();
      }
    });

    const [upstream] = await proxy.awaitUpstreamClosed();
    assert.ok(upstream.tokensEmitted < 100, `backend kept generating: ${upstream.tokensEmitted} tokens`);
  });
});
