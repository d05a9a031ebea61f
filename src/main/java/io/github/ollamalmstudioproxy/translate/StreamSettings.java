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
 * @param logprobs null unless the client asked for log probabilities: a backend that sends them unasked is not
 *     passed on
 * @param nativeLlamaStream the body is llama-server's native stream ({@code /infill}): top-level {@code content}
 *     chunks, the last one {@code stop:true}, and no {@code [DONE]}
 * @param emptyContext the final answer carries {@code "context":[]} (non-raw generate: Ollama sends token ids there,
 *     which the proxy does not have, and the Vercel AI SDK requires the array)
 */
public record StreamSettings(Shape shape, String clientModel, boolean dropReasoning, boolean splitThinkTags,
    LogprobsRequest logprobs, boolean nativeLlamaStream, boolean emptyContext) {
  public enum Shape { CHAT, GENERATE }

  /** An OpenAI stream without log probabilities, answered without a {@code context} array. */
  public StreamSettings(Shape shape, String clientModel, boolean dropReasoning, boolean splitThinkTags,
      boolean emptyContext) {
    this(shape, clientModel, dropReasoning, splitThinkTags, null, false, emptyContext);
  }

  public StreamSettings {
    requireNonNull(shape, "shape");
    requireNonNull(clientModel, "clientModel");
  }

  /** An OpenAI stream without log probabilities or a {@code context} array. */
  public StreamSettings(Shape shape, String clientModel, boolean dropReasoning, boolean splitThinkTags) {
    this(shape, clientModel, dropReasoning, splitThinkTags, null, false, false);
  }

  public static StreamSettings of(ChatRequest request) {
    return new StreamSettings(Shape.CHAT, request.model(), thinkOff(request.think()), true, request.logprobs(), false,
        false);
  }

  /** Raw and fill-in-the-middle answers are code or text the caller wants verbatim: no think-tag splitting. */
  public static StreamSettings of(GenerateRequest request) {
    return new StreamSettings(Shape.GENERATE, request.model(), thinkOff(request.think()),
        !request.raw() && request.suffix() == null, request.logprobs(), false, !request.raw());
  }

  /** The same settings for the answer of llama-server's native {@code /infill}. */
  public StreamSettings forNativeLlamaStream() {
    return new StreamSettings(shape, clientModel, dropReasoning, splitThinkTags, logprobs, true, emptyContext);
  }

  private static boolean thinkOff(Think think) {
    return think != null && !think.enabled();
  }
}
