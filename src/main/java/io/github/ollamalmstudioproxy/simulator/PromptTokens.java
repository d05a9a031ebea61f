package io.github.ollamalmstudioproxy.simulator;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A deterministic stand-in for tokenisation: one token per whitespace-separated word, plus a small template overhead
 * per message and per tool, since LM Studio counts the system prompt and tool definitions too (0.3.17+).
 */
final class PromptTokens {
  static final int PER_MESSAGE = 4;
  static final int PER_TOOL = 10;

  private PromptTokens() {}

  static int chat(JsonNode body) {
    int count = 0;
    for (JsonNode message : body.path("messages")) {
      count += PER_MESSAGE + words(message.get("content"));
    }
    return count + PER_TOOL * body.path("tools").size();
  }

  /** Anthropic Messages: a {@code system} prompt (string or text blocks) counts as one more message. */
  static int messages(JsonNode body) {
    JsonNode system = body.get("system");
    int count = system == null || system.isNull() ? 0 : PER_MESSAGE + words(system);
    for (JsonNode message : body.path("messages")) {
      count += PER_MESSAGE + words(message.get("content"));
    }
    return count + PER_TOOL * body.path("tools").size();
  }

  /**
   * OpenAI Responses: {@code instructions} count as a message, {@code input} is one message when it is a string, else
   * one per item (a message by its {@code content}, a tool result by its {@code output}).
   */
  static int responses(JsonNode body) {
    JsonNode instructions = body.get("instructions");
    int count = instructions == null || !instructions.isTextual() ? 0 : PER_MESSAGE + words(instructions);
    JsonNode input = body.path("input");
    if (input.isTextual()) {
      count += PER_MESSAGE + words(input);
    } else {
      for (JsonNode item : input) {
        count += PER_MESSAGE + words(item.has("content") ? item.get("content") : item.get("output"));
      }
    }
    return count + PER_TOOL * body.path("tools").size();
  }

  static int text(JsonNode prompt) {
    return words(prompt);
  }

  /** Words in a string, an array of strings, or an array of OpenAI content parts (their {@code text}). */
  static int words(JsonNode content) {
    if (content == null || content.isNull()) {
      return 0;
    }
    if (content.isTextual()) {
      String text = content.asText().strip();
      return text.isEmpty() ? 0 : text.split("\\s+").length;
    }
    int count = 0;
    for (JsonNode part : content) {
      count += words(part.isObject() ? part.get("text") : part);
    }
    return count;
  }
}
