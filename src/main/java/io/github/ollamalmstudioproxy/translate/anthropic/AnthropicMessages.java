package io.github.ollamalmstudioproxy.translate.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.ollamalmstudioproxy.ollama.Json;
import io.github.ollamalmstudioproxy.ollama.OllamaError;
import io.github.ollamalmstudioproxy.translate.Fields;
import io.github.ollamalmstudioproxy.translate.Images;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * One Anthropic message to OpenAI chat messages, in the order of Ollama's {@code convertMessage}: a user turn's
 * {@code tool_result} blocks become {@code tool} messages first, then the user message with the remaining text and
 * images; an assistant turn's {@code tool_use} blocks become its {@code tool_calls}.
 *
 * <p>Where this differs from Ollama, on purpose:
 * <ul>
 *   <li>text blocks are joined with a blank line, not run together;
 *   <li>a message with images keeps its blocks in order as content parts;
 *   <li>images inside a {@code tool_result} go into a user message right after the tool messages (LM Studio rejects
 *       images in a {@code tool} message), and {@code is_error:true} prefixes the result with {@code "Error: "}
 *       (chat completions have no error flag; Ollama drops it);
 *   <li>{@code thinking} and {@code redacted_thinking} blocks of the history are dropped, as the proxy's Ollama
 *       path drops history thinking: backends re-derive it and several templates reject it;
 *   <li>URL image sources are passed on as {@code image_url} URLs (Ollama refuses them).
 * </ul>
 * Unknown block types are skipped, as Ollama does.
 */
final class AnthropicMessages {
  private AnthropicMessages() {}

  static void convert(JsonNode message, int index, ArrayNode out) {
    String path = "messages[" + index + "]";
    if (!message.isObject()) {
      throw Fields.badType(path, "an object", message);
    }
    String role = Fields.string(message, "role", path + ".role");
    String lower = role == null ? "" : role.toLowerCase(Locale.ROOT);
    if (!lower.equals("user") && !lower.equals("assistant")) {
      throw OllamaError.badRequest(
          "invalid role " + (role == null ? "null" : "\"" + role + "\"") + " in " + path
              + ": must be \"user\" or \"assistant\"");
    }
    JsonNode content = Fields.get(message, "content");
    if (content == null) {
      return;
    }
    if (content.isTextual()) {
      if (!content.textValue().isEmpty()) {
        out.addObject().put("role", lower).put("content", content.textValue());
      }
      return;
    }
    if (!content.isArray()) {
      throw Fields.badType(path + ".content", "a string or an array of content blocks", content);
    }
    Parts parts = new Parts();
    ArrayNode toolCalls = null;
    List<ObjectNode> toolResults = new ArrayList<>();
    Parts resultImages = new Parts();
    for (int b = 0; b < content.size(); b++) {
      JsonNode block = content.get(b);
      String at = path + ".content[" + b + "]";
      if (!block.isObject()) {
        throw Fields.badType(at, "an object", block);
      }
      String type = Fields.string(block, "type", at + ".type");
      if (type == null) {
        continue;
      }
      switch (type) {
        case "text":
          String text = Fields.string(block, "text", at + ".text");
          if (!Fields.isEmpty(text)) {
            parts.text(text);
          }
          break;
        case "image":
          parts.image(imageUrl(block.get("source"), at));
          break;
        case "tool_use":
          if (toolCalls == null) {
            toolCalls = Json.NODES.arrayNode();
          }
          toolCalls.add(toolCall(block, at));
          break;
        case "tool_result":
          toolResults.add(toolResult(block, at, resultImages));
          break;
        default:
          // thinking, redacted_thinking, server tool blocks, documents: not for the backend.
          break;
      }
    }
    boolean user = lower.equals("user");
    if (user) {
      toolResults.forEach(out::add);
      parts.prepend(resultImages);
    }
    if (!parts.isEmpty() || toolCalls != null) {
      ObjectNode m = out.addObject().put("role", lower);
      parts.writeTo(m);
      if (toolCalls != null) {
        m.set("tool_calls", toolCalls);
      }
    }
    if (!user) {
      toolResults.forEach(out::add);
      if (!resultImages.isEmpty()) {
        resultImages.writeTo(out.addObject().put("role", "user"));
      }
    }
  }

