package io.github.ollamalmstudioproxy.translate.embed;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/** Builds the Ollama embedding response bodies. */
public final class EmbedBodies {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private EmbedBodies() {}

  /**
   * {@code POST /api/embed}: {@code {"model", "embeddings", "total_duration"?, "load_duration"?,
   * "prompt_eval_count"?}}. Metrics that are null or not positive are left out (Ollama omits zero metrics, and an
   * invented count is worse than none). Vectors are written as float32, like Ollama's.
   *
   * @param model the model string exactly as the client sent it
   * @param normalizedVectors already normalised (see {@link EmbeddingMath#normalizeAll}); empty for empty input
   */
  public static ObjectNode embed(String model, List<double[]> normalizedVectors, Long totalDurationNanos,
      Long loadDurationNanos, Integer promptEvalCount) {
    ObjectNode body = JSON.objectNode();
    body.put("model", requireNonNull(model, "model"));
    ArrayNode embeddings = body.putArray("embeddings");
    for (double[] v : normalizedVectors) {
      ArrayNode row = embeddings.addArray();
      for (double x : v) {
        row.add((float) x);
      }
    }
    if (totalDurationNanos != null && totalDurationNanos > 0) {
      body.put("total_duration", totalDurationNanos);
    }
    if (loadDurationNanos != null && loadDurationNanos > 0) {
      body.put("load_duration", loadDurationNanos);
    }
    if (promptEvalCount != null && promptEvalCount > 0) {
      body.put("prompt_eval_count", promptEvalCount);
    }
    return body;
  }

  /**
   * Legacy {@code POST /api/embeddings}: {@code {"embedding":[…]}} and nothing else, float64 as in Ollama. Ollama
   * does not normalise on this route, so pass the backend's vector through; an empty prompt gives an empty vector.
   */
  public static ObjectNode legacyEmbedding(double[] vector) {
    ObjectNode body = JSON.objectNode();
    ArrayNode row = body.putArray("embedding");
    for (double x : vector) {
      row.add(x);
    }
    return body;
  }
}
