package io.github.ollamalmstudioproxy.catalog;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Optional;

/**
 * Turns a backend model-list body into {@link BackendModel}s, for whichever {@link CatalogSource} it came from.
 *
 * <p>The status code alone cannot be trusted: LM Studio answers unknown routes (e.g. {@code /api/v1/models} on
 * 0.3.x) with HTTP 200 and {@code {"error":"Unexpected endpoint or method. …"}}. So a body counts only when it
 * has the source's own shape.
 */
public final class ModelListParser {
  private ModelListParser() {}

  /**
   * Parses a reply to {@code GET source.path()}.
   *
   * @param status the HTTP status (anything outside 2xx is rejected)
   * @param body the parsed JSON body, or null when it was not JSON
   * @return the models, or empty when this is not a list from that source (try the next source)
   */
  public static Optional<List<BackendModel>> parse(CatalogSource source, int status, JsonNode body) {
    requireNonNull(source, "source");
    if (status < 200 || status > 299 || !recognises(source, body)) {
      return Optional.empty();
    }
    switch (source) {
      case LMSTUDIO_V1:
        return Optional.of(List.copyOf(LmStudioV1Parser.parse(body)));
      case LMSTUDIO_V0:
        return Optional.of(List.copyOf(LmStudioV0Parser.parse(body)));
      default:
        return Optional.of(List.copyOf(OpenAiModelsParser.parse(body, source)));
    }
  }

  /** Whether {@code body} has the shape of {@code source}'s list (and no top-level {@code error}). */
  public static boolean recognises(CatalogSource source, JsonNode body) {
    switch (requireNonNull(source, "source")) {
      case LMSTUDIO_V1:
        return LmStudioV1Parser.recognises(body);
      case LMSTUDIO_V0:
        return LmStudioV0Parser.recognises(body);
      default:
        return OpenAiModelsParser.recognises(body);
    }
  }
}
