package io.github.ollamalmstudioproxy.translate;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.ollamalmstudioproxy.ollama.Json;
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
    List<Message> in = request.messages();
    for (int i = 0; i < in.size(); i++) {
      messages.add(message(in.get(i), i, history));
    }
    if (request.tools() != null) {
      body.set("tools", request.tools());
    }
    finish(body, format(request.format(), dialect), request.options(), request.think(), request.keepAlive());
    // Ollama's templates take consecutive user turns and images in tool results; LM Studio's often do not.
    ChatBodyRepair.repair(body);
    return UpstreamRequest.of(UpstreamRequest.CHAT_COMPLETIONS, body, request.ignored());
  }

  /**
   * {@code /api/generate}: without {@code raw}, a chat completion of {@code [system?, user(prompt, images)]}, which is
   * how Ollama itself renders a generate request; with {@code raw}, a plain {@code /v1/completions} of the prompt.
   */
  public static UpstreamRequest generate(GenerateRequest request, String backendModel, BackendDialect dialect) {
    requireNonNull(request, "request");
    requireNonNull(dialect, "dialect");
    ObjectNode body = start(backendModel);
    if (request.raw()) {
      body.put("prompt", request.prompt());
      finish(body, null, request.options(), null, request.keepAlive());
      return UpstreamRequest.of(UpstreamRequest.COMPLETIONS, body, request.ignored());
    }
    ArrayNode messages = body.putArray("messages");
    if (request.system() != null) {
      messages.addObject().put("role", "system").put("content", request.system());
    }
    ObjectNode user = messages.addObject().put("role", "user");
    content(user, request.prompt(), request.images());
    finish(body, format(request.format(), dialect), request.options(), request.think(), request.keepAlive());
    return UpstreamRequest.of(UpstreamRequest.CHAT_COMPLETIONS, body, request.ignored());
  }

  private static ObjectNode start(String backendModel) {
    requireNonNull(backendModel, "backendModel");
    return Json.NODES.objectNode().put("model", backendModel);
  }

  private static ObjectNode message(Message m, int index, ToolHistory history) {
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
    if (m.role().equals("tool")) {
      String id = history.answer(m);
      if (id != null) {
        out.put("tool_call_id", id);
      }
    }
    if (m.toolName() != null && !m.toolName().isEmpty()) {
      out.put("name", m.toolName());
    }
    return out;
  }

  /** A string, or content parts when there are images: a text part only if the text is non-empty, then the images. */
  private static void content(ObjectNode message, String text, List<String> images) {
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
