package io.github.ollamalmstudioproxy.routing;

import static io.github.ollamalmstudioproxy.routing.SeveralBackendsIT.chat;
import static io.github.ollamalmstudioproxy.routing.SeveralBackendsIT.tree;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.ollamalmstudioproxy.support.ProxyHarness;
import io.github.ollamalmstudioproxy.support.RawHttp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Issue 15, point 2: LM Studio sends every request for {@code key} to one of its loaded duplicates
 * (lmstudio-bug-tracker#2108); the proxy spreads them over {@code key} and {@code key:2} by naming the instance.
 */
class DuplicateInstancesIT {
  @Test
  void concurrentRequestsSpreadOverAModelsLoadedDuplicates() {
    try (ProxyHarness harness = ProxyHarness.start()) {
      harness.simulator().catalog().load("qwen/qwen3-4b", 4096, false);
      Awaitility.await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(250))
          .until(() -> tree(harness.get("/api/ps").body()).path("models").size() == 2);
      harness.simulator().script().prefillDelay(Duration.ofMillis(1500));
      List<RawHttp> streams = new ArrayList<>();
      try {
        for (int i = 0; i < 4; i++) {
          streams.add(RawHttp.connect(harness.port()).send("POST", "/api/chat",
              chat("qwen/qwen3-4b", "conversation " + i, true)));
        }
        Awaitility.await().atMost(Duration.ofSeconds(5))
            .until(() -> harness.simulator().log().byPath("/v1/chat/completions").size() == 4);
        Map<String, Long> byInstance = harness.simulator().log().byPath("/v1/chat/completions").stream()
            .map(r -> tree(r.body()).path("model").asText())
            .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
        assertThat(byInstance).containsOnly(Map.entry("qwen/qwen3-4b", 2L), Map.entry("qwen/qwen3-4b:2", 2L));
        for (RawHttp stream : streams) {
          assertThat(stream.readUntil("\"done\":true")).contains("\"model\":\"qwen/qwen3-4b\"");
        }
      } finally {
        streams.forEach(RawHttp::close);
      }
    }
  }
}
