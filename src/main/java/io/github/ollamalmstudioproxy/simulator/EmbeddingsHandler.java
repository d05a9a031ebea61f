package io.github.ollamalmstudioproxy.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * {@code POST /v1/embeddings} and {@code /api/v0/embeddings}.
 *
 * <p>Vectors are deterministic unit vectors seeded by a hash of each input, so equal inputs embed equally across runs.
 * {@code encoding_format} and {@code dimensions} are ignored and usage is always zero, as in LM Studio (#756, #1546).
 */
final class EmbeddingsHandler {
  static final int DIMENSIONS = 768;

  private final SimEnv env;
  private final ModelResolver resolver;

  EmbeddingsHandler(SimEnv env, ModelResolver resolver) {
    this.env = env;
    this.resolver = resolver;
  }

  void handle(Exchange exchange, ScriptSnapshot script) {
    String requested = SimJson.text(exchange.body, "model");
    ModelResolver.Decision decision = resolver.forEmbedding(requested, script.requireLoadBeforeInference());
    if (decision instanceof ModelResolver.Fail fail) {
      exchange.fail(fail.failure());
    } else if (decision instanceof ModelResolver.Use) {
      answer(exchange, requested);
    } else if (decision instanceof ModelResolver.Load load) {
      exchange.resume(env.loader().jitLoad(load.model(), script.loadDelay()), loaded -> answer(exchange, requested));
    }
  }

  private static void answer(Exchange exchange, String model) {
    ObjectNode root = SimJson.object();
    root.put("object", "list");
    ArrayNode data = root.putArray("data");
    List<String> inputs = inputs(exchange.body.get("input"));
    for (int i = 0; i < inputs.size(); i++) {
      ObjectNode item = data.addObject();
      item.put("object", "embedding");
      ArrayNode vector = item.putArray("embedding");
      for (float x : vector(inputs.get(i))) {
        vector.add(x);
      }
      item.put("index", i);
    }
    root.put("model", model);
    root.putObject("usage").put("prompt_tokens", 0).put("total_tokens", 0);
    exchange.sendJson(200, root);
  }

  private static List<String> inputs(JsonNode input) {
    List<String> out = new ArrayList<>();
    if (input != null && input.isArray()) {
      input.forEach(item -> out.add(item.asText()));
    } else if (input != null && !input.isNull()) {
      out.add(input.asText());
    }
    return out;
  }

  /** A deterministic L2-normalised vector for {@code text}. */
  static float[] vector(String text) {
    SplittableRandom random = new SplittableRandom(seed(text));
    double[] raw = new double[DIMENSIONS];
    double norm = 0;
    for (int i = 0; i < DIMENSIONS; i++) {
      raw[i] = random.nextDouble(-1.0, 1.0);
      norm += raw[i] * raw[i];
    }
    norm = Math.sqrt(norm);
    float[] out = new float[DIMENSIONS];
    for (int i = 0; i < DIMENSIONS; i++) {
      out[i] = (float) (raw[i] / norm);
    }
    return out;
  }

  private static long seed(String text) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      long seed = 0;
      for (int i = 0; i < 8; i++) {
        seed = (seed << 8) | (hash[i] & 0xff);
      }
      return seed;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every JDK", e);
    }
  }
}
