package io.github.ollamalmstudioproxy.translate.embed;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.ollamalmstudioproxy.ollama.Json;
import io.github.ollamalmstudioproxy.ollama.OllamaError;
import io.github.ollamalmstudioproxy.translate.Fields;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A validated Ollama {@code POST /api/embed} body, or a legacy {@code POST /api/embeddings} one, and the OpenAI
 * {@code POST /v1/embeddings} request that serves it (one call for every input).
 *
 * @param model the model string exactly as the client sent it
 * @param inputs the texts to embed, in order; empty for an empty {@code input} (answered without the backend)
 * @param dimensions truncate each vector to this many components, or null for all
 * @param legacy the {@code /api/embeddings} form: one {@code prompt}, no normalisation
 */
public record EmbedRequest(String model, List<String> inputs, Integer dimensions, boolean legacy) {
  public static final String PATH = "/v1/embeddings";
  /**
   * The most inputs one request may embed, as in OpenAI's API. The answer grows with every input (a 768-dimension
   * vector is about 16 KB of JSON from LM Studio), so a larger batch is refused before it reaches the backend.
   */
  public static final int MAX_INPUTS = 2048;

  public EmbedRequest {
    requireNonNull(model, "model");
    inputs = List.copyOf(inputs);
  }

  /** {@code /api/embed}: {@code input} is a string or an array of strings. */
  public static EmbedRequest parse(JsonNode json) {
    ObjectNode body = Fields.body(json);
    String model = Fields.requiredModel(body, "model");
    return new EmbedRequest(model, inputs(Fields.get(body, "input")), dimensions(Fields.get(body, "dimensions")),
        false);
  }

  /** {@code /api/embeddings}: one {@code prompt}; an empty one gives an empty vector without asking the backend. */
  public static EmbedRequest parseLegacy(JsonNode json) {
    ObjectNode body = Fields.body(json);
    String model = Fields.requiredModel(body, "model");
    String prompt = Fields.string(body, "prompt", "prompt");
    return new EmbedRequest(model, Fields.isEmpty(prompt) ? List.of() : List.of(prompt), null, true);
  }

  /** The OpenAI request for {@code backendModel}, as UTF-8 JSON; vectors are asked for as floats. */
  public byte[] openAiBody(String backendModel) {
    ObjectNode request = Json.NODES.objectNode().put("model", requireNonNull(backendModel, "backendModel"));
    ArrayNode input = request.putArray("input");
    inputs.forEach(input::add);
    request.put("encoding_format", "float");
    try {
      return Json.MAPPER.writeValueAsBytes(request);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<String> inputs(JsonNode input) {
    List<String> inputs = new ArrayList<>();
    if (input == null) {
      return inputs;
    }
    if (input.isTextual()) {
      if (!input.textValue().isEmpty()) {
        inputs.add(input.textValue());
      }
      return inputs;
    }
    if (!input.isArray()) {
      throw OllamaError.badRequest("invalid input type");
    }
    for (JsonNode item : input) {
      if (!item.isTextual()) {
        throw OllamaError.badRequest("invalid input type");
      }
      inputs.add(item.textValue());
    }
    if (inputs.size() > MAX_INPUTS) {
      throw OllamaError.badRequest("too many inputs: " + inputs.size() + " (at most " + MAX_INPUTS
          + " per request; send them in batches)");
    }
    return inputs;
  }

  private static Integer dimensions(JsonNode node) {
    if (node == null) {
      return null;
    }
    if (!node.isNumber() || !node.canConvertToExactIntegral() || !node.canConvertToInt()) {
      throw Fields.badType("dimensions", "an integer", node);
    }
    return node.intValue();
  }
}
