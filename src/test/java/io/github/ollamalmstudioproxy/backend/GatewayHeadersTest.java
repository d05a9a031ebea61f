package io.github.ollamalmstudioproxy.backend;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.MultiMap;
import org.junit.jupiter.api.Test;

class GatewayHeadersTest {
  @Test
  void carriesTheRequestIdAndOnlyTheRoutingHeadersTheClientSent() {
    MultiMap client = MultiMap.caseInsensitiveMultiMap()
        .add("X-Session-Id", "conversation-1")
        .add("x-llm-d-inference-objective", "batch")
        .add("x-slo-ttft-ms", "500")
        .add("Authorization", "Bearer the-proxy's-own-key")
        .add("Cookie", "a=b")
        .add("x-llm-d-model-name-rewrite", "other-model");

    assertThat(GatewayHeaders.of(client, "0123456789abcdef")).containsExactly(
        java.util.Map.entry("X-Request-Id", "0123456789abcdef"),
        java.util.Map.entry("x-session-id", "conversation-1"),
        java.util.Map.entry("x-llm-d-inference-objective", "batch"),
        java.util.Map.entry("x-slo-ttft-ms", "500"));
  }

  @Test
  void aClientWithoutRoutingHeadersGivesTheIdAlone() {
    assertThat(GatewayHeaders.of(MultiMap.caseInsensitiveMultiMap(), "id-1")).containsOnlyKeys("X-Request-Id");
  }
}
