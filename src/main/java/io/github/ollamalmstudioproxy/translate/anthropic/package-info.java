/**
 * PURE: Anthropic Messages ({@code POST /v1/messages}, Claude Code) onto a backend's {@code /v1/chat/completions}.
 *
 * <p>The HTTP layer calls, in order:
 * <ol>
 *   <li>{@link io.github.ollamalmstudioproxy.translate.anthropic.MessagesRequest#parse} (throws a 400
 *       {@code OllamaError}; render it with {@link io.github.ollamalmstudioproxy.translate.anthropic.AnthropicErrors#body});
 *   <li>name resolution of {@code model()}, then
 *       {@link io.github.ollamalmstudioproxy.translate.anthropic.AnthropicToOpenAi#chat} for the backend's id and
 *       dialect;
 *   <li>{@link io.github.ollamalmstudioproxy.translate.anthropic.AnthropicStream#streaming} or {@code #aggregating}
 *       as {@code stream()} says, fed by an {@code SseFeed} like the Ollama path; lines are complete SSE events
 *       ({@code text/event-stream}), an aggregated body is {@code application/json};
 *   <li>a failed ending: before the first byte {@code AnthropicErrors.body(failure)} with {@code failure.status()},
 *       after it {@code stream.failureEvent(failure)} and the end of the response.
 * </ol>
 *
 * <p>The contract is Ollama's Anthropic layer ({@code anthropic/anthropic.go}: {@code FromMessagesRequest},
 * {@code convertMessage}, {@code convertTool}, {@code ToMessagesResponse}, {@code mapStopReason},
 * {@code StreamConverter.Process}, {@code NewError}; {@code middleware/anthropic.go}:
 * {@code AnthropicMessagesMiddleware}), and what {@code @anthropic-ai/sdk}'s {@code MessageStream} accumulates.
 * Left out: Ollama's built-in web search loop ({@code web_search_…} tools are dropped), {@code count_tokens},
 * {@code cache_control} (stripped), citations, documents (PDF blocks are skipped), {@code signature_delta},
 * {@code stop_sequence} reporting (chat completions do not say which sequence matched), input-token estimates in
 * {@code message_start} (Ollama estimates len/4; here 0 until the backend's count arrives in {@code message_delta}),
 * streaming tool arguments piece by piece (calls are sent whole at the end, as Ollama does).
 */
package io.github.ollamalmstudioproxy.translate.anthropic;
