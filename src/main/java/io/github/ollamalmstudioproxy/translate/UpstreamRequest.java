package io.github.ollamalmstudioproxy.translate;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * A translated request, ready to POST to the backend.
 *
 * @param path {@link #CHAT_COMPLETIONS} or {@link #COMPLETIONS}
 * @param body the OpenAI request; always {@code stream:true} with {@code stream_options.include_usage}, because the
 *     proxy always streams upstream (a backend notices a vanished client only while writing) and aggregates itself
 * @param ignored request features the backend cannot honour, for a debug log
 */
public record UpstreamRequest(String path, ObjectNode body, List<String> ignored) {
  public static final String CHAT_COMPLETIONS = "/v1/chat/completions";
  public static final String COMPLETIONS = "/v1/completions";
}
