package io.github.ollamalmstudioproxy.translate;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.ollamalmstudioproxy.ollama.Json;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * A translated request, ready to POST to the backend.
 *
 * @param path {@link #CHAT_COMPLETIONS}, {@link #COMPLETIONS} or llama-server's {@link #INFILL}
 * @param body the OpenAI request as UTF-8 JSON; always {@code stream:true} with {@code stream_options.include_usage},
 *     because the proxy always streams upstream (a backend notices a vanished client only while writing) and
 *     aggregates itself. The caller must not modify the array.
 * @param ignored request features the backend cannot honour, for a debug log
 * @param numCtx the context the model must be loaded with ({@code options.num_ctx}), or null for any: LM Studio takes
 *     it at load time, not in the request body
 * @param ttlSeconds the LM Studio {@code ttl} the body carries (from {@code keep_alive}), or null
 */
public record UpstreamRequest(String path, byte[] body, List<String> ignored, Integer numCtx, Long ttlSeconds) {
  public static final String CHAT_COMPLETIONS = "/v1/chat/completions";
  public static final String COMPLETIONS = "/v1/completions";
  /** llama-server's native fill-in-the-middle route; it answers in llama-server's native stream, not OpenAI's. */
  public static final String INFILL = "/infill";

  public UpstreamRequest {
    requireNonNull(path, "path");
    requireNonNull(body, "body");
    ignored = List.copyOf(ignored);
  }

  /** The answer is llama-server's native stream ({@code stop:true} last, no {@code [DONE]}). */
  public boolean answersNativeLlamaStream() {
    return path.equals(INFILL);
  }

  /** A request that wants no particular context and carries no {@code ttl}. */
  public UpstreamRequest(String path, byte[] body, List<String> ignored) {
    this(path, body, ignored, null, null);
  }

  static UpstreamRequest of(String path, ObjectNode body, List<String> ignored, Integer numCtx) {
    try {
      Long ttl = body.hasNonNull("ttl") ? body.get("ttl").asLong() : null;
      return new UpstreamRequest(path, Json.MAPPER.writeValueAsBytes(body), ignored, numCtx, ttl);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
