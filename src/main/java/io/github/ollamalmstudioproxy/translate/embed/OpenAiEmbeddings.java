package io.github.ollamalmstudioproxy.translate.embed;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.ollamalmstudioproxy.ollama.OllamaError;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;

/** Reads an OpenAI {@code POST /v1/embeddings} response body. */
public final class OpenAiEmbeddings {
  /**
   * @param vectors one per input, in input order
   * @param promptTokens {@code usage.prompt_tokens} when positive, else null (LM Studio always reports 0, which
   *     means "not counted", not "zero tokens")
   */
  public record Result(List<double[]> vectors, Integer promptTokens) {
    public Result {
      vectors = List.copyOf(vectors);
    }
  }

  private record Item(int index, int position, double[] vector) {}

  private OpenAiEmbeddings() {}

  /**
   * Parses {@code data[].embedding}, ordered by {@code index} (servers may answer out of order; a missing index
   * keeps the array position). A base64 string embedding (little-endian float32, what llama-server sends when
   * asked for base64) is decoded too.
   *
   * @throws OllamaError 500 when the body holds no usable {@code data} array
   */
  public static Result parse(JsonNode body) {
    JsonNode data = body == null ? null : body.get("data");
    if (data == null || !data.isArray()) {
      throw new OllamaError(500, "backend returned no embeddings");
    }
    List<Item> items = new ArrayList<>();
    for (int pos = 0; pos < data.size(); pos++) {
      JsonNode entry = data.get(pos);
      JsonNode index = entry.get("index");
      int i = index != null && index.canConvertToInt() ? index.asInt() : pos;
      items.add(new Item(i, pos, vector(entry.get("embedding"))));
    }
    items.sort(Comparator.comparingInt(Item::index).thenComparingInt(Item::position));
    List<double[]> vectors = new ArrayList<>();
    items.forEach(it -> vectors.add(it.vector()));
    JsonNode tokens = body.path("usage").path("prompt_tokens");
    Integer promptTokens = tokens.canConvertToInt() && tokens.asInt() > 0 ? tokens.asInt() : null;
    return new Result(vectors, promptTokens);
  }

  private static double[] vector(JsonNode embedding) {
    if (embedding != null && embedding.isArray()) {
      double[] v = new double[embedding.size()];
      for (int i = 0; i < v.length; i++) {
        JsonNode x = embedding.get(i);
        if (!x.isNumber()) {
          throw new OllamaError(500, "backend returned a non-numeric embedding value");
        }
        v[i] = x.asDouble();
      }
      return v;
    }
    if (embedding != null && embedding.isTextual()) {
      ByteBuffer bytes;
      try {
        bytes = ByteBuffer.wrap(Base64.getDecoder().decode(embedding.asText())).order(ByteOrder.LITTLE_ENDIAN);
      } catch (IllegalArgumentException e) {
        throw new OllamaError(500, "backend returned an embedding that is neither numbers nor base64");
      }
      double[] v = new double[bytes.remaining() / Float.BYTES];
      for (int i = 0; i < v.length; i++) {
        v[i] = bytes.getFloat();
      }
      return v;
    }
    throw new OllamaError(500, "backend returned an embedding without a vector");
  }
}
