package io.github.ollamalmstudioproxy.translate;

import static java.util.Objects.requireNonNull;

/**
 * What the response translator needs to know about the client's request.
 *
 * @param shape chat lines carry {@code message}, generate lines {@code response}
 * @param clientModel echoed in every line exactly as the client sent it
 * @param dropReasoning {@code think:false}: backends do not always honour {@code reasoning_effort:"none"}, so any
 *     reasoning that still arrives is discarded rather than shown
 * @param splitThinkTags separate inline {@code <think>…</think>}; off for raw generate, whose caller wants the text
 * @param emptyContext the final answer carries {@code "context":[]} (non-raw generate: Ollama sends token ids there,
 *     which the proxy does not have, and the Vercel AI SDK requires the array)
 */
public record StreamSettings(
    Shape shape, String clientModel, boolean dropReasoning, boolean splitThinkTags, boolean emptyContext) {
  public enum Shape { CHAT, GENERATE }

  /** Without a {@code context} array. */
  public StreamSettings(Shape shape, String clientModel, boolean dropReasoning, boolean splitThinkTags) {
    this(shape, clientModel, dropReasoning, splitThinkTags, false);
  }

  public StreamSettings {
    requireNonNull(shape, "shape");
    requireNonNull(clientModel, "clientModel");
  }

  public static StreamSettings of(ChatRequest request) {
    return new StreamSettings(Shape.CHAT, request.model(), thinkOff(request.think()), true);
  }

  public static StreamSettings of(GenerateRequest request) {
    return new StreamSettings(Shape.GENERATE, request.model(), thinkOff(request.think()), !request.raw(),
        !request.raw());
  }

  private static boolean thinkOff(Think think) {
    return think != null && !think.enabled();
  }
}
