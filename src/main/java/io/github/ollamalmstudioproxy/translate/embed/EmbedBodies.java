package io.github.ollamalmstudioproxy.translate.embed;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import io.github.ollamalmstudioproxy.ollama.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * Builds the Ollama embedding response bodies, written straight to bytes: a JSON tree of the same body took about 24
 * bytes per component on top of the vectors.
 */
public final class EmbedBodies {
  private EmbedBodies() {}

  /**
   * {@code POST /api/embed}: {@code {"model", "embeddings", "total_duration", "load_duration",
   * "prompt_eval_count"}}. The three metrics are always written, zeros included: Ollama fills them on every answer,
   * and the Vercel AI SDK provider rejects an answer without them; a zero is a measurement or the backend's own count
   * (LM Studio always reports 0), never a guess. Each vector is normalised (see {@link EmbeddingMath#normalize(float[],
   * Integer)}) as it is written, so no second copy of them all exists; vectors are written as float32, like Ollama's.
   *
   * @param model the model string exactly as the client sent it
   * @param vectors the backend's vectors, in input order; empty for empty input
   * @param dimensions the request's {@code dimensions}, or null
   * @param promptEvalCount the backend's {@code usage.prompt_tokens}, 0 when it reported none
   */
  public static byte[] embed(String model, List<float[]> vectors, Integer dimensions, long totalDurationNanos,
      long loadDurationNanos, int promptEvalCount) {
    requireNonNull(model, "model");
    ByteArrayBuilder out = new ByteArrayBuilder();
    try (JsonGenerator json = Json.MAPPER.createGenerator(out)) {
      json.writeStartObject();
      json.writeStringField("model", model);
      json.writeArrayFieldStart("embeddings");
      for (float[] vector : vectors) {
        float[] unit = EmbeddingMath.normalize(vector, dimensions);
        json.writeStartArray();
        for (float x : unit) {
          json.writeNumber(x);
        }
        json.writeEndArray();
      }
      json.writeEndArray();
      json.writeNumberField("total_duration", Math.max(0, totalDurationNanos));
      json.writeNumberField("load_duration", Math.max(0, loadDurationNanos));
      json.writeNumberField("prompt_eval_count", Math.max(0, promptEvalCount));
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /**
   * Legacy {@code POST /api/embeddings}: {@code {"embedding":[…]}} and nothing else, float64 as in Ollama (which
   * widens the engine's float32, as this does). Ollama does not normalise on this route, so the backend's vector
   * passes through; an empty prompt gives an empty vector.
   */
  public static byte[] legacyEmbedding(float[] vector) {
    ByteArrayBuilder out = new ByteArrayBuilder();
    try (JsonGenerator json = Json.MAPPER.createGenerator(out)) {
      json.writeStartObject();
      json.writeArrayFieldStart("embedding");
      for (float x : vector) {
        json.writeNumber((double) x);
      }
      json.writeEndArray();
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
