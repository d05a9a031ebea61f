package io.github.ollamalmstudioproxy.translate.embed;

import io.github.ollamalmstudioproxy.ollama.OllamaError;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Ollama's {@code /api/embed} vector rules: unit length, and {@code dimensions} truncates and then re-normalises
 * (the truncated prefix of a unit vector is shorter than 1, which would skew cosine scores).
 */
public final class EmbeddingMath {
  private EmbeddingMath() {}

  /**
   * A unit-length copy. A zero vector (or one with a NaN or infinite component) comes back as zeros: dividing by
   * its norm would put NaN into the JSON, which is not even valid JSON.
   */
  public static double[] normalize(double[] vector) {
    double sum = 0;
    for (double v : vector) {
      sum += v * v;
    }
    double norm = Math.sqrt(sum);
    double[] out = new double[vector.length];
    if (norm == 0 || !Double.isFinite(norm)) {
      return out;
    }
    for (int i = 0; i < vector.length; i++) {
      out[i] = vector[i] / norm;
    }
    return out;
  }

  /**
   * Normalises, first truncating to {@code dimensions} when it is smaller than the vector.
   *
   * @param dimensions null or 0 for "all"; larger than the vector also means all, as in Ollama
   * @throws OllamaError 400 for a negative value
   */
  public static double[] normalize(double[] vector, Integer dimensions) {
    if (dimensions != null && dimensions < 0) {
      throw OllamaError.badRequest("dimensions must be a positive integer");
    }
    if (dimensions == null || dimensions == 0 || dimensions >= vector.length) {
      return normalize(vector);
    }
    return normalize(Arrays.copyOf(vector, dimensions));
  }

  /** {@link #normalize(double[], Integer)} for each vector, in order. */
  public static List<double[]> normalizeAll(List<double[]> vectors, Integer dimensions) {
    List<double[]> out = new ArrayList<>(vectors.size());
    for (double[] v : vectors) {
      out.add(normalize(v, dimensions));
    }
    return out;
  }
}
