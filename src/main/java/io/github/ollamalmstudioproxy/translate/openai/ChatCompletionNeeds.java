package io.github.ollamalmstudioproxy.translate.openai;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What an OpenAI chat completion request needs of its model, as Ollama's {@code /v1} layer hands it to the
 * {@code /api/chat} handler: tools (a non-empty {@code tools} array) and images ({@code image_url} content parts in
 * any message). Read leniently: a body whose shape is wrong is the backend's to refuse.
 *
 * @param tools the request carries tools
 * @param images some message carries an image
 */
public record ChatCompletionNeeds(boolean tools, boolean images) {
  public static ChatCompletionNeeds of(JsonNode body) {
    JsonNode tools = body.path("tools");
    return new ChatCompletionNeeds(tools.isArray() && !tools.isEmpty(), hasImage(body.path("messages")));
  }

  private static boolean hasImage(JsonNode messages) {
    for (JsonNode message : messages) {
      for (JsonNode part : message.path("content")) {
        if (part.isObject() && "image_url".equals(part.path("type").asText())) {
          return true;
        }
      }
    }
    return false;
  }
}
