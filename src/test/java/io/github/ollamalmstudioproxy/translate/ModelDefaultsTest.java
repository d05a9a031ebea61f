package io.github.ollamalmstudioproxy.translate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * An alias's settings under the request that names it, each case after the Ollama (v0.33.0-rc2) lines it follows:
 * {@code server/routes.go} modelOptions (125-146: the model's options, then the request's over them), ChatHandler
 * (2545-2547: the model's messages first, its system prompt before them unless the conversation starts with one),
 * GenerateHandler (345-346: the model's system when the request has none).
 */
class ModelDefaultsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PARAMETERS = "{\"temperature\":0.2,\"num_ctx\":8192,\"stop\":[\"<|end|>\"],"
      + "\"num_predict\":64}";

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("chat: parameters fill the options the request left out, the request's win",
            "chat", "{\"model\":\"a\",\"options\":{\"temperature\":0.9},\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
            "{\"model\":\"a\",\"options\":{\"temperature\":0.9,\"num_ctx\":8192,\"stop\":[\"<|end|>\"],\"num_predict\":64},"
                + "\"messages\":[{\"role\":\"system\",\"content\":\"Be terse.\"},{\"role\":\"user\",\"content\":\"hi\"}]}"),
        Arguments.of("chat: a conversation with its own system prompt keeps it",
            "chat", "{\"model\":\"a\",\"messages\":[{\"role\":\"system\",\"content\":\"Mine.\"}]}",
            "{\"model\":\"a\",\"messages\":[{\"role\":\"system\",\"content\":\"Mine.\"}],\"options\":" + PARAMETERS + "}"),
        Arguments.of("chat: a load request (no messages) stays a load request",
            "chat", "{\"model\":\"a\",\"messages\":[]}",
            "{\"model\":\"a\",\"messages\":[],\"options\":" + PARAMETERS + "}"),
        Arguments.of("generate: the system prompt fills an absent system",
            "generate", "{\"model\":\"a\",\"prompt\":\"p\"}",
            "{\"model\":\"a\",\"prompt\":\"p\",\"options\":" + PARAMETERS + ",\"system\":\"Be terse.\"}"),
        Arguments.of("generate: the request's own system wins",
            "generate", "{\"model\":\"a\",\"prompt\":\"p\",\"system\":\"Mine.\"}",
            "{\"model\":\"a\",\"prompt\":\"p\",\"system\":\"Mine.\",\"options\":" + PARAMETERS + "}"),
        Arguments.of("generate: raw prompts take no system (raw with system is a 400)",
            "generate", "{\"model\":\"a\",\"prompt\":\"p\",\"raw\":true}",
            "{\"model\":\"a\",\"prompt\":\"p\",\"raw\":true,\"options\":" + PARAMETERS + "}"),
        Arguments.of("v1 chat: OpenAI field names, num_predict as max_tokens, system first",
            "openai", "{\"model\":\"a\",\"temperature\":1,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
            "{\"model\":\"a\",\"temperature\":1,\"messages\":[{\"role\":\"system\",\"content\":\"Be terse.\"},"
                + "{\"role\":\"user\",\"content\":\"hi\"}],\"stop\":[\"<|end|>\"],\"max_tokens\":64}"),
        Arguments.of("v1 chat: a developer message counts as the conversation's own system prompt",
            "openai", "{\"model\":\"a\",\"max_completion_tokens\":5,\"messages\":[{\"role\":\"developer\",\"content\":\"d\"}]}",
            "{\"model\":\"a\",\"max_completion_tokens\":5,\"messages\":[{\"role\":\"developer\",\"content\":\"d\"}],"
                + "\"temperature\":0.2,\"stop\":[\"<|end|>\"]}"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void aliasSettingsAreDefaultsTheRequestOverrides(String name, String route, String body, String expected)
      throws Exception {
    ObjectNode request = (ObjectNode) JSON.readTree(body);
    ObjectNode parameters = (ObjectNode) JSON.readTree(PARAMETERS);
    ObjectNode out = switch (route) {
      case "chat" -> ModelDefaults.chat(request, parameters, "Be terse.", JSON.createArrayNode());
      case "generate" -> ModelDefaults.generate(request, parameters, "Be terse.");
      default -> ModelDefaults.openAiChat(request, parameters, "Be terse.");
    };
    assertThat(out).isEqualTo(JSON.readTree(expected));
  }

  @org.junit.jupiter.api.Test
  void chatMessagesOfTheAliasComeBeforeTheConversationAfterItsSystemPrompt() throws Exception {
    ObjectNode request = (ObjectNode) JSON.readTree("{\"messages\":[{\"role\":\"user\",\"content\":\"q\"}]}");
    ArrayNode messages = (ArrayNode) JSON.readTree("[{\"role\":\"user\",\"content\":\"example\"},"
        + "{\"role\":\"assistant\",\"content\":\"answer\"}]");

    ModelDefaults.chat(request, JSON.createObjectNode(), "S", messages);

    assertThat(request.get("messages").toString()).isEqualTo("[{\"role\":\"system\",\"content\":\"S\"},"
        + "{\"role\":\"user\",\"content\":\"example\"},{\"role\":\"assistant\",\"content\":\"answer\"},"
        + "{\"role\":\"user\",\"content\":\"q\"}]");
    assertThat(request.has("options")).as("no parameters, no options").isFalse();
  }
}
