// ollama-js 0.6.4's pull against the proxy in front of the simulator's LM Studio download API: streamed progress
// from 0 to 100 % ending with success, then the model is listed; and the errors it throws.
// ollama-js reads `status`, `digest`, `total`, `completed` (its ProgressResponse) and stops on status "success"
// (dist/browser.mjs AbortableAsyncIterator); Ollama writes them as server/images.go PullModel orders them.
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Ollama } from 'ollama';
import { startProxy } from './harness.js';

const MODEL = 'ibm/granite-4-micro';
const SIZE = 3_000_000;

describe('ollama-js pull', () => {
  let proxy;
  let ollama;

  before(async () => {
    proxy = await startProxy();
  });
  after(async () => {
    await proxy?.stop();
  });
  beforeEach(async () => {
    await proxy.reset();
    ollama = new Ollama({ host: proxy.base });
  });

  test('streams progress from 0 to 100 % and ends with success; the model is then listed', async () => {
    // About 0.75 s: the proxy polls every 250 ms, so the bar moves in several steps.
    await proxy.offerDownload({ model: MODEL, key: MODEL, totalBytes: SIZE, bytesPerSecond: 4_000_000 });
    const before = await ollama.list();
    assert.ok(!before.models.some((m) => m.model.startsWith(MODEL)));

    const statuses = [];
    const percents = [];
    for await (const part of await ollama.pull({ model: MODEL, stream: true })) {
      statuses.push(part.status);
      if (part.digest) {
        assert.match(part.digest, /^sha256:[0-9a-f]{64}$/);
        assert.equal(part.status, `pulling ${part.digest.slice(7, 19)}`);
        assert.equal(part.total, SIZE);
        percents.push(Math.round(((part.completed ?? 0) / part.total) * 100));
      }
    }

    assert.equal(statuses[0], 'pulling manifest');
    assert.deepEqual(statuses.slice(-3), ['verifying sha256 digest', 'writing manifest', 'success']);
    assert.ok(percents.length >= 2, JSON.stringify(percents));
    assert.ok(percents[0] < 100, JSON.stringify(percents));
    assert.equal(percents.at(-1), 100);
    assert.deepEqual([...percents].sort((a, b) => a - b), percents, 'progress never goes back');
    const { models } = await ollama.list();
    assert.ok(models.some((m) => m.model === `${MODEL}:latest`), JSON.stringify(models.map((m) => m.model)));
  });

  test('stream:false answers the bare success once the download is over', async () => {
    // Another model than the first test's, which is downloaded by now.
    const model = 'ibm/granite-4-h-tiny';
    await proxy.offerDownload({ model, key: model, totalBytes: SIZE, bytesPerSecond: 12_000_000 });

    assert.deepEqual(await ollama.pull({ model }), { status: 'success' });
    const sent = (await proxy.requests()).filter((r) => r.path.startsWith('/api/v1/models/download/status/'));
    assert.ok(sent.length >= 1, 'it waited for the job, polling its status');
  });

  test('a Hugging Face reference is downloaded with its quantization', async () => {
    await proxy.offerDownload({ model: 'https://huggingface.co/unsloth/Phi-4-mini-instruct-GGUF',
      quantization: 'Q4_K_M', key: 'unsloth/phi-4-mini-instruct', totalBytes: SIZE, bytesPerSecond: 12_000_000 });

    const last = [];
    for await (const part of await ollama.pull({ model: 'hf.co/unsloth/Phi-4-mini-instruct-GGUF:Q4_K_M', stream: true })) {
      last.push(part.status);
    }

    assert.equal(last.at(-1), 'success');
    const sent = (await proxy.requests()).filter((r) => r.path === '/api/v1/models/download');
    assert.deepEqual(sent.map((r) => JSON.parse(r.body)),
      [{ model: 'https://huggingface.co/unsloth/Phi-4-mini-instruct-GGUF', quantization: 'Q4_K_M' }]);
  });

  test('a bare Ollama library name is refused with the forms to use', async () => {
    await assert.rejects(ollama.pull({ model: 'qwen3:8b', stream: true }), (e) => {
      assert.equal(e.status_code, 400);
      assert.match(e.message, /Ollama library is not available through LM Studio/);
      assert.match(e.message, /hf\.co\/\{user\}\/\{repo\}:\{quant\}/);
      return true;
    });
  });

  test('a model LM Studio cannot find ends the stream with an error ollama-js throws', async () => {
    const stream = await ollama.pull({ model: 'nobody/nothing', stream: true });
    await assert.rejects(async () => {
      for await (const part of stream) {
        assert.notEqual(part.status, 'success');
      }
    }, /nobody\/nothing/);
  });
});
