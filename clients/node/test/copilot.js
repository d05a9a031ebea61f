// GitHub Copilot Chat's Ollama provider, replayed: the requests it sends and the rules by which it reads the answers,
// from microsoft/vscode-copilot-chat at 31acd00a (v0.42.0). Copilot is a VS Code extension and cannot run here; what
// it does on the wire is small enough to restate, with each rule citing the line it comes from.
import { randomUUID } from 'node:crypto';

const MIN_VERSION = [0, 6, 4]; // src/extension/byok/vscode-node/ollamaProvider.ts L34

/** ollamaProvider.ts L164-185: "0.0.0" passes; otherwise parts compared with parseInt, NaN counting as 0. */
function versionOk(version) {
  if (version === '0.0.0') return true;
  const parts = version.split('.').map((p) => parseInt(p, 10) || 0);
  for (let i = 0; i < 3; i++) {
    if ((parts[i] ?? 0) !== MIN_VERSION[i]) return (parts[i] ?? 0) > MIN_VERSION[i];
  }
  return true;
}

/**
 * Model discovery (ollamaProvider.ts L94-153, L188-225): /api/version, /api/tags (only models[].model), then
 * /api/show {"model"} for each; capabilities decide tools and vision; the context comes from
 * model_info["<general.architecture>.context_length"], 32768 when missing.
 */
export async function discover(base) {
  const version = (await (await fetch(`${base}/api/version`)).json()).version;
  if (typeof version !== 'string' || !versionOk(version)) {
    throw new Error(`Unable to verify Ollama server version (got ${version})`);
  }
  const tags = await (await fetch(`${base}/api/tags`)).json();
  const models = [];
  for (const entry of tags.models) {
    const show = await (await fetch(`${base}/api/show`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ model: entry.model }),
    })).json();
    // show.capabilities is required: without it the model is skipped (L102-106).
    if (!Array.isArray(show.capabilities)) continue;
    const arch = show.model_info?.['general.architecture'];
    const context = show.model_info?.[`${arch}.context_length`];
    models.push({
      id: entry.model,
      name: show.model_info?.['general.basename'] ?? show.remote_model ?? entry.model,
      tools: show.capabilities.includes('tools'),
      vision: show.capabilities.includes('vision'),
      context: context ?? 32768,
      contextReported: context !== undefined,
    });
  }
  return models;
}

/**
 * The chat body as Copilot serialises it (networking.ts L305-321, chatMLFetcher.ts L68-85, openAIEndpoint.ts
 * L270-293): temperature 0.1, top_p 1, n 1, stream with usage; no max_tokens; tools only when the model has them.
 */
export function chatBody(model, messages, tools = []) {
  const body = { messages, model: model.id, temperature: 0.1, top_p: 1 };
  if (tools.length > 0 && model.tools) body.tools = tools;
  return { ...body, n: 1, stream: true, stream_options: { include_usage: true } };
}

/** Copilot's headers on a chat (networking.ts L380-389; the key is '' for Ollama, ollamaProvider.ts L140). */
function headers() {
  const id = randomUUID();
  return {
    Authorization: 'Bearer ',
    'X-Request-Id': id,
    'X-Agent-Task-Id': id,
    'OpenAI-Intent': 'conversation-other',
    'X-Interaction-Type': 'conversation-other',
    'X-GitHub-Api-Version': '2025-05-01',
    'X-Interaction-Id': randomUUID(),
    'X-Initiator': 'user',
    'Content-Type': 'application/json',
    'User-Agent': 'GitHubCopilotChat/0.42.0',
  };
}

/** usage counts only when all three counts are numbers (src/platform/networking/common/openai.ts L69-73). */
function isApiUsage(u) {
  return typeof u.prompt_tokens === 'number' && typeof u.completion_tokens === 'number'
    && typeof u.total_tokens === 'number';
}

/**
 * POST {base}/v1/chat/completions and read the answer as Copilot's SSEProcessor does
 * (src/platform/networking/node/stream.ts L64-135, L310-666; chatMLFetcher.ts L1223, L1699-1746): only 200 is a
 * success; lines split on \n, ':' lines skipped, the first 5 characters cut; a truthy usage that is not complete
 * replaces the completion (a crash); tool calls are told apart by id alone; only finish_reason stop or tool_calls
 * is a success. onText is called with each text delta (a caller may abort from it); allowLength accepts a
 * max_tokens cut, for a backend whose model never stops by itself (Copilot would say "Response too long.").
 */
export async function chat(base, body, { signal, onText, allowLength = false } = {}) {
  const response = await fetch(`${base}/v1/chat/completions`, {
    method: 'POST', headers: headers(), body: JSON.stringify(body), signal,
  });
  if (response.status !== 200) {
    const text = await response.text();
    const json = JSON.parse(text);
    const error = new Error(`Request Failed: ${response.status} ${JSON.stringify(json.error ?? json)}`);
    error.status = response.status;
    throw error;
  }
  const decoder = new TextDecoder();
  let pending = '';
  let text = '';
  let finishReason;
  let usage;
  let model;
  let sawDone = false;
  const calls = [];
  const handle = (line) => {
    if (line.length === 0 || line.startsWith(':')) return;
    const data = line.slice(5).trim();
    if (data === '[DONE]') { sawDone = true; return; }
    let json;
    try { json = JSON.parse(data); } catch { return; }
    if (json.usage) {
      if (!isApiUsage(json.usage)) throw new TypeError(`usage taken for the completion: ${JSON.stringify(json.usage)}`);
      usage = json.usage;
    }
    if (!json.choices) {
      if (json.error) throw new Error(`Server error. Stream terminated: ${JSON.stringify(json.error)}`);
      return;
    }
    model = json.model ?? model;
    for (const choice of json.choices) {
      if (finishReason) continue;
      const delta = choice.delta ?? {};
      const piece = (delta.content ?? choice.text ?? '').replace(/\r$/, '');
      if (piece) { text += piece; onText?.(piece); }
      for (const call of delta.tool_calls ?? []) {
        const id = call.id || undefined;
        let target = id ? calls.find((c) => c.id === id) : calls.at(-1);
        if (!target || (id && target.id && target.id !== id)) {
          target = { id, name: undefined, arguments: '' };
          calls.push(target);
        }
        if (call.function?.name) target.name = call.function.name;
        if (typeof call.function?.arguments === 'string') target.arguments += call.function.arguments;
      }
      if (choice.finish_reason) finishReason = choice.finish_reason;
    }
  };
  for await (const bytes of response.body) {
    pending += decoder.decode(bytes, { stream: true });
    let nl;
    while ((nl = pending.indexOf('\n')) >= 0 && !sawDone) {
      handle(pending.slice(0, nl));
      pending = pending.slice(nl + 1);
    }
    if (sawDone) break;
  }
  if (!finishReason) throw new Error(sawDone ? 'no choices (DONE)' : 'no choices (Iteration Done)');
  if (finishReason === 'length') {
    if (!allowLength) throw new Error('Response too long.');
  } else if (!['stop', 'tool_calls', 'function_call'].includes(finishReason)) {
    throw new Error(`finish: ${finishReason}`);
  }
  const toolCalls = calls.map((c) => ({ id: c.id, name: c.name, input: JSON.parse(c.arguments || '{}') }));
  return { text, toolCalls, finishReason, usage, model };
}
