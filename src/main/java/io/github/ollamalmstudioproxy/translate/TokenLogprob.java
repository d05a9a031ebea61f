package io.github.ollamalmstudioproxy.translate;

import java.util.List;

/**
 * One generated token's log probability, as Ollama writes it ({@code api/types.go} at v0.33.0-rc2, lines 497-516:
 * {@code TokenLogprob} and {@code Logprob}).
 *
 * @param token the token's text
 * @param logprob the backend's number exactly as it wrote it: re-printing a parsed double could change its digits
 * @param bytes the token's bytes: the backend's own when it sent them (llama-server sends the raw bytes even of a
 *     token that is half a UTF-8 character), else the UTF-8 of {@code token} as Ollama's {@code server/logprob.go}
 *     computes them; empty for an empty token (Ollama's {@code omitempty})
 * @param top the alternatives at this position, most likely first; empty when the client asked for none
 */
record TokenLogprob(String token, String logprob, byte[] bytes, List<TokenLogprob> top) {
  /** Characters this entry holds, for the bound on what an aggregated answer keeps. */
  long chars() {
    long n = token.length() + logprob.length() + bytes.length;
    for (TokenLogprob t : top) {
      n += t.chars();
    }
    return n;
  }
}
