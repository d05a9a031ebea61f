package io.github.ollamalmstudioproxy.translate;

/**
 * What a translation must know about the backend it writes for, so that each request is translated once, for that
 * backend, instead of being patched afterwards. The upstream layer answers it from the backend's catalog source.
 *
 * @param acceptsJsonObjectFormat the backend takes OpenAI's {@code response_format: {"type":"json_object"}}; LM Studio
 *     answers it with a 400, llama-server needs it (its sampler rejects an any-object {@code json_schema})
 */
public record BackendDialect(boolean acceptsJsonObjectFormat) {
  /** LM Studio: {@code json_schema} only. */
  public static final BackendDialect LM_STUDIO = new BackendDialect(false);
  /** Standard OpenAI-compatible servers (llama-server, vLLM). */
  public static final BackendDialect OPENAI = new BackendDialect(true);
}
