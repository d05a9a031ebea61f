package io.github.ollamalmstudioproxy.translate;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.ollamalmstudioproxy.ollama.Json;
import io.github.ollamalmstudioproxy.ollama.OllamaError;
import io.github.ollamalmstudioproxy.translate.ChatRequest.Message;
import io.github.ollamalmstudioproxy.translate.ChatRequest.ToolCall;
import io.github.ollamalmstudioproxy.translate.openai.ChatBodyRepair;
import java.util.List;

/**
 * Ollama requests to OpenAI requests, written once for the backend they go to. Pure: the backend's model id comes
 * from the caller's name resolution and its dialect from the caller's catalog.
 */
public final class OllamaToOpenAi {
  private OllamaToOpenAi() {}

  /** {@code /api/chat} to {@code POST /v1/chat/completions}. */
  public static UpstreamRequest chat(ChatRequest request, String backendModel, BackendDialect dialect) {
    requireNonNull(request, "request");
    requireNonNull(dialect, "dialect");
    ObjectNode body = start(backendModel);
    ArrayNode messages = body.putArray("messages");
    ToolHistory history = new ToolHistory();
    OrphanToolResults orphans = OrphanToolResults.start();
    List<Message> in = request.messages();
    for (int i = 0; i < in.size(); i++) {
      Message m = in.get(i);
      String answers = m.role().equals("tool") ? history.answer(m) : null;
      if (m.role().equals("tool") && answers == null) {
        orphans.fold(m, messages);
      } else {
        messages.add(message(m, i, history, answers));
      }
    }
    if (request.tools() != null) {
      body.set("tools", request.tools());
    }
    finish(body, format(request.format(), dialect), request.options(), request.think(), request.keepAlive());
    chatLogprobs(body, request.logprobs());
    // Ollama's templates take consecutive user turns and images in tool results; LM Studio's often do not.
    ChatBodyRepair.repair(body);
    return UpstreamRequest.of(UpstreamRequest.CHAT_COMPLETIONS, body, request.ignored(),
        request.options().numCtx());
  }

  /**
   * {@code /api/generate}: without {@code raw}, a chat completion of {@code [system?, user(prompt, images)]}, which is
   * how Ollama itself renders a generate request; with {@code raw}, a plain {@code /v1/completions} of the prompt.
   */
  public static UpstreamRequest generate(GenerateRequest request, String backendModel, BackendDialect dialect) {
    requireNonNull(request, "request");
    requireNonNull(dialect, "dialect");
    if (request.fillsInTheMiddle()) {
      // Only a route that knows the model's fill-in-the-middle support may translate a suffix (see infill and
      // fillInTheMiddle); sent as a chat it would silently drop the suffix.
      throw OllamaError.badRequest("\"" + request.model() + "\" does not support insert");
    }
    ObjectNode body = start(backendModel);
    if (request.raw()) {
      body.put("prompt", request.prompt());
      finish(body, null, request.options(), null, request.keepAlive());
      if (request.logprobs() != null) {
        // Legacy completions take the number of alternatives as "logprobs" itself (the inverse of Ollama's own
        // openai/openai.go lines 829-833); llama-server reads it as its n_probs, vLLM and OpenAI likewise.
        body.put("logprobs", request.logprobs().upstreamTop());
      }
      return UpstreamRequest.of(UpstreamRequest.COMPLETIONS, body, request.ignored(), request.options().numCtx());
    }
    ArrayNode messages = body.putArray("messages");
    if (request.system() != null) {
      messages.addObject().put("role", "system").put("content", request.system());
    }
    ObjectNode user = messages.addObject().put("role", "user");
    content(user, request.prompt(), request.images());
    finish(body, format(request.format(), dialect), request.options(), request.think(), request.keepAlive());
    chatLogprobs(body, request.logprobs());
    return UpstreamRequest.of(UpstreamRequest.CHAT_COMPLETIONS, body, request.ignored(), request.options().numCtx());
  }

