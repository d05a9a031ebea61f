package io.github.ollamalmstudioproxy.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;

/**
 * Log probabilities of the content tokens of one chat answer, when the script turns them on
 * ({@link SimulatorScript#answerLogprobs(boolean)}) and the request asks ({@code logprobs:true}).
 *
 * <p>LM Studio's own chat completions accept {@code logprobs} and answer {@code "logprobs":null} (lmstudio-ai/lms#60,
 * still open; LM Studio returns them only on {@code /v1/responses} since 0.3.39), so by default the simulator does
 * the same. Turned on, it answers in llama-server's shape (captured from llama-server 3.21.1's
 * {@code /v1/chat/completions}, reference llama-server.md): {@code {"content":[{id, token, bytes, logprob,
 * top_logprobs:[…]}]}}, the chosen token first among the alternatives. The numbers are fixed, not a model's: the n-th
 * content token (from 1) has log probability {@code -n/8}, and its k-th further alternative, {@code "<token>~k"},
 * {@code -n/8 - k}; exact binary fractions, so they survive any reprinting.
 */
final class SimLogprobs {
  private final int top;
  private int position;

  private SimLogprobs(int top) {
    this.top = top;
  }

  /** Null when the script or the request does not ask for log probabilities. */
  static SimLogprobs forRequest(ScriptSnapshot script, JsonNode body) {
    if (!script.answerLogprobs() || !body.path("logprobs").asBoolean(false)) {
      return null;
    }
    return new SimLogprobs(Math.max(0, body.path("top_logprobs").asInt(0)));
  }

  /** The entry for the next content token. */
  ObjectNode next(String token) {
    position++;
    double logprob = -position / 8.0;
    ObjectNode entry = entry(token, logprob);
    ArrayNode alternatives = entry.putArray("top_logprobs");
    for (int k = 0; k < top; k++) {
      alternatives.add(k == 0 ? entry(token, logprob) : entry(token + "~" + k, logprob - k));
    }
    return entry;
  }

  /** The {@code logprobs} object of one streamed chunk carrying {@code entry}. */
  static ObjectNode chunk(ObjectNode entry) {
    ObjectNode logprobs = SimJson.object();
    logprobs.putArray("content").add(entry);
    return logprobs;
  }

  private static ObjectNode entry(String token, double logprob) {
    ObjectNode e = SimJson.object();
    e.put("token", token);
    ArrayNode bytes = e.putArray("bytes");
    for (byte b : token.getBytes(StandardCharsets.UTF_8)) {
      bytes.add(b & 0xff);
    }
    e.put("logprob", logprob);
    return e;
  }
}
