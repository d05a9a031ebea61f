package io.github.ollamalmstudioproxy.translate;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the log probabilities of one stream chunk, in the three shapes backends send:
 *
 * <ul>
 *   <li>{@code choices[0].logprobs.content[]} of {@code {token, logprob, bytes, top_logprobs[]}}: OpenAI chat
 *       completions, and llama-server on both {@code /v1/chat/completions} and {@code /v1/completions};
 *   <li>{@code choices[0].logprobs.{tokens[], token_logprobs[], top_logprobs[{token: logprob}]}}: OpenAI's legacy
 *       completions, as vLLM answers {@code /v1/completions};
 *   <li>{@code completion_probabilities[]} with the first shape's entries: llama-server's native {@code /infill}.
 * </ul>
 *
 * <p>Alternatives are kept only when the client asked for some: the proxy asks for at least one, as Ollama does, and
 * drops them as Ollama's {@code convertLogprobs} does ({@code llm/llama_server.go} lines 1796-1838).
 */
final class LogprobsParser {
  private LogprobsParser() {}

  /** At the {@code START_OBJECT} of {@code choices[0].logprobs}. */
  static List<TokenLogprob> choice(JsonParser p, boolean includeTop) throws IOException {
    List<TokenLogprob> content = null;
    List<String> tokens = List.of();
    List<String> logprobs = List.of();
    List<List<TokenLogprob>> legacyTop = List.of();
    String name;
    while ((name = p.nextFieldName()) != null) {
      JsonToken value = p.nextToken();
      switch (name) {
        case "content" -> content = value == JsonToken.START_ARRAY ? entries(p, includeTop) : skip(p);
        case "tokens" -> tokens = value == JsonToken.START_ARRAY ? strings(p) : skip(p, List.of());
        case "token_logprobs" -> logprobs = value == JsonToken.START_ARRAY ? numbers(p) : skip(p, List.of());
        case "top_logprobs" -> legacyTop = value == JsonToken.START_ARRAY ? legacyTop(p) : skip(p, List.of());
        default -> p.skipChildren();
      }
    }
    return content != null ? content : legacy(tokens, logprobs, includeTop ? legacyTop : List.of());
  }

  /** At the {@code START_ARRAY} of a list of entries ({@code content}, {@code completion_probabilities}). */
  static List<TokenLogprob> entries(JsonParser p, boolean includeTop) throws IOException {
    List<TokenLogprob> out = new ArrayList<>();
    for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY && t != null; t = p.nextToken()) {
      TokenLogprob entry = t == JsonToken.START_OBJECT ? entry(p, includeTop) : skipValue(p);
      if (entry != null) {
        out.add(entry);
      }
    }
    return out;
  }

  /** One {@code {token, logprob, bytes, top_logprobs}}; null when it lacks a token or a number. */
  private static TokenLogprob entry(JsonParser p, boolean includeTop) throws IOException {
    String token = null;
    String logprob = null;
    byte[] bytes = null;
    List<TokenLogprob> top = List.of();
    String name;
    while ((name = p.nextFieldName()) != null) {
      JsonToken value = p.nextToken();
      switch (name) {
        case "token" -> token = value == JsonToken.VALUE_STRING ? p.getText() : skip(p);
        case "logprob" -> logprob = value.isNumeric() ? p.getText() : skip(p);
        case "bytes" -> bytes = value == JsonToken.START_ARRAY ? bytes(p) : skip(p);
        case "top_logprobs" ->
            top = includeTop && value == JsonToken.START_ARRAY ? entries(p, false) : skip(p, List.of());
        default -> p.skipChildren();
      }
    }
    return token == null || logprob == null ? null : of(token, logprob, bytes, top);
  }

  private static List<TokenLogprob> legacy(List<String> tokens, List<String> logprobs,
      List<List<TokenLogprob>> top) {
    List<TokenLogprob> out = new ArrayList<>(tokens.size());
    for (int i = 0; i < tokens.size() && i < logprobs.size(); i++) {
      // A null logprob (the first token of an echoed prompt) has no number to pass on.
      if (tokens.get(i) != null && logprobs.get(i) != null) {
        out.add(of(tokens.get(i), logprobs.get(i), null, i < top.size() ? top.get(i) : List.of()));
      }
    }
    return out;
  }

  /** {@code [{token: logprob, …} | null, …]}, one map per position, most likely first. */
  private static List<List<TokenLogprob>> legacyTop(JsonParser p) throws IOException {
    List<List<TokenLogprob>> out = new ArrayList<>();
    for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY && t != null; t = p.nextToken()) {
      List<TokenLogprob> position = new ArrayList<>();
      if (t == JsonToken.START_OBJECT) {
        String token;
        while ((token = p.nextFieldName()) != null) {
          if (p.nextToken().isNumeric()) {
            position.add(of(token, p.getText(), null, List.of()));
          } else {
            p.skipChildren();
          }
        }
      } else {
        p.skipChildren();
      }
      out.add(position);
    }
    return out;
  }

  private static TokenLogprob of(String token, String logprob, byte[] bytes, List<TokenLogprob> top) {
    byte[] b = bytes != null && bytes.length > 0 ? bytes : token.getBytes(StandardCharsets.UTF_8);
    return new TokenLogprob(token, logprob, b, List.copyOf(top));
  }

  /** Byte values 0-255; anything else makes the backend's array unusable, and the token's UTF-8 is used instead. */
  private static byte[] bytes(JsonParser p) throws IOException {
    byte[] out = new byte[8];
    int n = 0;
    boolean valid = true;
    for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY && t != null; t = p.nextToken()) {
      if (t != JsonToken.VALUE_NUMBER_INT || p.getIntValue() < 0 || p.getIntValue() > 255) {
        valid = false;
        p.skipChildren();
        continue;
      }
      if (n == out.length) {
        out = Arrays.copyOf(out, n * 2);
      }
      out[n++] = (byte) p.getIntValue();
    }
    return valid ? Arrays.copyOf(out, n) : null;
  }

  private static List<String> strings(JsonParser p) throws IOException {
    List<String> out = new ArrayList<>();
    for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY && t != null; t = p.nextToken()) {
      out.add(t == JsonToken.VALUE_STRING ? p.getText() : skip(p));
    }
    return out;
  }

  private static List<String> numbers(JsonParser p) throws IOException {
    List<String> out = new ArrayList<>();
    for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY && t != null; t = p.nextToken()) {
      out.add(t.isNumeric() ? p.getText() : skip(p));
    }
    return out;
  }

  private static <T> T skip(JsonParser p) throws IOException {
    return skip(p, null);
  }

  private static <T> T skip(JsonParser p, T instead) throws IOException {
    p.skipChildren();
    return instead;
  }

  private static TokenLogprob skipValue(JsonParser p) throws IOException {
    p.skipChildren();
    return null;
  }
}
