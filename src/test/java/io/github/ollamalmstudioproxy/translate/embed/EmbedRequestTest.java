package io.github.ollamalmstudioproxy.translate.embed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.ollamalmstudioproxy.ollama.Json;
import io.github.ollamalmstudioproxy.ollama.OllamaError;
import org.junit.jupiter.api.Test;

/** The input-count bound of {@code /api/embed}, on both sides. */
class EmbedRequestTest {
  @Test
  void theMostInputsARequestMayHaveAreAccepted() {
    assertThat(EmbedRequest.parse(body(EmbedRequest.MAX_INPUTS)).inputs()).hasSize(2048);
  }

  @Test
  void oneInputMoreIsABadRequestThatSaysTheLimit() {
    assertThatThrownBy(() -> EmbedRequest.parse(body(EmbedRequest.MAX_INPUTS + 1)))
        .isInstanceOfSatisfying(OllamaError.class, e -> {
          assertThat(e.status()).isEqualTo(400);
          assertThat(e.getMessage()).isEqualTo("too many inputs: 2049 (at most 2048 per request; send them in batches)");
        });
  }

  private static ObjectNode body(int inputs) {
    ObjectNode body = Json.NODES.objectNode().put("model", "nomic");
    ArrayNode input = body.putArray("input");
    for (int i = 0; i < inputs; i++) {
      input.add("text " + i);
    }
    return body;
  }
}
