package io.github.ollamalmstudioproxy.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.ollamalmstudioproxy.catalog.alias.ModelAlias;
import io.github.ollamalmstudioproxy.ollama.OllamaError;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * What {@code /api/tags} and {@code /api/show} say about aliases: the alias's own name, digest, time, modelfile,
 * parameters and system prompt, over the details, capabilities and {@code model_info} of the backend model it runs
 * on (the client sizes context and features from those, and they are the target's).
 */
public final class AliasViews {
  private AliasViews() {}

  /**
   * The alias's backend model, under the alias's name.
   *
   * @throws OllamaError 404 when the backend no longer lists the model the alias runs on
   */
  static ResolvedModel resolve(CatalogSnapshot snapshot, ModelAlias alias) {
    ResolvedModel target;
    try {
      target = ModelNames.resolve(alias.from(), snapshot.models());
    } catch (OllamaError e) {
      throw new OllamaError(404, "model '" + alias.name() + "' not found: it is an alias of '" + alias.from()
          + "', which the backend does not list");
    }
    return new ResolvedModel(target.model(), target.backendId(), alias.name());
  }

  /**
   * Whether a template can be honoured: only the one the proxy's own {@code /api/show} prints, since the backend
   * applies the model's chat template itself and takes none per request (so a Modelfile copied from
   * {@code /api/show} can be created again).
   */
  public static boolean honoursTemplate(String template) {
    return template == null || template.isEmpty() || template.strip().equals(ShowView.TEMPLATE);
  }

  /** {@code /api/tags}: the backend models' entries and one per alias whose model is listed, newest first. */
  static ObjectNode tags(CatalogSnapshot snapshot, ObjectNode backendTags) {
    if (snapshot.aliases().all().isEmpty()) {
      return backendTags;
    }
    List<JsonNode> entries = new ArrayList<>();
    backendTags.withArray("models").forEach(entries::add);
    for (ModelAlias alias : snapshot.aliases().all()) {
      ResolvedModel target;
      try {
        target = resolve(snapshot, alias);
      } catch (OllamaError e) {
        // The backend no longer lists the model: /api/show and requests say so; the list shows what works.
        continue;
      }
      ObjectNode e = TagsView.entry(target.model(), snapshot);
      e.put("name", alias.name());
      e.put("model", alias.name());
      e.put("modified_at", Rfc3339.format(modifiedAt(alias)));
      e.put("digest", alias.digest().substring("sha256:".length()));
      ((ObjectNode) e.get("details")).put("parent_model", alias.from());
      entries.add(e);
    }
    entries.sort(Comparator.comparing((JsonNode e) -> OffsetDateTime.parse(e.path("modified_at").asText()))
        .reversed().thenComparing(e -> e.path("name").asText()));
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    ArrayNode models = body.putArray("models");
    entries.forEach(models::add);
    return body;
  }

  /** {@code /v1/models} entries of the aliases whose model the backend lists, after the backend's own. */
  static List<ObjectNode> openAiModels(CatalogSnapshot snapshot) {
    List<ObjectNode> out = new ArrayList<>();
    for (ModelAlias alias : snapshot.aliases().all()) {
      try {
        resolve(snapshot, alias);
      } catch (OllamaError e) {
        continue;
      }
      out.add(JsonNodeFactory.instance.objectNode().put("id", alias.name()).put("object", "model")
          .put("created", modifiedAt(alias).getEpochSecond()).put("owned_by", OpenAiModelsView.owner(alias.name())));
    }
    return out;
  }

  /**
   * {@code /api/show} of an alias: the target's answer with the alias's modelfile, parameters (the target's
   * {@code num_ctx} unless the alias sets its own), system prompt, messages and license, as Ollama's
   * {@code GetModelInfo} ({@code server/routes.go}) and {@code Model.String} ({@code server/images.go}) show them.
   */
  static ObjectNode show(CatalogSnapshot snapshot, ModelAlias alias, Function<String, Integer> defaultLoadContext) {
    ResolvedModel target = resolve(snapshot, alias);
    ObjectNode body = ShowView.show(snapshot, new ResolvedModel(target.model(), target.backendId(), alias.from()),
        defaultLoadContext);
    Map<String, JsonNode> parameters = new TreeMap<>();
    Integer numCtx = ShowView.numCtx(target, defaultLoadContext);
    if (numCtx != null) {
      parameters.put("num_ctx", JsonNodeFactory.instance.numberNode(numCtx));
    }
    alias.parameters().fields().forEachRemaining(p -> parameters.put(p.getKey(), p.getValue()));
    body.put("modelfile", modelfile(alias, parameters));
    body.put("parameters", parameterLines(parameters));
    if (!alias.system().isEmpty()) {
      body.put("system", alias.system());
    }
    if (!alias.license().isEmpty()) {
      body.put("license", String.join("\n", alias.license()));
    }
    if (!alias.messages().isEmpty()) {
      ArrayNode messages = body.putArray("messages");
      alias.messages().forEach(m -> messages.addObject().put("role", m.role()).put("content", m.content()));
    }
    ((ObjectNode) body.get("details")).put("parent_model", alias.from());
    body.put("modified_at", Rfc3339.format(modifiedAt(alias)));
    return body;
  }

  /** Ollama's {@code parameters} text: one line per value, {@code %-30s %#v} (strings quoted, lists one per line). */
  static String parameterLines(Map<String, JsonNode> parameters) {
    List<String> lines = new ArrayList<>();
    parameters.forEach((name, value) -> {
      if (value.isArray()) {
        value.forEach(v -> lines.add(ShowView.parameterLine(name, goValue(v))));
      } else {
        lines.add(ShowView.parameterLine(name, goValue(value)));
      }
    });
    return String.join("\n", lines);
  }

  private static String goValue(JsonNode v) {
    if (v.isTextual()) {
      return v.toString();
    }
    if (v.isFloatingPointNumber() && v.doubleValue() == Math.rint(v.doubleValue())
        && Math.abs(v.doubleValue()) < 1e15) {
      return Long.toString((long) v.doubleValue());
    }
    return v.asText();
  }

  /** The Modelfile {@code ollama show --modelfile} prints, which {@code /api/create} reads back. */
  static String modelfile(ModelAlias alias, Map<String, JsonNode> parameters) {
    StringBuilder sb = new StringBuilder()
        .append("# Modelfile generated by \"ollama show\"\n")
        .append("# To build a new Modelfile based on this, replace FROM with:\n")
        .append("# FROM ").append(alias.name()).append("\n\n")
        .append("FROM ").append(alias.from()).append('\n')
        .append("TEMPLATE \"\"\"").append(ShowView.TEMPLATE).append("\"\"\"\n");
    if (!alias.system().isEmpty()) {
      sb.append("SYSTEM ").append(quote(alias.system())).append('\n');
    }
    parameters.forEach((name, value) -> {
      if (value.isArray()) {
        value.forEach(v -> sb.append("PARAMETER ").append(name).append(' ').append(quote(v.asText())).append('\n'));
      } else {
        sb.append("PARAMETER ").append(name).append(' ')
            .append(quote(value.isTextual() ? value.textValue() : goValue(value))).append('\n');
      }
    });
    alias.license().forEach(l -> sb.append("LICENSE ").append(quote(l)).append('\n'));
    alias.messages().forEach(m -> sb.append("MESSAGE ").append(m.role()).append(' ').append(quote(m.content()))
        .append('\n'));
    return sb.toString();
  }

  /**
   * Ollama's {@code quote} ({@code parser/parser.go}): a value with a line break or surrounding spaces is quoted,
   * with {@code """} when it holds a {@code "} itself.
   */
  static String quote(String s) {
    if (s.contains("\n") || s.startsWith(" ") || s.endsWith(" ")) {
      return s.contains("\"") ? "\"\"\"" + s + "\"\"\"" : "\"" + s + "\"";
    }
    return s;
  }

  private static Instant modifiedAt(ModelAlias alias) {
    return alias.modifiedAt() == null ? Instant.EPOCH : alias.modifiedAt();
  }
}
