package io.github.ollamalmstudioproxy.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ProxyMetricsTest {
  @Test
  void routingDecisionPublishesItsMedianAndP99AsQuantiles() {
    ProxyMetrics metrics = new ProxyMetrics();
    for (int i = 0; i < 98; i++) {
      metrics.routingDecision(20_000);
    }
    metrics.routingDecision(5_000_000);
    metrics.routingDecision(5_000_000);
    String text = metrics.scrape();

    assertThat(text).contains("# TYPE ollama_proxy_routing_decision_seconds summary");
    assertThat(quantile(text, "0.5")).as("median").isBetween(19e-6, 21e-6);
    assertThat(quantile(text, "0.99")).as("p99").isBetween(4.5e-3, 5.5e-3);
    assertThat(text).contains("ollama_proxy_routing_decision_seconds_count 100");
  }

  private static double quantile(String text, String q) {
    Matcher m = Pattern.compile("(?m)^ollama_proxy_routing_decision_seconds\\{quantile=\"" + Pattern.quote(q)
        + "\"} (\\S+)$").matcher(text);
    assertThat(m.find()).as("quantile %s in %s", q, text).isTrue();
    return Double.parseDouble(m.group(1));
  }
}
