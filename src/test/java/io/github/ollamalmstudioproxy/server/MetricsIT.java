package io.github.ollamalmstudioproxy.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.ollamalmstudioproxy.simulator.SimulatorFailure;
import io.github.ollamalmstudioproxy.support.ProxyHarness;
import io.github.ollamalmstudioproxy.support.RawHttp;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@code /metrics} after real traffic: each meter the issue asks for is present and moved by what happened. */
class MetricsIT {
  private static final String CHAT = "{\"model\":\"%s\",\"stream\":%s,"
      + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

  @Test
  void scrapeShowsRequestsLatenciesStreamsAbortsErrorsLoadsAndTokens() {
    try (ProxyHarness harness = ProxyHarness.start()) {
      harness.simulator().script().tokens(List.of("a", "b", "c")).tokenInterval(Duration.ofMillis(2));
      assertThat(harness.post("/api/chat", CHAT.formatted("qwen/qwen3-4b", true)).statusCode()).isEqualTo(200);
      assertThat(harness.post("/api/chat", CHAT.formatted("meta-llama-3.1-8b-instruct", false)).statusCode())
          .isEqualTo(200);
      harness.simulator().script().failNext(SimulatorFailure.contextOverflow());
      assertThat(harness.post("/api/chat", CHAT.formatted("qwen/qwen3-4b", false)).statusCode()).isEqualTo(400);
      harness.simulator().script().prefillDelay(Duration.ofSeconds(10));
      RawHttp client = RawHttp.connect(harness.port()).send("POST", "/api/chat", CHAT.formatted("qwen/qwen3-4b", true));
      harness.simulator().log().awaitRequest("/v1/chat/completions", Duration.ofSeconds(5));
      client.hangUp();
      await().atMost(Duration.ofSeconds(5)).until(() -> harness.proxy().activeRequests() == 0);

      HttpResponse<String> scrape = harness.get("/metrics");
      assertThat(scrape.statusCode()).isEqualTo(200);
      assertThat(scrape.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t)
          .startsWith("text/plain"));
      String text = scrape.body();
      assertThat(value(text, "ollama_proxy_requests_total\\{route=\"/api/chat\",status=\"200\"}")).isEqualTo(2);
      assertThat(value(text, "ollama_proxy_requests_total\\{route=\"/api/chat\",status=\"400\"}")).isEqualTo(1);
      assertThat(value(text, "ollama_proxy_requests_total\\{route=\"/api/chat\",status=\"499\"}")).isEqualTo(1);
      assertThat(value(text, "ollama_proxy_time_to_first_token_seconds_count")).isEqualTo(1);
      assertThat(value(text, "ollama_proxy_inter_token_gap_seconds_count")).isGreaterThanOrEqualTo(2);
      assertThat(text).contains("ollama_proxy_time_to_first_token_seconds_bucket{le=");
      assertThat(value(text, "ollama_proxy_active_streams")).isZero();
      assertThat(value(text, "ollama_proxy_upstream_aborts_total")).isEqualTo(1);
      assertThat(value(text, "ollama_proxy_backend_errors_total\\{class=\"INVALID_REQUEST\"}")).isEqualTo(1);
      assertThat(value(text, "ollama_proxy_model_loads_seconds_count")).isEqualTo(1);
      assertThat(value(text, "ollama_proxy_completion_tokens_count")).isEqualTo(2);
      assertThat(value(text, "ollama_proxy_completion_tokens_sum")).isEqualTo(6);
      assertThat(value(text, "ollama_proxy_prompt_tokens_sum")).isPositive();
    }
  }

  private static double value(String scrape, String series) {
    Matcher m = Pattern.compile("(?m)^" + series + " ([0-9.eE+-]+)$").matcher(scrape);
    assertThat(m.find()).as("series " + series + " in:\n" + scrape).isTrue();
    return Double.parseDouble(m.group(1));
  }
}
