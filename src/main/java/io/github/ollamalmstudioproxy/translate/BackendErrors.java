package io.github.ollamalmstudioproxy.translate;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.ollamalmstudioproxy.ollama.Json;
import java.io.IOException;
import java.util.List;
import java.util.Locale;

/**
 * The one classifier of backend errors: the literal strings LM Studio, llama-server and friends send
 * ({@code shared/reference/lmstudio-api.md} §5), unwrapped from whichever body shape carried them:
 *
 * <ul>
 *   <li>{@code {"error":"…"}} (LM Studio, bare string)
 *   <li>{@code {"error":{"message":"…","type":…,"code":…}}} (OpenAI, LM Studio, llama-server)
 *   <li>{@code {"message":"…"}}, {@code {"detail":"…"}}, {@code {"title":"…","cause":"…"}} (other servers, old LM Studio)
 *   <li>plain text or HTML (proxies, crashed engines)
 * </ul>
 *
 * <p>Matching is on message substrings, not on status or body shape: LM Studio has used different statuses (400, 404,
 * even 200) and three body shapes for the same condition across versions.
 */
public final class BackendErrors {
  /** Bounds a message taken from an arbitrary body (an HTML error page can be large). */
  static final int MAX_MESSAGE_CHARS = 2000;

  private static final List<String> NOT_LOADED = List.of("no models loaded", "model is unloaded");
  /** A just-in-time load that failed for a reason that goes away on its own. */
  private static final List<String> TRANSIENT_LOAD_FAILURES = List.of("engine protocol startup was aborted",
      "operation canceled");
  private static final List<String> TRANSIENT = List.of("engine protocol predict request failed",
      "operation canceled", "has crashed");
  private static final List<String> NOT_FOUND = List.of("invalid model identifier", "model_not_found",
      "not found. please specify a valid model");
  private static final List<String> INVALID = List.of(
      "greater than the context length", "cannot truncate prompt", "trying to keep the first",
      "context length of only", "error rendering prompt with jinja template", "invalid 'messages'",
      "response_format", "tool_choice", "does not support image inputs",
      // llama-server's /infill for a model without FIM tokens (501 "not_supported_error"): the request is wrong for
      // this model, as Ollama's own "does not support insert" 400 says.
      "infill is not supported by this model");

  private BackendErrors() {}

  /**
   * An error answer (a non-2xx status, or a 2xx carrying an error body). The status follows what Ollama clients react
   * to: a request that is wrong for the model is 400, an unknown model 404, any other 4xx keeps its status, and
   * everything else is 500, Ollama's code for "the runner failed".
   */
  public static BackendError classify(int httpStatus, String body) {
    String message = message(body);
    ErrorClass kind = kind(httpStatus, message, body);
    int status = switch (kind) {
      case INVALID_REQUEST -> 400;
      case MODEL_NOT_FOUND -> 404;
      default -> httpStatus >= 400 && httpStatus < 500 ? httpStatus : 500;
    };
    return new BackendError(kind, status, message.isEmpty() ? "backend returned HTTP " + httpStatus : message);
  }

  /**
   * An error event inside a stream that had started (an SSE {@code event: error}, llama-server's {@code error:} line,
   * or a chunk that is an error object). Ollama reports every failure of a running generation as 500 unless it knows
   * better ({@code streamResponse} in its {@code server/routes.go}), so the status is 500 whatever the kind.
   */
  public static BackendError classifyStreamed(String data) {
    String message = message(data);
    return new BackendError(kind(500, message, data), 500, message.isEmpty() ? "backend error" : message);
  }

  private static final List<String> CONTEXT_OVERFLOW = List.of(
      "greater than the context length", "cannot truncate prompt", "trying to keep the first",
      "context length of only", "exceeds the available context size", "context_length_exceeded",
      "maximum context length");

  /**
   * The message says the prompt does not fit the model's context (LM Studio's and llama-server's wordings, and
   * OpenAI's code): the Anthropic and Responses translators tell it in the words their clients act on (compaction).
   */
  public static boolean isContextOverflow(String message) {
    return message != null && containsAny(message.toLowerCase(Locale.ROOT), CONTEXT_OVERFLOW);
  }

  /** The human message inside any known error body shape; the trimmed text itself for anything else. */
  static String message(String body) {
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

  static ErrorClass kind(int status, String message, String body) {
    String text = (message == null ? "" : message).toLowerCase(Locale.ROOT);
    if (text.contains("failed to load model")) {
      return containsAny(text, TRANSIENT_LOAD_FAILURES) ? ErrorClass.RETRY_AFTER_LOAD : ErrorClass.OTHER;
    }
    if (containsAny(text, NOT_LOADED)) {
      return ErrorClass.RETRY_AFTER_LOAD;
    }
    if (containsAny(text, NOT_FOUND)) {
      return ErrorClass.MODEL_NOT_FOUND;
    }
    if (containsAny(text, INVALID)) {
      return ErrorClass.INVALID_REQUEST;
    }
    if (containsAny(text, TRANSIENT) || (status >= 500 && looksLikeHtml(body))) {
      return ErrorClass.RETRY_ONCE;
    }
    return ErrorClass.OTHER;
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

  private static boolean looksLikeHtml(String body) {
    String head = body == null ? "" : body.stripLeading().toLowerCase(Locale.ROOT);
    return head.startsWith("<!doctype html") || head.startsWith("<html");
  }

  private static boolean containsAny(String text, List<String> needles) {
    for (String needle : needles) {
      if (text.contains(needle)) {
        return true;
      }
    }
    return false;
  }

  private static JsonNode parse(String text) {
    try {
      return Json.MAPPER.readTree(text);
    } catch (IOException e) {
      return null;
    }
  }

  private static String bound(String s) {
    return s.length() <= MAX_MESSAGE_CHARS ? s : s.substring(0, MAX_MESSAGE_CHARS) + "…";
  }
}