  /**
   * Fill-in-the-middle for llama-server: its native {@code POST /infill} with {@code input_prefix} and
   * {@code input_suffix}, which wraps them in the model's own FIM tokens (and answers 501 when the model has none).
   * llama-server reads the OpenAI sampling names there too ({@code max_tokens} is its {@code n_predict}); log
   * probabilities are its {@code n_probs}, asked as Ollama asks for them ({@code llm/llama_server.go} lines
   * 1579-1581, v0.33.0-rc2). The answer is llama-server's native stream.
   */
  public static UpstreamRequest infill(GenerateRequest request, String backendModel) {
    requireNonNull(request, "request");
    ObjectNode body = start(backendModel);
    body.put("input_prefix", request.prompt());
    body.put("input_suffix", request.suffix());
    body.setAll(request.options().openAi().deepCopy());
    if (request.logprobs() != null) {
      body.put("n_probs", request.logprobs().upstreamTop());
    }
    body.put("stream", true);
    return UpstreamRequest.of(UpstreamRequest.INFILL, body, request.ignored(), null);
  }

  /**
   * Fill-in-the-middle through the model family's FIM tokens: {@code prompt} is already the raw FIM prompt
   * ({@code <|fim_prefix|>…<|fim_suffix|>…<|fim_middle|>} and the like), sent to {@code /v1/completions} untouched,
   * as Ollama itself executes a template with {@code .Suffix} ({@code server/routes.go} lines 511-513).
   */
  public static UpstreamRequest fillInTheMiddle(GenerateRequest request, String backendModel, String prompt) {
    requireNonNull(request, "request");
    requireNonNull(prompt, "prompt");
    ObjectNode body = start(backendModel);
    body.put("prompt", prompt);
    finish(body, null, request.options(), null, request.keepAlive());
    if (request.logprobs() != null) {
      body.put("logprobs", request.logprobs().upstreamTop());
    }
    return UpstreamRequest.of(UpstreamRequest.COMPLETIONS, body, request.ignored(), request.options().numCtx());
  }

  /** {@code logprobs:true} plus {@code top_logprobs}, as {@code llm/llama_server.go} lines 2173-2175 send them. */
  private static void chatLogprobs(ObjectNode body, LogprobsRequest logprobs) {
    if (logprobs != null) {
      body.put("logprobs", true);
      body.put("top_logprobs", logprobs.upstreamTop());
    }
  }

  private static ObjectNode start(String backendModel) {
    requireNonNull(backendModel, "backendModel");
    return Json.NODES.objectNode().put("model", backendModel);
  }

  /** @param answers the call a tool result answers (see {@link ToolHistory#answer}); null for other roles */
  private static ObjectNode message(Message m, int index, ToolHistory history, String answers) {
    ObjectNode out = Json.NODES.objectNode().put("role", m.role());
    // Ollama's own OpenAI-backend translator drops thinking from history too: backends re-derive it, and several
    // chat templates reject or duplicate an assistant reasoning field.
    content(out, m.content(), m.images());
    if (!m.toolCalls().isEmpty()) {
      ArrayNode calls = out.putArray("tool_calls");
      for (int c = 0; c < m.toolCalls().size(); c++) {
        ToolCall call = m.toolCalls().get(c);
        ObjectNode o = calls.addObject().put("id", ToolHistory.callId(index, c, call)).put("type", "function");
        o.putObject("function").put("name", call.name()).put("arguments", call.argumentsJson());
      }
      history.assistantCalls(index, m.toolCalls());
    }
    if (answers != null) {
      out.put("tool_call_id", answers);
    }
    if (m.toolName() != null && !m.toolName().isEmpty()) {
      out.put("name", m.toolName());
    }
    return out;
  }

  /** A string, or content parts when there are images: a text part only if the text is non-empty, then the images. */
  static void content(ObjectNode message, String text, List<String> images) {
    if (images.isEmpty()) {
      message.put("content", text);
      return;
    }
    ArrayNode parts = message.putArray("content");
    if (!text.isEmpty()) {
      parts.addObject().put("type", "text").put("text", text);
    }
    for (String url : images) {
      parts.addObject().put("type", "image_url").putObject("image_url").put("url", url);
    }
  }

  private static ObjectNode format(ResponseFormat format, BackendDialect dialect) {
    return format == null ? null : format.toOpenAi(dialect);
  }

  private static void finish(
      ObjectNode body, ObjectNode responseFormat, SamplingOptions options, Think think, KeepAlive keepAlive) {
    if (responseFormat != null) {
      body.set("response_format", responseFormat);
    }
    body.setAll(options.openAi().deepCopy());
    if (think != null) {
      body.put("reasoning_effort", think.reasoningEffort());
    }
    if (keepAlive != null) {
      keepAlive.ttlSeconds().ifPresent(ttl -> body.put("ttl", ttl));
    }
    body.put("stream", true);
    body.putObject("stream_options").put("include_usage", true);
  }
}
