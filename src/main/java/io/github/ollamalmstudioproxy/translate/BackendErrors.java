package io.github.ollamalmstudioproxy.translate;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.ollamalmstudioproxy.api.OllamaError;
import java.io.IOException;

/**
 * Backend error bodies to Ollama errors. Users want the backend's own reason ("does not support image inputs"), so
 * the message text is kept and only unwrapped from whichever shape carried it:
 *
 * <ul>
 *   <li>{@code {"error":"…"}} (LM Studio, bare string)
 *   <li>{@code {"error":{"message":"…","type":…,"code":…}}} (OpenAI, LM Studio, llama-server)
 *   <li>{@code {"message":"…"}}, {@code {"detail":"…"}}, {@code {"title":"…","cause":"…"}} (other servers, old LM Studio)
 *   <li>plain text or HTML (proxies, crashed engines)
 * </ul>
 */
public final class BackendErrors {
  /** Bounds a message taken from an arbitrary body (an HTML error page can be large). */
  static final int MAX_MESSAGE_CHARS = 2000;

  private BackendErrors() {}

  /**
   * The Ollama error for a non-2xx backend response: a 4xx keeps its status (clients react to 400 and 404), anything
   * else becomes 500, Ollama's code for "the runner failed".
   */
  public static OllamaError toOllamaError(int status, String body) {
    int mapped = status >= 400 && status < 500 ? status : 500;
    String message = message(body);
    return new OllamaError(mapped, message.isEmpty() ? "backend returned HTTP " + status : message);
  }

  /**
   * LM Studio answers unknown routes (and some failures) with HTTP 200 and an error body, so any JSON object with a
   * top-level {@code error} key is an error whatever the status.
   *
   * @return the error message, or null when the body is not such an object
   */
  public static String errorInSuccessBody(String body) {
    if (body == null || body.isEmpty() || body.charAt(firstNonSpace(body)) != '{') {
      return null;
    }
    JsonNode node = parse(body);
    if (node == null || !node.isObject()) {
      return null;
    }
    JsonNode error = node.get("error");
    if (error == null || error.isNull() || (error.isBoolean() && !error.booleanValue())) {
      return null;
    }
    return fromJson(node);
  }

  /** The human message inside any known error body shape; the trimmed text itself for anything else. */
  public static String message(String body) {
    if (body == null) {
      return "";
    }
    String trimmed = body.strip();
    if (trimmed.startsWith("{")) {
      JsonNode node = parse(trimmed);
      if (node != null && node.isObject()) {
        String message = fromJson(node);
        if (message != null) {
          return bound(message);
        }
      }
    }
    if (trimmed.startsWith("<")) {
      return bound(trimmed.replaceAll("(?is)<(script|style)[^>]*>.*?</\\1>", " ")
          .replaceAll("<[^>]*>", " ").replaceAll("\\s+", " ").strip());
    }
    return bound(trimmed);
  }

  private static String fromJson(JsonNode node) {
    JsonNode error = node.get("error");
    if (error != null && error.isTextual()) {
      return error.textValue();
    }
    if (error != null && error.isObject()) {
      String inner = fromJson(error);
      return inner != null ? inner : error.toString();
    }
    for (String field : new String[] {"message", "detail", "msg"}) {
      JsonNode m = node.get(field);
      if (m != null && m.isTextual() && !m.textValue().isEmpty()) {
        return m.textValue();
      }
    }
    JsonNode title = node.get("title");
    if (title != null && title.isTextual()) {
      JsonNode cause = node.get("cause");
      return cause != null && cause.isTextual() ? title.textValue() + ": " + cause.textValue() : title.textValue();
    }
    return error != null ? error.toString() : null;
  }

  private static JsonNode parse(String text) {
    try {
      return Json.MAPPER.readTree(text);
    } catch (IOException e) {
      return null;
    }
  }

  private static int firstNonSpace(String s) {
    int i = 0;
    while (i < s.length() - 1 && Character.isWhitespace(s.charAt(i))) {
      i++;
    }
    return i;
  }

  private static String bound(String s) {
    return s.length() <= MAX_MESSAGE_CHARS ? s : s.substring(0, MAX_MESSAGE_CHARS) + "…";
  }
}
