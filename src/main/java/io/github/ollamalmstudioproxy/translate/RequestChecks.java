package io.github.ollamalmstudioproxy.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/** Validation shared by chat and generate requests. */
final class RequestChecks {
  /**
   * Ollama request fields that an OpenAI backend cannot honour; accepted, then reported. ({@code truncate} is
   * honoured for chat, so each route decides about it.)
   */
  private static final List<String> UNSUPPORTED = List.of("shift");

  private RequestChecks() {}

  static List<String> ignored(ObjectNode body, SamplingOptions options) {
    List<String> ignored = new ArrayList<>();
    for (String field : UNSUPPORTED) {
      if (Fields.get(body, field) != null) {
        ignored.add(field);
      }
    }
    for (String option : options.ignored()) {
      ignored.add("options." + option);
    }
    return List.copyOf(ignored);
  }

  static List<String> images(ArrayNode array, String path) {
    if (array == null || array.isEmpty()) {
      return List.of();
    }
    List<String> out = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      JsonNode image = array.get(i);
      String imagePath = path + "[" + i + "]";
      if (!image.isTextual()) {
        throw Fields.badType(imagePath, "a base64 string", image);
      }
      out.add(Images.toDataUrl(image.textValue(), imagePath));
    }
    return List.copyOf(out);
  }
}
