// Issue 14, point 2: the official ollama-js 0.6.4 makes, uses, copies and deletes a Modelfile alias through the
// proxy, and the alias survives a restart of the proxy (the same --models-file). The simulator must receive the
// alias's parameters and system prompt.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ollama } from 'ollama';
import { CHAT_MODEL, DEMO_ANSWER, startProxy } from './harness.js';

const SYSTEM = 'You answer in one word.';

describe('ollama-js model aliases', () => {
  let dir;
  let modelsFile;
  let proxy;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'aliases-'));
    modelsFile = join(dir, 'models.yaml');
  });
  after(async () => {
    await proxy?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const lastChat = async () => {
    const chats = (await proxy.requests()).filter((r) => r.path === '/v1/chat/completions');
    assert.ok(chats.length > 0, 'the backend received a chat');
    return JSON.parse(chats[chats.length - 1].body);
  };

  test('create with from + parameters + system makes an alias chat uses', async () => {
    proxy = await startProxy({ args: ['--models-file', modelsFile] });
    const ollama = new Ollama({ host: proxy.base });

    const progress = [];
    for await (const p of await ollama.create({
      model: 'mybot', from: CHAT_MODEL, parameters: { num_ctx: 8192, temperature: 0.2, stop: ['<|end|>'] },
      system: SYSTEM, stream: true,
    })) {
      progress.push(p.status);
    }
    assert.equal(progress.at(-1), 'success');
    assert.ok(progress.includes('writing manifest'), progress.join(', '));
    assert.match(readFileSync(modelsFile, 'utf8'), /name: mybot:latest/);

    const { models } = await ollama.list();
    assert.ok(models.some((m) => m.model === 'mybot:latest'), JSON.stringify(models.map((m) => m.model)));
    const show = await ollama.show({ model: 'mybot' });
    assert.equal(show.system, SYSTEM);
    assert.match(show.parameters, /^temperature\s+0\.2$/m);
    assert.match(show.modelfile, new RegExp(`^FROM ${CHAT_MODEL}:latest$`, 'm'));

    await proxy.reset();
    const res = await ollama.chat({ model: 'mybot', messages: [{ role: 'user', content: 'Hello there' }] });
    assert.equal(res.model, 'mybot');
    assert.equal(res.message.content, DEMO_ANSWER);
    const sent = await lastChat();
    assert.equal(sent.model, CHAT_MODEL);
    assert.equal(sent.temperature, 0.2);
    assert.deepEqual(sent.stop, ['<|end|>']);
    assert.deepEqual(sent.messages, [{ role: 'system', content: SYSTEM }, { role: 'user', content: 'Hello there' }]);
  });

  test('create without streaming answers success once', async () => {
    const ollama = new Ollama({ host: proxy.base });
    const res = await ollama.create({ model: 'quiet', from: CHAT_MODEL });
    assert.deepEqual(res, { status: 'success' });
  });

  test('copy makes a second alias and delete removes it, never a backend model', async () => {
    const ollama = new Ollama({ host: proxy.base });
    assert.deepEqual(await ollama.copy({ source: 'mybot', destination: 'mybot-copy' }), { status: 'success' });
    await proxy.reset();
    await ollama.chat({ model: 'mybot-copy', messages: [{ role: 'user', content: 'hi' }] });
    assert.equal((await lastChat()).temperature, 0.2);

    assert.deepEqual(await ollama.delete({ model: 'mybot-copy' }), { status: 'success' });
    const names = (await ollama.list()).models.map((m) => m.model);
    assert.ok(!names.includes('mybot-copy:latest'), names.join(', '));

    await assert.rejects(ollama.delete({ model: CHAT_MODEL }), (e) => {
      assert.equal(e.status_code, 400);
      assert.match(e.error, /is managed in LM Studio/);
      return true;
    });
    assert.ok((await ollama.list()).models.some((m) => m.model === `${CHAT_MODEL}:latest`));
  });

  test('the alias survives a restart of the proxy', async () => {
    await proxy.stop();
    proxy = await startProxy({ args: ['--models-file', modelsFile] });
    const ollama = new Ollama({ host: proxy.base });

    const res = await ollama.chat({ model: 'mybot', messages: [{ role: 'user', content: 'again' }] });
    assert.equal(res.message.content, DEMO_ANSWER);
    const sent = await lastChat();
    assert.equal(sent.temperature, 0.2);
    assert.equal(sent.messages[0].content, SYSTEM);
  });
});
