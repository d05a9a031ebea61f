package io.github.ollamalmstudioproxy.translate.responses;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.ollamalmstudioproxy.ollama.Json;
import io.github.ollamalmstudioproxy.translate.BackendDialect;
import io.github.ollamalmstudioproxy.translate.UpstreamRequest;
import java.io.UncheckedIOException;

/**
 * OpenAI Responses to {@code POST /v1/chat/completions}, written once for the backend it goes to; always streamed
 * upstream with {@code stream_options.include_usage}, like the Ollama path ({@code OllamaToOpenAi}).
 */
public final class ResponsesToOpenAi {
  private ResponsesToOpenAi() {}

  /**
   * @param backendModel the backend's id for {@link ResponsesRequest#model()}, from the caller's name resolution
   * @param dialect how {@code text.format:{type:"json_object"}} is written ({@code json_object} or an any-object
   *     {@code json_schema} for LM Studio)
   */
  public static UpstreamRequest chat(ResponsesRequest request, String backendModel, BackendDialect dialect) {
    requireNonNull(request, "request");
    requireNonNull(backendModel, "backendModel");
    requireNonNull(dialect, "dialect");
    ObjectNode body = Json.NODES.objectNode().put("model", backendModel);
    body.setAll(request.partial(dialect));
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
