package io.github.ollamalmstudioproxy.translate.openai;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.ollamalmstudioproxy.ollama.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The chat shapes Copilot sends that LM Studio refuses (microsoft/vscode-copilot-chat:
 * src/extension/conversation/vscode-node/languageModelAccessPrompt.tsx L49-63 makes each user part its own message;
 * src/extension/byok/node/openAIEndpoint.ts L274-281 fills a missing schema), found without a tree and repaired.
 */
class ChatBodyRepairTest {
  private static boolean needed(String body) {
    byte[] bytes = body.getBytes(UTF_8);
    return ChatBodyRepair.needed(bytes, 0, bytes.length);
  }

  private static JsonNode repaired(String body) throws Exception {
    return ChatBodyRepair.repair((ObjectNode) Json.MAPPER.readTree(body));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
      "{\"model\":\"m\",\"messages\":[{\"role\":\"system\",\"content\":\"s\"},{\"role\":\"user\",\"content\":\"a\"},"
          + "{\"role\":\"assistant\",\"content\":\"b\"},{\"role\":\"user\",\"content\":[{\"type\":\"image_url\","
          + "\"image_url\":{\"url\":\"data:image/png;base64,AAAA\"}}]}]}",
      "{\"messages\":[{\"role\":\"tool\",\"tool_call_id\":\"1\",\"content\":[{\"type\":\"text\",\"text\":\"x\"}]}]}",
      "{\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"parameters\":{\"type\":\"object\","
          + "\"properties\":{}}}}]}",
      "{\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"parameters\":{\"type\":\"string\"}}}]}",
      "not json at all",
      "[1,2]",
      "{\"messages\":[\"user\",\"user\"]}"})
  void aBodyInAShapeEveryBackendTakesNeedsNothing(String body) {
    assertThat(needed(body)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "{\"messages\":[{\"role\":\"user\",\"content\":\"a\"},{\"content\":[],\"role\":\"user\"}]}",
      "{\"messages\":[{\"role\":\"tool\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":\"u\"}}]}]}",
      "{\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\"}}]}",
      "{\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"parameters\":{}}}]}",
      "{\"tools\":[{\"function\":{\"parameters\":{\"type\":\"object\",\"additionalProperties\":false}}}]}"})
  void eachShapeLmStudioRefusesIsFound(String body) {
    assertThat(needed(body)).isTrue();
  }

  @Test
  void copilotsTextThenImageBecomesOneUserMessageWithBothPartsInOrder() throws Exception {
    JsonNode body = repaired("{\"model\":\"m\",\"messages\":[{\"role\":\"system\",\"content\":\"s\"},"
        + "{\"role\":\"user\",\"content\":\"What is in this picture?\"},{\"role\":\"user\",\"content\":[{\"type\":"
        + "\"image_url\",\"image_url\":{\"url\":\"data:image/png;base64,AAAA\",\"media_type\":\"image/png\"}}]}],"
        + "\"n\":1}");

    assertThat(body.toString()).isEqualTo("{\"model\":\"m\",\"messages\":[{\"role\":\"system\",\"content\":\"s\"},"
        + "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"What is in this picture?\"},{\"type\":"
        + "\"image_url\",\"image_url\":{\"url\":\"data:image/png;base64,AAAA\",\"media_type\":\"image/png\"}}]}],"
        + "\"n\":1}");
  }

  @Test
  void consecutiveTextsAreJoinedByABlankLine() throws Exception {
    JsonNode body = repaired("{\"messages\":[{\"role\":\"user\",\"content\":\"a\"},{\"role\":\"user\","
        + "\"content\":\"b\"},{\"role\":\"assistant\",\"content\":\"c\"},{\"role\":\"user\",\"content\":\"d\"}]}");

    assertThat(body.get("messages").toString()).isEqualTo("[{\"role\":\"user\",\"content\":\"a\\n\\nb\"},"
        + "{\"role\":\"assistant\",\"content\":\"c\"},{\"role\":\"user\",\"content\":\"d\"}]");
  }

  @Test
  void imagesOfToolResultsFollowTheToolMessagesAndMeetTheNextUserTurn() throws Exception {
    JsonNode body = repaired("{\"messages\":[{\"role\":\"assistant\",\"content\":\"\",\"tool_calls\":[]},"
        + "{\"role\":\"tool\",\"tool_call_id\":\"1\",\"content\":[{\"type\":\"text\",\"text\":\"shot taken\"},"
        + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/png;base64,AAAA\"}}]},"
        + "{\"role\":\"tool\",\"tool_call_id\":\"2\",\"content\":\"plain\"},"
        + "{\"role\":\"user\",\"content\":\"and now?\"}]}");

    assertThat(body.get("messages").toString()).isEqualTo("[{\"role\":\"assistant\",\"content\":\"\","
        + "\"tool_calls\":[]},{\"role\":\"tool\",\"tool_call_id\":\"1\",\"content\":\"shot taken\"},"
        + "{\"role\":\"tool\",\"tool_call_id\":\"2\",\"content\":\"plain\"},{\"role\":\"user\",\"content\":["
        + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/png;base64,AAAA\"}},"
        + "{\"type\":\"text\",\"text\":\"and now?\"}]}]");
  }

  @Test
  void toolsWithoutAPropertiesSchemaGetTheEmptyObjectSchema() throws Exception {
    JsonNode body = repaired("{\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"a\"}},"
        + "{\"type\":\"function\",\"function\":{\"name\":\"b\",\"parameters\":{}}},"
        + "{\"type\":\"function\",\"function\":{\"name\":\"c\",\"parameters\":{\"type\":\"object\","
        + "\"additionalProperties\":false}}},"
        + "{\"type\":\"function\",\"function\":{\"name\":\"d\",\"parameters\":{\"type\":\"object\","
        + "\"properties\":{\"x\":{\"type\":\"string\"}}}}}]}");

    assertThat(body.get("tools").toString()).isEqualTo("[{\"type\":\"function\",\"function\":{\"name\":\"a\","
        + "\"parameters\":{\"type\":\"object\",\"properties\":{}}}},{\"type\":\"function\",\"function\":{\"name\":"
        + "\"b\",\"parameters\":{\"type\":\"object\",\"properties\":{}}}},{\"type\":\"function\",\"function\":{"
        + "\"name\":\"c\",\"parameters\":{\"type\":\"object\",\"additionalProperties\":false,\"properties\":{}}}},"
        + "{\"type\":\"function\",\"function\":{\"name\":\"d\",\"parameters\":{\"type\":\"object\",\"properties\":"
        + "{\"x\":{\"type\":\"string\"}}}}}]");
  }
}
