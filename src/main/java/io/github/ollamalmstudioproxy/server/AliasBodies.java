package io.github.ollamalmstudioproxy.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.ollamalmstudioproxy.catalog.alias.ModelAlias;
import io.github.ollamalmstudioproxy.catalog.alias.ModelAliases;
import io.github.ollamalmstudioproxy.ollama.Json;
import io.github.ollamalmstudioproxy.ollama.OllamaError;
import io.github.ollamalmstudioproxy.translate.ModelDefaults;
import io.vertx.core.buffer.Buffer;
import java.util.function.Supplier;

/**
 * Lays an alias's settings under the request body that names it ({@link ModelDefaults}), before the body is parsed
 * as usual; a body that names no alias is returned as it came, untouched.
 */
final class AliasBodies {
  private final Supplier<ModelAliases> aliases;

  AliasBodies(Supplier<ModelAliases> aliases) {
    this.aliases = aliases;
  }

  JsonNode chat(JsonNode body) {
    ModelAlias alias = named(body);
    return alias == null ? body
        : ModelDefaults.chat((ObjectNode) body, alias.parameters(), alias.system(), messages(alias));
  }

  JsonNode generate(JsonNode body) {
    ModelAlias alias = named(body);
    return alias == null ? body : ModelDefaults.generate((ObjectNode) body, alias.parameters(), alias.system());
  }

  /**
   * A {@code /v1} body with the alias's defaults, written again; null when nothing changes (no alias, or a route
   * whose fields differ: {@code /v1/messages}, {@code /v1/responses} and embeddings get the alias's model only).
   */
  Buffer openAi(String path, JsonNode tree, ModelAlias alias) {
    if (alias == null || !(tree instanceof ObjectNode body)) {
      return null;
    }
    ObjectNode changed;
    if (path.equals(OpenAiRoutes.CHAT_COMPLETIONS)) {
      changed = ModelDefaults.openAiChat(body, alias.parameters(), alias.system());
    } else if (path.equals("/v1/completions")) {
      changed = ModelDefaults.openAiCompletion(body, alias.parameters());
    } else {
      return null;
    }
    try {
      return Buffer.buffer(Json.MAPPER.writeValueAsBytes(changed));
    } catch (JsonProcessingException e) {
      throw new OllamaError(500, "could not write the request body again: " + e.getOriginalMessage());
    }
  }

  private ModelAlias named(JsonNode body) {
    if (!(body instanceof ObjectNode) || !body.path("model").isTextual()) {
      return null;
    }
    return aliases.get().find(body.get("model").textValue()).orElse(null);
  }

  private static ArrayNode messages(ModelAlias alias) {
    ArrayNode out = JsonNodeFactory.instance.arrayNode();
    alias.messages().forEach(m -> out.addObject().put("role", m.role()).put("content", m.content()));
    return out;
  }
}
