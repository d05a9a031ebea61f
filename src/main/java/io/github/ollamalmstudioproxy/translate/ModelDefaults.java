package io.github.ollamalmstudioproxy.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * A model's own settings laid under a request that names it, as Ollama applies a created model's layers
 * ({@code server/routes.go}): its parameters fill the {@code options} the request left out ({@code modelOptions}:
 * the model's options first, then the request's over them), its system prompt comes first when the conversation
 * does not start with one of its own (ChatHandler), or fills generate's empty {@code system} (GenerateHandler),
 * and its messages come before the conversation on chat. On {@code /v1} the same is done in OpenAI's field names,
 * as Ollama's OpenAI layer turns those requests into chat and generate requests and then applies the same.
 *
 * <p>The body is changed in place and returned; a field of the wrong type is left for the request's own validation.
 */
public final class ModelDefaults {
  /** Ollama option → the OpenAI field the backend reads it from (what {@link OllamaToOpenAi} sends). */
  private static final Map<String, String> OPENAI_FIELDS = Map.of("temperature", "temperature", "top_p", "top_p",
      "top_k", "top_k", "min_p", "min_p", "seed", "seed", "stop", "stop", "presence_penalty", "presence_penalty",
      "frequency_penalty", "frequency_penalty", "repeat_penalty", "repeat_penalty");

  private ModelDefaults() {}

  /** {@code /api/chat}: options, then messages, then the system prompt. A load request (no messages) stays one. */
  public static ObjectNode chat(ObjectNode body, ObjectNode parameters, String system, ArrayNode messages) {
    options(body, parameters);
    JsonNode history = body.get("messages");
    if (history instanceof ArrayNode given && !given.isEmpty()) {
      ArrayNode out = JsonNodeFactory.instance.arrayNode();
      boolean ownSystem = "system".equals(given.get(0).path("role").asText());
      if (!ownSystem && !system.isEmpty()) {
        out.addObject().put("role", "system").put("content", system);
      }
      out.addAll(messages);
      out.addAll(given);
      body.set("messages", out);
    }
    return body;
  }

  /** {@code /api/generate}: options, and the system prompt when the request has none (raw prompts take none). */
  public static ObjectNode generate(ObjectNode body, ObjectNode parameters, String system) {
    options(body, parameters);
    boolean raw = body.path("raw").asBoolean(false);
    String own = body.path("system").isTextual() ? body.get("system").textValue() : null;
    if (!raw && !system.isEmpty() && (!body.hasNonNull("system") || "".equals(own))) {
      body.put("system", system);
    }
    return body;
  }

  /** {@code /v1/chat/completions}: the sampling fields the request left out, and the system prompt first. */
  public static ObjectNode openAiChat(ObjectNode body, ObjectNode parameters, String system) {
    openAiSampling(body, parameters);
    JsonNode history = body.get("messages");
    if (history instanceof ArrayNode given && !given.isEmpty() && !system.isEmpty()) {
      String first = given.get(0).path("role").asText();
      if (!first.equals("system") && !first.equals("developer")) {
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        out.addObject().put("role", "system").put("content", system);
        out.addAll(given);
        body.set("messages", out);
      }
    }
    return body;
  }

  /** {@code /v1/completions}: the sampling fields the request left out (a completion prompt takes no system). */
  public static ObjectNode openAiCompletion(ObjectNode body, ObjectNode parameters) {
    openAiSampling(body, parameters);
    return body;
  }

  private static void options(ObjectNode body, ObjectNode parameters) {
    if (parameters.isEmpty()) {
      return;
    }
    JsonNode given = body.get("options");
    if (given != null && !given.isNull() && !given.isObject()) {
      return;
    }
    ObjectNode options = parameters.deepCopy();
    if (given instanceof ObjectNode own) {
      options.setAll(own);
    }
    body.set("options", options);
  }

  private static void openAiSampling(ObjectNode body, ObjectNode parameters) {
    OPENAI_FIELDS.forEach((option, field) -> {
      if (parameters.has(option) && !body.hasNonNull(field)) {
        body.set(field, parameters.get(option).deepCopy());
      }
    });
    JsonNode predict = parameters.get("num_predict");
    if (predict != null && predict.asLong() >= 0 && !body.hasNonNull("max_tokens")
        && !body.hasNonNull("max_completion_tokens")) {
      body.set("max_tokens", predict.deepCopy());
    }
  }
}
