package io.github.ollamalmstudioproxy.backend;

import java.util.List;
import java.util.Locale;

/**
 * Classifies backend errors by the literal strings LM Studio, llama-server and friends send.
 *
 * <p>Matching is on message substrings, not on status or body shape: LM Studio has used different statuses (400, 404,
 * even 200) and three body shapes for the same condition across versions. The strings come from
 * {@code shared/reference/lmstudio-api.md} §5.
 */
public final class ErrorClassifier {
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
      "response_format", "tool_choice", "does not support image inputs");

  private ErrorClassifier() {}

  public static ErrorClass classify(int status, String message, String body) {
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
}
