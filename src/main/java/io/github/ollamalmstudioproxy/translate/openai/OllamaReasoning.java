package io.github.ollamalmstudioproxy.translate.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.ollamalmstudioproxy.ollama.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Reasoning in the field Ollama's OpenAI layer uses: {@code choices[].delta.reasoning} in stream chunks and
 * {@code choices[].message.reasoning} in whole answers ({@code Delta} and {@code Message} in Ollama's
 * {@code openai/openai.go}). LM Studio and DeepSeek-style servers send {@code reasoning_content} instead; such a
 * chunk gets {@code reasoning} with the same text added, and keeps {@code reasoning_content} for the clients that
 * were written against LM Studio. Anything without {@code reasoning_content} is returned as the very same array.
 */
public final class OllamaReasoning {
  private static final byte[] NEEDLE = "\"reasoning_content\"".getBytes(StandardCharsets.US_ASCII);

  private OllamaReasoning() {}

  /** One chunk or answer, as UTF-8 JSON; the input itself when it needs no change or is not an OpenAI object. */
  public static byte[] withOllamaField(byte[] json) {
    if (indexOf(json, 0, json.length, NEEDLE) < 0) {
      return json;
    }
    JsonNode root;
    try {
      root = Json.MAPPER.readTree(json);
    } catch (IOException e) {
      return json;
    }
    if (root == null || !root.path("choices").isArray()) {
      return json;
    }
    boolean changed = false;
    for (JsonNode choice : root.get("choices")) {
      changed |= addReasoning(choice.get("delta")) | addReasoning(choice.get("message"));
    }
    if (!changed) {
      return json;
    }
    try {
      return Json.MAPPER.writeValueAsBytes(root);
    } catch (IOException e) {
      return json;
    }
  }

  private static boolean addReasoning(JsonNode part) {
    if (!(part instanceof ObjectNode object)) {
      return false;
    }
    JsonNode text = object.get("reasoning_content");
    JsonNode reasoning = object.get("reasoning");
    if (text == null || !text.isTextual() || (reasoning != null && !reasoning.isNull())) {
      return false;
    }
    object.set("reasoning", text);
    return true;
  }

  /** True if {@code bytes[from, to)} may need {@link #withOllamaField}: a cheap scan, no parsing. */
  static boolean mentionsReasoningContent(byte[] bytes, int from, int to) {
    return indexOf(bytes, from, to, NEEDLE) >= 0;
  }

  static int indexOf(byte[] haystack, int from, int to, byte[] needle) {
    outer:
    for (int i = from; i <= to - needle.length; i++) {
      for (int k = 0; k < needle.length; k++) {
        if (haystack[i + k] != needle[k]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
