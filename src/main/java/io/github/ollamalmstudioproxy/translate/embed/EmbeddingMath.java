package io.github.ollamalmstudioproxy.translate.embed;

import io.github.ollamalmstudioproxy.ollama.OllamaError;
import java.util.Arrays;

/**
 * Ollama's {@code /api/embed} vector rules: unit length, and {@code dimensions} truncates and then re-normalises
 * (the truncated prefix of a unit vector is shorter than 1, which would skew cosine scores). The norm is summed in
 * double precision; the result is float32, as Ollama answers.
 */
public final class EmbeddingMath {
  private EmbeddingMath() {}

  /**
   * A unit-length copy. A zero vector (or one with a NaN or infinite component) comes back as zeros: dividing by
   * its norm would put NaN into the JSON, which is not even valid JSON.
   */
  public static float[] normalize(float[] vector) {
    double sum = 0;
    for (float v : vector) {
      sum += (double) v * v;
    }
    double norm = Math.sqrt(sum);
    float[] out = new float[vector.length];
    if (norm == 0 || !Double.isFinite(norm)) {
      return out;
    }
    for (int i = 0; i < vector.length; i++) {
      out[i] = (float) (vector[i] / norm);
    }
    return out;
  }

  /**
   * Normalises, first truncating to {@code dimensions} when it is smaller than the vector.
   *
   * @param dimensions null or 0 for "all"; larger than the vector also means all, as in Ollama
   * @throws OllamaError 400 for a negative value
   */
  public static float[] normalize(float[] vector, Integer dimensions) {
    if (dimensions != null && dimensions < 0) {
      throw OllamaError.badRequest("dimensions must be a positive integer");
    }
    if (dimensions == null || dimensions == 0 || dimensions >= vector.length) {
      return normalize(vector);
    }
    return normalize(Arrays.copyOf(vector, dimensions));
  }
}
