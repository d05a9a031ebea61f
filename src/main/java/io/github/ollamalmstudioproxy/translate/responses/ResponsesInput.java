package io.github.ollamalmstudioproxy.translate.responses;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.ollamalmstudioproxy.ollama.Json;
import io.github.ollamalmstudioproxy.ollama.OllamaError;
import io.github.ollamalmstudioproxy.translate.Fields;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Responses {@code input} (a string, or items) to chat messages, as Ollama's {@code FromResponsesRequest} walks it:
 * a string is one user message; {@code message} items keep their role and join their text parts; a
 * {@code function_call} joins the assistant message just before it (or starts one); a {@code function_call_output}
 * is a {@code tool} message; an item without {@code type} but with {@code role} is a message.
 *
 * <p>Where this differs from Ollama, on purpose: {@code developer} is sent as {@code system} (chat templates of local
 * models know no developer role); {@code reasoning} items are dropped, as the proxy drops history thinking
 * everywhere (Ollama reads {@code encrypted_content} as thinking); image URLs are passed on, {@code data:} or
 * {@code http(s):} (Ollama refuses the latter); images inside a {@code function_call_output} go into a user message
 * after the run of tool messages (LM Studio rejects images in a tool message).
 */
final class ResponsesInput {
  private ResponsesInput() {}

  static void convert(JsonNode input, ArrayNode messages, List<String> ignored) {
    if (input == null) {
      return;
    }
    if (input.isTextual()) {
      if (!input.textValue().isEmpty()) {
        messages.addObject().put("role", "user").put("content", input.textValue());
      }
      return;
    }
    if (!input.isArray()) {
      throw Fields.badType("input", "a string or an array", input);
    }
    List<String> toolImages = new ArrayList<>();
    for (int i = 0; i < input.size(); i++) {
      JsonNode item = input.get(i);
      String at = "input[" + i + "]";
      if (!item.isObject()) {
        throw Fields.badType(at, "an object", item);
      }
      String type = Fields.string(item, "type", at + ".type");
      if (Fields.isEmpty(type)) {
        if (Fields.isEmpty(Fields.string(item, "role", at + ".role"))) {
          throw OllamaError.badRequest(at + ": input item missing required 'type' field");
        }
        type = "message";
      }
      if (!type.equals("function_call_output") && !toolImages.isEmpty()) {
        images(messages.addObject().put("role", "user"), List.of(), toolImages);
        toolImages.clear();
      }
      switch (type) {
        case "message":
          message(item, at, i + 1 < input.size() ? input.get(i + 1) : null, messages, ignored);
          break;
        case "function_call":
          functionCall(item, at, messages);
          break;
        case "function_call_output":
          functionCallOutput(item, at, messages, toolImages, ignored);
          break;
        case "reasoning":
        case "web_search_call":
          break;
        default:
          throw OllamaError.badRequest(at + ": unknown input item type: \"" + type + "\"");
      }
    }
    if (!toolImages.isEmpty()) {
      images(messages.addObject().put("role", "user"), List.of(), toolImages);
    }
  }

  private static void message(JsonNode item, String at, JsonNode next, ArrayNode messages, List<String> ignored) {
    String role = Fields.string(item, "role", at + ".role");
    if (Fields.isEmpty(role)) {
      throw OllamaError.badRequest(at + ": message item missing required 'role' field");
    }
    if (role.equals("developer")) {
      role = "system";
    }
    List<String> texts = new ArrayList<>();
    List<String> images = new ArrayList<>();
    content(Fields.get(item, "content"), at, texts, images, ignored);
    if (texts.isEmpty() && images.isEmpty()) {
      return;
    }
    // An assistant message replayed between a function_call and its output joins the call's message, so that the
    // tool result still follows the call it answers (Ollama does the same).
    ObjectNode last = messages.isEmpty() ? null : (ObjectNode) messages.get(messages.size() - 1);
    String outputCallId = next != null && next.isObject() && "function_call_output".equals(next.path("type").asText())
        ? next.path("call_id").asText() : null;
    if (role.equals("assistant") && outputCallId != null && last != null && "assistant".equals(last.path("role")
        .asText()) && callsInclude(last, outputCallId) && images.isEmpty()) {
      String before = last.path("content").asText("");
      String text = String.join("", texts);
      last.put("content", before.isEmpty() || text.isEmpty() ? before + text : before + "\n" + text);
      return;
    }
    images(messages.addObject().put("role", role), texts, images);
  }

  private static boolean callsInclude(JsonNode message, String callId) {
    for (JsonNode call : message.path("tool_calls")) {
      if (callId.equals(call.path("id").asText())) {
        return true;
      }
    }
    return false;
  }

