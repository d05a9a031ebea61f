package io.github.ollamalmstudioproxy.translate.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.ollamalmstudioproxy.ollama.Json;
import io.github.ollamalmstudioproxy.ollama.OllamaError;
import io.github.ollamalmstudioproxy.translate.Fields;
import java.util.List;

/**
 * Anthropic {@code tools} and {@code tool_choice} to OpenAI's. Ollama translates every tool and ignores
 * {@code tool_choice}; here {@code tool_choice} is honoured in the one form every OpenAI-compatible backend takes
 * (LM Studio and llama-server accept only {@code "none"}, {@code "auto"} and {@code "required"}): {@code any} is
 * {@code "required"}, {@code tool} keeps only the named tool and makes it {@code "required"}.
 */
final class AnthropicTools {
  private AnthropicTools() {}

  /**
   * Client tools ({@code type} absent or {@code "custom"}) as OpenAI functions; Anthropic's server and
   * schema-less built-in tools ({@code web_search_…}, {@code bash_…}, {@code text_editor_…}) cannot run on the
   * backend and are left out.
   *
   * @return null when there is no tool to send
   */
  static ArrayNode tools(ArrayNode tools, List<String> ignored) {
    if (tools == null || tools.isEmpty()) {
      return null;
    }
    ArrayNode out = Json.NODES.arrayNode();
    for (int i = 0; i < tools.size(); i++) {
      JsonNode tool = tools.get(i);
      String at = "tools[" + i + "]";
      if (!tool.isObject()) {
        throw Fields.badType(at, "an object", tool);
      }
      String type = Fields.string(tool, "type", at + ".type");
      if (type != null && !type.isEmpty() && !type.equals("custom")) {
        ignored.add("tools." + type);
        continue;
      }
      String name = Fields.string(tool, "name", at + ".name");
      if (Fields.isEmpty(name)) {
        throw OllamaError.badRequest(at + ".name is required");
      }
      JsonNode schema = Fields.get(tool, "input_schema");
      if (schema != null && !schema.isObject()) {
        throw OllamaError.badRequest("invalid input_schema for tool \"" + name + "\": expected a JSON object, got "
            + Fields.typeName(schema));
      }
      ObjectNode function = out.addObject().put("type", "function").putObject("function").put("name", name);
      String description = Fields.string(tool, "description", at + ".description");
      if (!Fields.isEmpty(description)) {
        function.put("description", description);
      }
      if (schema != null) {
        function.set("parameters", schema);
      }
    }
    return out.isEmpty() ? null : out;
  }

  /** Writes {@code tools}, {@code tool_choice} and {@code parallel_tool_calls} into {@code out}. */
  static void toolChoice(ObjectNode choice, ArrayNode tools, ObjectNode out) {
    String type = choice == null ? null : Fields.string(choice, "type", "tool_choice.type");
    if (choice != null) {
      if (type == null) {
        throw OllamaError.badRequest("tool_choice.type is required");
      }
      switch (type) {
        case "auto":
        case "any":
        case "none":
          break;
        case "tool":
          String name = Fields.string(choice, "name", "tool_choice.name");
          if (Fields.isEmpty(name)) {
            throw OllamaError.badRequest("tool_choice.name is required for tool_choice type \"tool\"");
          }
          tools = only(tools, name);
          break;
        default:
          throw OllamaError.badRequest("invalid tool_choice type: \"" + type
              + "\" (must be \"auto\", \"any\", \"tool\" or \"none\")");
      }
    }
    if (tools == null) {
      return;
    }
    out.set("tools", tools);
    if (type != null) {
      out.put("tool_choice", switch (type) {
        case "any", "tool" -> "required";
        case "none" -> "none";
        default -> "auto";
      });
    }
    if (choice != null && Fields.bool(choice, "disable_parallel_tool_use", false)) {
      out.put("parallel_tool_calls", false);
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
    throw OllamaError.badRequest("tool_choice names the tool \"" + name + "\", which is not in tools");
  }
}
