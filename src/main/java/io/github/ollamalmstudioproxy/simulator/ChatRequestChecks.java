package io.github.ollamalmstudioproxy.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;
import java.util.Set;

/**
 * Validates a chat completion request as LM Studio is known to, answering with its literal errors (reference §2.2,
 * §5). The checks matter for a proxy's tests: a translation that sends object arguments or a tool message without
 * its call id must fail here exactly as it would against LM Studio.
 */
final class ChatRequestChecks {
  private ChatRequestChecks() {}

  /** The first failure the request-level fields cause, or null. */
  static SimulatorFailure chat(JsonNode body) {
    JsonNode toolChoice = body.path("tool_choice");
    if (toolChoice.isObject()) {
      return SimulatorFailure.toolChoiceObject();
    }
    if ("json_object".equals(body.path("response_format").path("type").asText(null))) {
      return SimulatorFailure.jsonObjectFormat();
    }
    JsonNode messages = body.get("messages");
    if (messages == null || !messages.isArray()) {
      return SimulatorFailure.invalidMessages();
    }
    if (messages.isEmpty()) {
      return SimulatorFailure.templateError("No user query found in messages.");
    }
    return messages(messages);
  }

  /** Images reach only vision models; others get the live-probe 400 naming the instance. */
  static SimulatorFailure images(JsonNode body, SimulatorModel model, String instanceId) {
    if (model.vision()) {
      return null;
    }
    for (JsonNode message : body.path("messages")) {
      if (hasImage(message)) {
        return SimulatorFailure.imagesNotSupported(instanceId);
      }
    }
    return null;
  }

  /**
   * What the model's own chat template refuses. Gemma's (the one LM Studio renders for gemma3 models) takes an
   * optional system message, then strictly user, assistant, user, ...: any other order raises
   * {@code "Conversation roles must alternate user/assistant/user/assistant/..."}, which LM Studio answers as a
   * template error (reference §2.2). Two user messages in a row (how Copilot sends text and an image) are refused.
   */
  static SimulatorFailure template(JsonNode body, SimulatorModel model) {
    if (!model.arch().startsWith("gemma")) {
      return null;
    }
    int index = 0;
    boolean first = true;
    for (JsonNode message : body.path("messages")) {
      String role = message.path("role").asText("");
      if (first && role.equals("system")) {
        first = false;
        continue;
      }
      first = false;
      if (role.equals("user") != (index % 2 == 0)) {
        return SimulatorFailure.templateError("Conversation roles must alternate user/assistant/user/assistant/...");
      }
      index++;
    }
    return null;
  }

  private static SimulatorFailure messages(JsonNode messages) {
    Set<String> callIds = new HashSet<>();
    for (JsonNode message : messages) {
      String role = message.path("role").asText("");
      if (!message.isObject() || role.isEmpty()) {
        return SimulatorFailure.invalidMessages();
      }
      for (JsonNode call : message.path("tool_calls")) {
        // Ollama-shaped history carries arguments as an object; LM Studio wants the JSON string (#830).
        if (!call.path("function").path("arguments").isTextual()) {
          return SimulatorFailure.invalidMessages();
        }
        callIds.add(call.path("id").asText(""));
      }
      if (role.equals("tool")) {
        String id = message.path("tool_call_id").asText("");
        if (id.isEmpty() || !callIds.contains(id) || hasImage(message)) {
          return SimulatorFailure.invalidMessages();
        }
      }
    }
    return null;
  }

  private static boolean hasImage(JsonNode message) {
    for (JsonNode part : message.path("content")) {
      if ("image_url".equals(part.path("type").asText())) {
        return true;
      }
    }
    return false;
  }
}
