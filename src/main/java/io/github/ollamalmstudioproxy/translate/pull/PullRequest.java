package io.github.ollamalmstudioproxy.translate.pull;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.ollamalmstudioproxy.ollama.OllamaError;
import io.github.ollamalmstudioproxy.translate.Fields;
import java.util.regex.Pattern;

/**
 * A validated {@code /api/pull} body: the name ({@code model}, or its deprecated alias {@code name}, which ollama-js
 * sends) and whether to stream (absent means yes, as in Ollama). {@code insecure}, {@code username} and
 * {@code password} are deprecated and ignored there too.
 */
public record PullRequest(String name, boolean stream) {
  /** Ollama's message for any name it cannot parse ({@code types/errtypes/errtypes.go}, InvalidModelNameErrMsg). */
  public static final String INVALID_NAME = "invalid model name";
  /**
   * The characters of an Ollama name ({@code types/model/name.go}: letters, digits, {@code _ - .} in each part) plus
   * the separators {@code / :}. Anything else (spaces, quotes, {@code ?}) is a name neither Ollama nor LM Studio
   * knows.
   */
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.:/-]+");

  /** @throws OllamaError 400 {@link #INVALID_NAME} for an empty or malformed name, 400 naming a field of the wrong type */
  public static PullRequest parse(JsonNode body) {
    String model = Fields.string(body, "model", "model");
    String name = Fields.isEmpty(model) ? Fields.string(body, "name", "name") : model;
    // Ollama trims the name (internal/modelref ParseRef) and answers an empty one with the generic message.
    String trimmed = name == null ? "" : name.strip();
    if (!wellFormed(trimmed)) {
      throw OllamaError.badRequest(INVALID_NAME);
    }
    return new PullRequest(trimmed, Fields.bool(body, "stream", true));
  }

  /** Known characters, no empty model or tag around a colon, no empty part between slashes but a link's own. */
  private static boolean wellFormed(String name) {
    String path = name.startsWith("https://") ? name.substring("https://".length()) : name;
    return !path.isEmpty() && NAME.matcher(path).matches() && !path.startsWith(":") && !path.endsWith(":")
        && !path.contains("//") && !path.startsWith("/");
  }
}
