package io.github.ollamalmstudioproxy.translate.anthropic;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.ollamalmstudioproxy.ollama.Json;
import io.github.ollamalmstudioproxy.translate.BackendDialect;
import io.github.ollamalmstudioproxy.translate.UpstreamRequest;
import java.io.UncheckedIOException;

/**
 * Anthropic Messages to {@code POST /v1/chat/completions}, written once for the backend it goes to; always streamed
 * upstream with {@code stream_options.include_usage}, like the Ollama path ({@code OllamaToOpenAi}).
 */
public final class AnthropicToOpenAi {
  private AnthropicToOpenAi() {}

  /**
   * @param backendModel the backend's id for {@link MessagesRequest#model()}, from the caller's name resolution
   * @param dialect unused today (no Anthropic field depends on it), taken for symmetry with the other translators
   */
  public static UpstreamRequest chat(MessagesRequest request, String backendModel, BackendDialect dialect) {
    requireNonNull(request, "request");
    requireNonNull(backendModel, "backendModel");
    requireNonNull(dialect, "dialect");
    ObjectNode body = Json.NODES.objectNode().put("model", backendModel);
    body.setAll(request.partial());
    body.put("stream", true);
    body.putObject("stream_options").put("include_usage", true);
    try {
      return new UpstreamRequest(UpstreamRequest.CHAT_COMPLETIONS, Json.MAPPER.writeValueAsBytes(body),
          request.ignored());
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
