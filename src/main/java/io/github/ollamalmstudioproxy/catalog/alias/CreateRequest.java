package io.github.ollamalmstudioproxy.catalog.alias;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.ollamalmstudioproxy.ollama.OllamaError;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A validated {@code POST /api/create} body: Ollama's {@code api.CreateRequest} ({@code api/types.go}) with
 * {@code from}, {@code parameters}, {@code system}, {@code template}, {@code messages} and {@code license}, or the
 * legacy {@code modelfile} text that Ollama's server no longer reads but older clients (ollama4j's
 * {@code CustomModelFileContentsRequest}: {@code name} + {@code modelfile}) still send. Fields given next to a
 * {@code modelfile} win over its lines.
 *
 * @param fromLine the Modelfile line of {@code FROM}, for errors; 0 when {@code from} came as a JSON field
 */
public record CreateRequest(String name, boolean stream, String from, int fromLine, ObjectNode parameters,
    String system, String template, List<ModelAlias.Message> messages, List<String> license) {

  /** Why creating from files cannot work here; said on {@code files}, {@code adapters} and on {@code /api/blobs}. */
  public static final String NO_FILES = "creating a model from GGUF files or blobs is not supported: models are"
      + " downloaded and managed in LM Studio; create an alias with \"from\" naming a model /api/tags lists";

  /**
   * @throws OllamaError 400 in Ollama's words ({@code invalid model name}, {@code neither 'from' or 'files' was
   *     specified}, a Modelfile error naming its line, a bad parameter), 501 for files, adapters and a
   *     {@code FROM} that names a file
   */
  public static CreateRequest parse(JsonNode json) {
    if (json == null || !json.isObject()) {
      throw OllamaError.badRequest("request body must be a JSON object");
    }
    String name = text(json, "model");
    if (name == null || name.isEmpty()) {
      name = text(json, "name");
    }
    if (!AliasName.valid(name)) {
      throw OllamaError.badRequest("invalid model name");
    }
    boolean stream = !json.path("stream").isBoolean() || json.path("stream").booleanValue();
    if (nonEmpty(json.get("files")) || nonEmpty(json.get("adapters")) || nonEmpty(json.get("draft_files"))) {
      throw new OllamaError(501, NO_FILES);
    }
    // ollama4j sends "quantize": false; only a real quantization request is refused.
    String quantize = text(json, "quantize");
    if (quantize != null && !quantize.isEmpty() || !isEmptyText(json, "quantization")) {
      throw OllamaError.badRequest("quantize is not supported: LM Studio downloads models already quantized;"
          + " pick the quantization there");
    }
    if (!isEmptyText(json, "remote_host")) {
      throw OllamaError.badRequest("remote_host is not supported: the proxy serves one backend");
    }
    Builder b = new Builder();
    String modelfile = text(json, "modelfile");
    if (modelfile != null && !modelfile.isBlank()) {
      b.modelfile(Modelfile.parse(modelfile));
    }
    String from = text(json, "from");
    if (from != null && !from.isBlank()) {
      b.from = from.strip();
      b.fromLine = 0;
    }
    if (json.has("parameters") && !json.get("parameters").isNull()) {
      b.parameters.setAll(AliasParameters.fromJson(json.get("parameters")));
    }
    b.system = orElse(text(json, "system"), b.system);
    b.template = orElse(text(json, "template"), b.template);
    List<ModelAlias.Message> messages = messages(json.get("messages"));
    if (!messages.isEmpty()) {
      b.messages = messages;
    }
    b.license.addAll(licenses(json.get("license")));
    if (b.from == null) {
      throw OllamaError.badRequest("neither 'from' or 'files' was specified");
    }
    if (looksLikeFile(b.from)) {
      throw new OllamaError(501, NO_FILES + (b.fromLine > 0 ? " (line " + b.fromLine + ")" : ""));
    }
    return new CreateRequest(AliasName.canonical(name), stream, b.from, b.fromLine, b.parameters, b.system,
        b.template, b.messages, b.license);
  }

  /** What the lines of a Modelfile say, before the JSON fields are laid over them. */
  private static final class Builder {
    String from;
    int fromLine;
    ObjectNode parameters = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
    String system = "";
    String template = "";
    List<ModelAlias.Message> messages = List.of();
    final List<String> license = new ArrayList<>();

    void modelfile(List<Modelfile.Command> commands) {
      Map<String, List<String>> params = new LinkedHashMap<>();
      Map<String, Integer> paramLines = new LinkedHashMap<>();
      List<ModelAlias.Message> lines = new ArrayList<>();
      for (Modelfile.Command c : commands) {
        switch (c.name()) {
          case "from" -> {
            from = c.value();
            fromLine = c.line();
          }
          case "parameter" -> {
            params.computeIfAbsent(c.key(), k -> new ArrayList<>()).add(c.value());
            paramLines.putIfAbsent(c.key(), c.line());
          }
          case "system" -> system = c.value();
          case "template" -> template = c.value();
          case "license" -> license.add(c.value());
          case "message" -> lines.add(new ModelAlias.Message(c.key(), c.value()));
          case "adapter", "draft" -> throw new OllamaError(501, NO_FILES + " (line " + c.line() + ": "
              + c.name().toUpperCase(java.util.Locale.ROOT) + ")");
          default -> {
            // RENDERER, PARSER and REQUIRES steer Ollama's own engine; the backend renders and parses by itself.
          }
        }
      }
      for (Map.Entry<String, List<String>> p : params.entrySet()) {
        try {
          parameters.setAll(AliasParameters.fromModelfile(Map.of(p.getKey(), p.getValue())));
        } catch (OllamaError e) {
          throw OllamaError.badRequest("(line " + paramLines.get(p.getKey()) + "): " + e.getMessage());
        }
      }
      messages = lines;
    }
  }

  /** A {@code FROM} Ollama would read as a file or directory: a path, or a {@code .gguf} / safetensors name. */
  static boolean looksLikeFile(String from) {
    String f = from.toLowerCase(java.util.Locale.ROOT);
    return f.startsWith("/") || f.startsWith("./") || f.startsWith("../") || f.startsWith("~") || f.startsWith("\\")
        || f.matches("^[a-z]:[\\\\/].*") || f.endsWith(".gguf") || f.endsWith(".safetensors")
        || f.startsWith("sha256:") || f.startsWith("@");
  }

  private static List<ModelAlias.Message> messages(JsonNode array) {
    List<ModelAlias.Message> out = new ArrayList<>();
    if (array == null || array.isNull()) {
      return out;
    }
    if (!array.isArray()) {
      throw OllamaError.badRequest("messages must be a list");
    }
    for (int i = 0; i < array.size(); i++) {
      JsonNode m = array.get(i);
      String role = m.path("role").isTextual() ? m.get("role").textValue() : null;
      String content = m.path("content").isTextual() ? m.get("content").textValue() : "";
      if (role == null || !List.of("system", "user", "assistant").contains(role)) {
        throw OllamaError.badRequest("messages[" + i + "]: message role must be one of \"system\", \"user\", or"
            + " \"assistant\"");
      }
      out.add(new ModelAlias.Message(role, content));
    }
    return out;
  }

  /** Ollama's {@code license}: a string or a list of strings. */
  private static List<String> licenses(JsonNode license) {
    List<String> out = new ArrayList<>();
    if (license == null || license.isNull()) {
      return out;
    }
    if (license.isTextual()) {
      if (!license.textValue().isEmpty()) {
        out.add(license.textValue());
      }
      return out;
    }
    if (license.isArray()) {
      for (JsonNode l : license) {
        if (!l.isTextual()) {
          throw OllamaError.badRequest("license must be a string or a list of strings");
        }
        out.add(l.textValue());
      }
      return out;
    }
    throw OllamaError.badRequest("license must be a string or a list of strings");
  }

  private static String text(JsonNode json, String field) {
    JsonNode v = json.get(field);
    if (v == null || v.isNull() || v.isBoolean() && !v.booleanValue()) {
      return null;
    }
    if (!v.isTextual()) {
      throw OllamaError.badRequest("json: cannot unmarshal " + v.getNodeType().toString().toLowerCase(
          java.util.Locale.ROOT) + " into Go struct field CreateRequest." + field + " of type string");
    }
    return v.textValue();
  }

  private static boolean isEmptyText(JsonNode json, String field) {
    String t = text(json, field);
    return t == null || t.isEmpty();
  }

  private static boolean nonEmpty(JsonNode n) {
    return n != null && !n.isNull() && n.size() > 0;
  }

  private static String orElse(String given, String fallback) {
    return given == null || given.isEmpty() ? fallback : given;
  }
}
