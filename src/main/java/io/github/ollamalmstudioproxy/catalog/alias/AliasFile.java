package io.github.ollamalmstudioproxy.catalog.alias;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.github.ollamalmstudioproxy.ollama.OllamaError;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * The models file as text: YAML meant to be read and edited by hand.
 *
 * <pre>
 * models:
 * - name: mybot:latest
 *   from: qwen/qwen3-4b:latest
 *   parameters:
 *     num_ctx: 8192
 *     temperature: 0.2
 *     stop: ["&lt;|im_end|&gt;"]
 *   system: You answer in one sentence.
 * </pre>
 *
 * <p>Every entry is checked as {@code /api/create} checks a request, so a hand edit with a typo fails loudly instead
 * of quietly dropping a parameter.
 */
public final class AliasFile {
  private static final Set<String> KEYS = Set.of("name", "from", "parameters", "system", "template", "messages",
      "license", "modified_at");
  private static final String HEADER = "# Model aliases of ollama-lmstudio-proxy, written by /api/create, /api/copy"
      + " and /api/delete.\n# Edit by hand if you like: the proxy reads this file again when it changes.\n";
  private static final YAMLMapper YAML = new YAMLMapper(new YAMLFactory()
      .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
      .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
      .enable(YAMLGenerator.Feature.LITERAL_BLOCK_STYLE));

  private AliasFile() {}

  /**
   * @throws IllegalArgumentException with a one-line reason naming the entry (or the YAML position)
   */
  public static ModelAliases parse(String text) {
    JsonNode root;
    try {
      root = YAML.readTree(text);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(firstLine(e.getOriginalMessage()) + location(e));
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      return ModelAliases.EMPTY;
    }
    if (!root.isObject() || root.size() != 1 || !root.has("models")) {
      throw new IllegalArgumentException("expected one key 'models' with a list of aliases");
    }
    JsonNode models = root.get("models");
    if (models.isNull()) {
      return ModelAliases.EMPTY;
    }
    if (!models.isArray()) {
      throw new IllegalArgumentException("'models' must be a list");
    }
    List<ModelAlias> out = new ArrayList<>();
    for (int i = 0; i < models.size(); i++) {
      try {
        out.add(entry(models.get(i)));
      } catch (OllamaError | IllegalArgumentException e) {
        throw new IllegalArgumentException("models[" + i + "]: " + e.getMessage());
      }
    }
    return ModelAliases.of(out);
  }

  public static String render(ModelAliases aliases) {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    var list = root.putArray("models");
    for (ModelAlias a : aliases.all()) {
      ObjectNode e = list.addObject();
      e.put("name", a.name());
      e.put("from", a.from());
      if (!a.parameters().isEmpty()) {
        e.set("parameters", a.parameters());
      }
      putIfSet(e, "system", a.system());
      putIfSet(e, "template", a.template());
      a.messages().forEach(m -> e.withArray("messages").addObject().put("role", m.role()).put("content",
          m.content()));
      a.license().forEach(l -> e.withArray("license").add(l));
      if (a.modifiedAt() != null) {
        e.put("modified_at", a.modifiedAt().toString());
      }
    }
    try {
      return HEADER + YAML.writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a tree of strings and numbers always serialises", e);
    }
  }

  /** One entry, checked as a create request is checked (names, parameters, roles). */
  private static ModelAlias entry(JsonNode e) {
    if (!e.isObject()) {
      throw new IllegalArgumentException("each alias must be a mapping with 'name' and 'from'");
    }
    for (Iterator<String> it = e.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!KEYS.contains(key)) {
        throw new IllegalArgumentException("unknown key '" + key + "' (known: name, from, parameters, system,"
            + " template, messages, license, modified_at)");
      }
    }
    ObjectNode asRequest = ((ObjectNode) e).deepCopy();
    asRequest.remove("modified_at");
    asRequest.put("model", text(e, "name"));
    asRequest.remove("name");
    if (!e.path("from").isTextual() || e.get("from").textValue().isBlank()) {
      throw new IllegalArgumentException("'from' is required");
    }
    CreateRequest r = CreateRequest.parse(asRequest);
    return new ModelAlias(r.name(), r.from(), r.parameters(), r.system(), r.template(), r.messages(), r.license(),
        modifiedAt(e.get("modified_at")));
  }

  private static String text(JsonNode e, String key) {
    JsonNode v = e.get(key);
    if (v == null || !v.isTextual() || v.textValue().isBlank()) {
      throw new IllegalArgumentException("'" + key + "' is required");
    }
    return v.textValue();
  }

  private static Instant modifiedAt(JsonNode v) {
    if (v == null || v.isNull()) {
      return null;
    }
    try {
      return Instant.parse(v.asText());
    } catch (DateTimeParseException ex) {
      throw new IllegalArgumentException("'modified_at' must be a UTC time like 2026-01-31T12:00:00Z");
    }
  }

  private static void putIfSet(ObjectNode e, String key, String value) {
    if (!value.isEmpty()) {
      e.put(key, value);
    }
  }

  private static String location(JsonProcessingException e) {
    return e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")";
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "invalid YAML";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
