package io.github.ollamalmstudioproxy.translate.openai;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.ollamalmstudioproxy.ollama.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The shapes of a {@code /v1/chat/completions} body that Ollama accepts and LM Studio refuses, put into a form both
 * accept. Copilot sends all three (its source: {@code languageModelAccessPrompt.tsx}, {@code openAIEndpoint.ts}):
 *
 * <ul>
 *   <li>Two {@code user} messages in a row: Copilot makes each part of a turn its own message, so text and an image
 *       are two. Templates that want strictly alternating roles (Gemma's, Mistral's) refuse that with "Conversation
 *       roles must alternate"; the run becomes one message with every part, in order.
 *   <li>Images in a {@code tool} message (a screenshot tool): LM Studio answers {@code Invalid 'messages'}. The text
 *       stays the tool's answer; the images follow in a user message, so nothing the client sent is dropped.
 *   <li>A tool without {@code parameters}, or a schema without {@code properties}: it gets the empty object schema
 *       Copilot itself sends since its fix 17ecb519a ({@code {"type":"object","properties":{}}}); for arguments,
 *       which are always an object, it means the same.
 * </ul>
 *
 * <p>{@link #needed} decides with one streaming pass, so a body that needs nothing (nearly all) is never parsed into
 * a tree, and its bytes go to the backend as the client sent them.
 */
public final class ChatBodyRepair {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private ChatBodyRepair() {}

  /** Whether the body has one of the shapes above; a body that is not valid JSON needs nothing here. */
  public static boolean needed(byte[] body, int offset, int length) {
    try (JsonParser p = Json.FACTORY.createParser(body, offset, length)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return false;
      }
      String name;
      boolean needed = false;
      while ((name = p.nextFieldName()) != null) {
        JsonToken value = p.nextToken();
        if (name.equals("messages") && value == JsonToken.START_ARRAY) {
          needed |= messagesNeedIt(p);
        } else if (name.equals("tools") && value == JsonToken.START_ARRAY) {
          needed |= toolsNeedIt(p);
        } else {
          p.skipChildren();
        }
      }
      return needed;
    } catch (IOException e) {
      return false;
    }
  }

  /** Repairs {@code body} in place. */
  public static ObjectNode repair(ObjectNode body) {
    if (body.get("messages") instanceof ArrayNode messages) {
      body.set("messages", mergeUserRuns(imagesOutOfToolMessages(messages)));
    }
    if (body.get("tools") instanceof ArrayNode tools) {
      tools.forEach(ChatBodyRepair::completeParameters);
    }
    return body;
  }

  private static boolean messagesNeedIt(JsonParser p) throws IOException {
    boolean previousUser = false;
    boolean needed = false;
    JsonToken token;
    while ((token = p.nextToken()) != JsonToken.END_ARRAY && token != null) {
      if (token != JsonToken.START_OBJECT) {
        p.skipChildren();
        previousUser = false;
        continue;
      }
      String role = null;
      boolean image = false;
      String name;
      while ((name = p.nextFieldName()) != null) {
        JsonToken value = p.nextToken();
        if (name.equals("role") && value == JsonToken.VALUE_STRING) {
          role = p.getText();
        } else if (name.equals("content") && value == JsonToken.START_ARRAY) {
          image = hasImagePart(p);
        } else {
          p.skipChildren();
        }
      }
      boolean user = "user".equals(role);
      needed |= user && previousUser || "tool".equals(role) && image;
      previousUser = user;
    }
    return needed;
  }

  /** Reads a content array to its end; true when a part is an image. */
  private static boolean hasImagePart(JsonParser p) throws IOException {
    return anyElementField(p, "type",
        (value, q) -> value == JsonToken.VALUE_STRING && q.getText().equals("image_url"));
  }

  private static boolean toolsNeedIt(JsonParser p) throws IOException {
    return anyElementField(p, "function",
        (value, q) -> value == JsonToken.START_OBJECT && q.readValueAsTree() instanceof ObjectNode f && incomplete(f));
  }

  /** A test of one field's value; it reads the value when it looks at it (what it leaves is skipped). */
  private interface ValueTest {
    boolean test(JsonToken value, JsonParser p) throws IOException;
  }

  /** Reads an array of objects to its end; true when {@code field} of some element passes {@code test}. */
  private static boolean anyElementField(JsonParser p, String field, ValueTest test) throws IOException {
    boolean found = false;
    JsonToken token;
    while ((token = p.nextToken()) != JsonToken.END_ARRAY && token != null) {
      if (token != JsonToken.START_OBJECT) {
        p.skipChildren();
        continue;
      }
      String name;
      while ((name = p.nextFieldName()) != null) {
        p.nextToken();
        if (name.equals(field) && test.test(p.currentToken(), p)) {
          found = true;
        }
        // What the test did not read (or a field it was not asked about) is skipped whole.
        p.skipChildren();
      }
    }
    return found;
  }

  private static boolean incomplete(ObjectNode function) {
    JsonNode parameters = function.get("parameters");
    if (parameters == null || parameters.isNull()) {
      return true;
    }
    return parameters.isObject() && !parameters.has("properties")
        && (!parameters.has("type") || "object".equals(parameters.path("type").asText()));
  }

  private static void completeParameters(JsonNode tool) {
    if (tool.get("function") instanceof ObjectNode function && incomplete(function)) {
      ObjectNode parameters = function.get("parameters") instanceof ObjectNode given ? given : NODES.objectNode();
      if (!parameters.has("type")) {
        parameters.put("type", "object");
      }
      parameters.putObject("properties");
      function.set("parameters", parameters);
    }
  }

  /** Tool messages keep their text; their images follow, after the run of tool messages, in one user message. */
  private static ArrayNode imagesOutOfToolMessages(ArrayNode messages) {
    ArrayNode out = NODES.arrayNode();
    ArrayNode images = NODES.arrayNode();
    for (JsonNode message : messages) {
      boolean tool = "tool".equals(message.path("role").asText());
      if (!tool && !images.isEmpty()) {
        out.add(userMessage(images));
        images = NODES.arrayNode();
      }
      if (tool && message instanceof ObjectNode toolMessage && toolMessage.get("content") instanceof ArrayNode parts
          && hasImage(parts)) {
        List<String> texts = new ArrayList<>();
        for (JsonNode part : parts) {
          if ("image_url".equals(part.path("type").asText())) {
            images.add(part);
          } else if (part.has("text")) {
            texts.add(part.path("text").asText());
          }
        }
        toolMessage.put("content", String.join("\n", texts));
      }
      out.add(message);
    }
    if (!images.isEmpty()) {
      out.add(userMessage(images));
    }
    return out;
  }

  private static boolean hasImage(ArrayNode parts) {
    for (JsonNode part : parts) {
      if ("image_url".equals(part.path("type").asText())) {
        return true;
      }
    }
    return false;
  }

  private static ObjectNode userMessage(ArrayNode content) {
    ObjectNode message = NODES.objectNode().put("role", "user");
    message.set("content", content);
    return message;
  }

  /**
   * Consecutive user messages become one: their texts joined by a blank line when all are text, else their parts in
   * order (a text becomes a text part). Fields other than the content are the first message's.
   */
  private static ArrayNode mergeUserRuns(ArrayNode messages) {
    ArrayNode out = NODES.arrayNode();
    List<JsonNode> run = new ArrayList<>();
    for (JsonNode message : messages) {
      if ("user".equals(message.path("role").asText()) && message.isObject()) {
        run.add(message);
        continue;
      }
      flush(run, out);
      out.add(message);
    }
    flush(run, out);
    return out;
  }

  private static void flush(List<JsonNode> run, ArrayNode out) {
    if (run.size() == 1) {
      out.add(run.get(0));
    } else if (run.size() > 1) {
      out.add(merged(run));
    }
    run.clear();
  }

  private static ObjectNode merged(List<JsonNode> run) {
    ObjectNode first = ((ObjectNode) run.get(0)).deepCopy();
    boolean allText = run.stream().allMatch(m -> m.path("content").isTextual());
    if (allText) {
      List<String> texts = new ArrayList<>();
      run.forEach(m -> texts.add(m.path("content").asText()));
      first.put("content", String.join("\n\n", texts));
      return first;
    }
    ArrayNode parts = NODES.arrayNode();
    for (JsonNode message : run) {
      JsonNode content = message.path("content");
      if (content.isArray()) {
        parts.addAll((ArrayNode) content);
      } else if (content.isTextual()) {
        parts.addObject().put("type", "text").put("text", content.asText());
      }
    }
    first.set("content", parts);
    return first;
  }
}