  /** Text parts are concatenated, as Ollama does; images collected as URLs. */
  private static void content(JsonNode content, String at, List<String> texts, List<String> images,
      List<String> ignored) {
    if (content == null) {
      return;
    }
    if (content.isTextual()) {
      if (!content.textValue().isEmpty()) {
        texts.add(content.textValue());
      }
      return;
    }
    if (!content.isArray()) {
      throw OllamaError.badRequest(at + ": content must be a string or array");
    }
    for (int c = 0; c < content.size(); c++) {
      JsonNode part = content.get(c);
      String partAt = at + ": content[" + c + "]";
      if (!part.isObject()) {
        throw Fields.badType(at + ".content[" + c + "]", "an object", part);
      }
      String type = Fields.string(part, "type", at + ".content[" + c + "].type");
      switch (type == null ? "" : type) {
        case "input_text":
        case "output_text":
          String text = Fields.string(part, "text", at + ".content[" + c + "].text");
          if (!Fields.isEmpty(text)) {
            texts.add(text);
          }
          break;
        case "refusal":
          String refusal = Fields.string(part, "refusal", at + ".content[" + c + "].refusal");
          if (!Fields.isEmpty(refusal)) {
            texts.add(refusal);
          }
          break;
        case "input_image":
          String url = Fields.string(part, "image_url", at + ".content[" + c + "].image_url");
          if (Fields.isEmpty(url)) {
            ignored.add("input_image.file_id");
          } else {
            images.add(url);
          }
          break;
        case "input_file":
          throw OllamaError.badRequest("file inputs are not currently supported");
        default:
          throw OllamaError.badRequest(partAt + ": unknown content type: " + type);
      }
    }
  }

  private static void functionCall(JsonNode item, String at, ArrayNode messages) {
    String callId = Fields.string(item, "call_id", at + ".call_id");
    String name = Fields.string(item, "name", at + ".name");
    if (Fields.isEmpty(name)) {
      throw OllamaError.badRequest(at + ": function_call item missing required 'name' field");
    }
    String arguments = Fields.string(item, "arguments", at + ".arguments");
    ObjectNode call = Json.NODES.objectNode();
    if (!Fields.isEmpty(callId)) {
      call.put("id", callId);
    }
    call.put("type", "function");
    call.putObject("function").put("name", name).put("arguments", arguments(arguments));
    ObjectNode last = messages.isEmpty() ? null : (ObjectNode) messages.get(messages.size() - 1);
    if (last == null || !"assistant".equals(last.path("role").asText())) {
      last = messages.addObject().put("role", "assistant").put("content", "");
    }
    JsonNode calls = last.get("tool_calls");
    (calls instanceof ArrayNode a ? a : last.putArray("tool_calls")).add(call);
  }

  /** The arguments as compact JSON text: an object, {@code {}} when empty. */
  private static String arguments(String arguments) {
    if (Fields.isEmpty(arguments) || arguments.isBlank()) {
      return "{}";
    }
    try (JsonParser p = Json.FACTORY.createParser(arguments)) {
      JsonNode tree = Json.MAPPER.readTree(p);
      if (tree == null || !tree.isObject() || p.nextToken() != null) {
        throw OllamaError.badRequest("failed to parse function call arguments: not a JSON object");
      }
      return tree.toString();
    } catch (JsonProcessingException e) {
      throw OllamaError.badRequest("failed to parse function call arguments: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw OllamaError.badRequest("failed to parse function call arguments: " + e.getMessage());
    }
  }

  private static void functionCallOutput(JsonNode item, String at, ArrayNode messages, List<String> toolImages,
      List<String> ignored) {
    String callId = Fields.string(item, "call_id", at + ".call_id");
    JsonNode output = Fields.get(item, "output");
    List<String> texts = new ArrayList<>();
    if (output != null && !output.isTextual() && !output.isArray()) {
      throw OllamaError.badRequest(at + ": output must be a string or array");
    }
    content(output, at, texts, toolImages, ignored);
    ObjectNode message = messages.addObject().put("role", "tool");
    if (!Fields.isEmpty(callId)) {
      message.put("tool_call_id", callId);
    }
    message.put("content", String.join("", texts));
  }

  /** A string while there is no image, else text then image parts. */
  private static void images(ObjectNode message, List<String> texts, List<String> images) {
    String text = String.join("", texts);
    if (images.isEmpty()) {
      message.put("content", text);
      return;
    }
    ArrayNode parts = message.putArray("content");
    if (!text.isEmpty()) {
      parts.addObject().put("type", "text").put("text", text);
    }
    for (String url : images) {
      parts.addObject().put("type", "image_url").putObject("image_url").put("url", url);
    }
  }
}
