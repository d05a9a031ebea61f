package io.github.ollamalmstudioproxy.translate.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.ollamalmstudioproxy.ollama.Json;
import io.github.ollamalmstudioproxy.ollama.OllamaError;
import io.github.ollamalmstudioproxy.translate.Fields;
import java.util.List;

/**
 * Responses {@code tools} and {@code tool_choice} to chat completions'. Function tools are translated, and a
 * {@code namespace} tool is expanded to its member functions named {@code <namespace>.<name>}, as Ollama's
 * {@code convertTools} does. Hosted tools ({@code web_search}, {@code file_search}, {@code local_shell},
 * {@code custom}, {@code mcp}, …) cannot run on the backend and are left out (named in the ignored list); Ollama runs
 * its own web search, which the proxy has not.
 *
 * <p>{@code tool_choice} is honoured in the form every OpenAI-compatible backend takes: the strings as they are, and
 * a named function by keeping only that tool and making it {@code "required"} (LM Studio refuses an object). Ollama
 * ignores {@code tool_choice}.
 */
final class ResponsesTools {
  private ResponsesTools() {}

  /** @return null when there is no tool to send */
  static ArrayNode tools(ArrayNode tools, List<String> ignored) {
    if (tools == null || tools.isEmpty()) {
      return null;
    }
    ArrayNode out = Json.NODES.arrayNode();
    for (int i = 0; i < tools.size(); i++) {
      add(tools.get(i), "tools[" + i + "]", "", out, ignored);
    }
    return out.isEmpty() ? null : out;
  }

  private static void add(JsonNode tool, String at, String prefix, ArrayNode out, List<String> ignored) {
    if (!tool.isObject()) {
      throw Fields.badType(at, "an object", tool);
    }
    String type = Fields.string(tool, "type", at + ".type");
    String name = Fields.string(tool, "name", at + ".name");
    if ("namespace".equals(type)) {
      ArrayNode members = Fields.array(tool, "tools", at + ".tools");
      String inner = Fields.isEmpty(name) ? prefix : prefix + name + ".";
      if (members != null) {
        for (int i = 0; i < members.size(); i++) {
          add(members.get(i), at + ".tools[" + i + "]", inner, out, ignored);
        }
      }
      return;
    }
    if (!"function".equals(type)) {
      ignored.add("tools." + type);
      return;
    }
    if (Fields.isEmpty(name)) {
      throw OllamaError.badRequest(at + ".name is required");
    }
    ObjectNode function = out.addObject().put("type", "function").putObject("function")
        .put("name", name.startsWith(prefix) ? name : prefix + name);
    String description = Fields.string(tool, "description", at + ".description");
    if (!Fields.isEmpty(description)) {
      function.put("description", description);
    }
    ObjectNode parameters = Fields.object(tool, "parameters", at + ".parameters");
    if (parameters != null) {
      function.set("parameters", parameters);
    }
    if (Fields.get(tool, "strict") != null) {
      function.put("strict", Fields.bool(tool, "strict", false));
    }
  }

  /** Writes {@code tools} and {@code tool_choice} into {@code out}. */
  static void toolChoice(JsonNode choice, ArrayNode tools, ObjectNode out) {
    String value = null;
    if (choice != null && choice.isTextual()) {
      value = choice.textValue();
      if (!value.equals("auto") && !value.equals("none") && !value.equals("required")) {
        throw OllamaError.badRequest(
            "invalid tool_choice: \"" + value + "\" (must be \"auto\", \"none\", \"required\" or a function)");
      }
    } else if (choice != null && choice.isObject()) {
      String type = Fields.string(choice, "type", "tool_choice.type");
      if ("function".equals(type)) {
        String name = Fields.string(choice, "name", "tool_choice.name");
        if (Fields.isEmpty(name)) {
          throw OllamaError.badRequest("tool_choice.name is required for tool_choice type \"function\"");
        }
        tools = only(tools, name);
        value = "required";
      }
    } else if (choice != null) {
      throw Fields.badType("tool_choice", "a string or an object", choice);
    }
    if (tools == null) {
      return;
    }
    out.set("tools", tools);
    if (value != null) {
      out.put("tool_choice", value);
    }
  }

  private static ArrayNode only(ArrayNode tools, String name) {
    if (tools != null) {
      for (JsonNode tool : tools) {
        if (name.equals(tool.path("function").path("name").asText())) {
          return Json.NODES.arrayNode().add(tool);
        }
      }
    }
    throw OllamaError.badRequest("tool_choice names the function \"" + name + "\", which is not in tools");
  }
}
