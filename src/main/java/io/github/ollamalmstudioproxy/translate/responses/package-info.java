/**
 * PURE: OpenAI Responses ({@code POST /v1/responses}, Codex and Copilot CLI) onto a backend's
 * {@code /v1/chat/completions}.
 *
 * <p>The HTTP layer calls, in order:
 * <ol>
 *   <li>{@link io.github.ollamalmstudioproxy.translate.responses.ResponsesRequest#parse} (throws a 400
 *       {@code OllamaError}; render it with {@link io.github.ollamalmstudioproxy.translate.responses.ResponsesErrors#body});
 *   <li>name resolution of {@code model()}, then
 *       {@link io.github.ollamalmstudioproxy.translate.responses.ResponsesToOpenAi#chat} for the backend's id and
 *       dialect;
 *   <li>{@link io.github.ollamalmstudioproxy.translate.responses.ResponsesStream#streaming} or {@code #aggregating}
 *       as {@code stream()} says, fed by an {@code SseFeed}; lines are complete SSE events, an aggregated body is
 *       the Response object;
 *   <li>a failed ending: before the first byte {@code ResponsesErrors.body(failure)} with {@code failure.status()},
 *       after it {@code stream.failureEvent(failure)} ({@code response.failed}) and the end of the response.
 * </ol>
 *
 * <p>The contract is Ollama's Responses layer ({@code openai/responses.go}: {@code FromResponsesRequest},
 * {@code convertTools}, {@code convertResponsesContent}, {@code ToResponse}, {@code ResponsesStreamConverter};
 * {@code openai/openai.go}: {@code thinkFromReasoningEffort}, {@code NewError}; {@code middleware/openai.go}:
 * {@code ResponsesMiddleware}, {@code writeWebSearchError} for {@code response.failed}), and what the
 * {@code openai} SDK's {@code ResponseStream} accumulates. Stateless like Ollama: {@code previous_response_id} and
 * {@code conversation} are ignored, {@code store} is answered {@code false}. Left out: hosted tools (web search,
 * file search, code interpreter, MCP, local shell, custom/grammar tools), {@code input_file}, {@code file_id}
 * images, {@code reasoning_text} events and {@code encrypted_content}, {@code include}, {@code truncation:"auto"}
 * (echoed, not applied), background responses, {@code GET /v1/responses/{id}}, the temperature 1.0 Ollama sends when
 * none is given (the backend's model preset applies instead), cached and reasoning token details (written 0).
 */
package io.github.ollamalmstudioproxy.translate.responses;