  private static ObjectNode toolCall(JsonNode block, String at) {
    String id = Fields.string(block, "id", at + ".id");
    if (Fields.isEmpty(id)) {
      throw OllamaError.badRequest("tool_use block missing required 'id' field");
    }
    String name = Fields.string(block, "name", at + ".name");
    if (Fields.isEmpty(name)) {
      throw OllamaError.badRequest("tool_use block missing required 'name' field");
    }
    JsonNode input = Fields.get(block, "input");
    if (input != null && !input.isObject()) {
      throw Fields.badType(at + ".input", "an object", input);
    }
    ObjectNode call = Json.NODES.objectNode().put("id", id).put("type", "function");
    call.putObject("function").put("name", name).put("arguments", input == null ? "{}" : input.toString());
    return call;
  }

  private static ObjectNode toolResult(JsonNode block, String at, Parts images) {
    String id = Fields.string(block, "tool_use_id", at + ".tool_use_id");
    boolean isError = Fields.bool(block, "is_error", false);
    JsonNode content = Fields.get(block, "content");
    StringBuilder text = new StringBuilder();
    if (content != null && content.isTextual()) {
      text.append(content.textValue());
    } else if (content != null && content.isArray()) {
      for (int i = 0; i < content.size(); i++) {
        JsonNode part = content.get(i);
        String partAt = at + ".content[" + i + "]";
        if (!part.isObject()) {
          continue;
        }
        String type = Fields.string(part, "type", partAt + ".type");
        if ("text".equals(type)) {
          String t = Fields.string(part, "text", partAt + ".text");
          if (!Fields.isEmpty(t)) {
            if (text.length() > 0) {
              text.append("\n\n");
            }
            text.append(t);
          }
        } else if ("image".equals(type)) {
          images.image(imageUrl(part.get("source"), partAt));
        }
      }
    } else if (content != null) {
      throw Fields.badType(at + ".content", "a string or an array of content blocks", content);
    }
    String result = isError ? "Error: " + text : text.toString();
    ObjectNode message = Json.NODES.objectNode().put("role", "tool");
    if (!Fields.isEmpty(id)) {
      message.put("tool_call_id", id);
    }
    return message.put("content", result);
  }

  /**
   * A {@code base64} source as a {@code data:} URL (its {@code media_type}, else sniffed from the bytes), a
   * {@code url} source as is.
   */
  static String imageUrl(JsonNode source, String at) {
    if (source == null || !source.isObject()) {
      throw OllamaError.badRequest("invalid image source");
    }
    String type = Fields.string(source, "type", at + ".source.type");
    if ("url".equals(type)) {
      String url = Fields.string(source, "url", at + ".source.url");
      if (Fields.isEmpty(url)) {
        throw OllamaError.badRequest("invalid image source");
      }
      return url;
    }
    if (!"base64".equals(type)) {
      throw OllamaError.badRequest(
          "invalid image source type: " + type + ". Only base64 and url images are supported.");
    }
    String data = Fields.string(source, "data", at + ".source.data");
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(data == null ? "" : data);
    } catch (IllegalArgumentException e) {
      throw OllamaError.badRequest("invalid base64 image data: " + e.getMessage());
    }
    if (bytes.length == 0) {
      throw OllamaError.badRequest("invalid base64 image data: empty");
    }
    String mediaType = Fields.string(source, "media_type", at + ".source.media_type");
    return "data:" + (Fields.isEmpty(mediaType) ? Images.sniff(bytes) : mediaType) + ";base64," + data;
  }

  /** A message's content: a plain string while it is only text, else OpenAI content parts in block order. */
  private static final class Parts {
    private final List<String> texts = new ArrayList<>();
    /** Parallel to {@link #texts}: true where the entry is an image URL. */
    private final List<Boolean> isImage = new ArrayList<>();
    private boolean images;

    void text(String text) {
      texts.add(text);
      isImage.add(false);
    }

    void image(String url) {
      texts.add(url);
      isImage.add(true);
      images = true;
    }

    void prepend(Parts other) {
      texts.addAll(0, other.texts);
      isImage.addAll(0, other.isImage);
      images |= other.images;
    }

    boolean isEmpty() {
      return texts.isEmpty();
    }

    void writeTo(ObjectNode message) {
      if (!images) {
        message.put("content", String.join("\n\n", texts));
        return;
      }
      ArrayNode parts = message.putArray("content");
      for (int i = 0; i < texts.size(); i++) {
        if (isImage.get(i)) {
          parts.addObject().put("type", "image_url").putObject("image_url").put("url", texts.get(i));
        } else {
          parts.addObject().put("type", "text").put("text", texts.get(i));
        }
      }
    }
  }
}
