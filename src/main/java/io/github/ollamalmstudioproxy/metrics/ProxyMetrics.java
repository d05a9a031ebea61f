package io.github.ollamalmstudioproxy.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The proxy's Prometheus metrics. Every meter the per-token path touches is created once and cached, so recording a
 * chunk costs a lookup-free histogram update and no allocation.
 */
public final class ProxyMetrics {
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Map<String, Counter> requests = new ConcurrentHashMap<>();
  private final Map<String, Counter> backendErrors = new ConcurrentHashMap<>();
  private final AtomicInteger activeStreams = new AtomicInteger();
  private final Timer timeToFirstToken;
  private final Timer interTokenGap;
  private final Counter upstreamAbortsByHangUp;
  private final Timer modelLoads;
  private final DistributionSummary tokensIn;
  private final DistributionSummary tokensOut;

  public ProxyMetrics() {
    Gauge.builder("ollama_proxy_active_streams", activeStreams, AtomicInteger::get)
        .description("Streams currently being relayed to clients").register(registry);
    timeToFirstToken = Timer.builder("ollama_proxy_time_to_first_token")
        .description("Request received to first token sent").publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofMinutes(10)).register(registry);
    interTokenGap = Timer.builder("ollama_proxy_inter_token_gap")
        .description("Gap between consecutive chunks sent to a client").publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofNanos(100_000)).maximumExpectedValue(Duration.ofSeconds(30)).register(registry);
    upstreamAbortsByHangUp = Counter.builder("ollama_proxy_upstream_aborts")
        .description("Backend requests reset because the client went away").register(registry);
    modelLoads = Timer.builder("ollama_proxy_model_loads").description("Model loads the proxy waited for")
        .register(registry);
    tokensIn = DistributionSummary.builder("ollama_proxy_prompt_tokens").description("Prompt tokens per request")
        .register(registry);
    tokensOut = DistributionSummary.builder("ollama_proxy_completion_tokens")
        .description("Generated tokens per request").register(registry);
  }

  /** One finished request; {@code route} is the route's template (never a raw path), 499 for a client hang-up. */
  public void request(String route, int status) {
    requests.computeIfAbsent(route + ' ' + status, k -> Counter.builder("ollama_proxy_requests")
        .description("Requests by route and status").tag("route", route).tag("status", Integer.toString(status))
        .register(registry)).increment();
  }

  public void backendError(String errorClass) {
    backendErrors.computeIfAbsent(errorClass, k -> Counter.builder("ollama_proxy_backend_errors")
        .description("Backend errors by class").tag("class", errorClass).register(registry)).increment();
  }

  public void streamStarted() {
    activeStreams.incrementAndGet();
  }

  public void streamEnded() {
    activeStreams.decrementAndGet();
  }

  public int activeStreams() {
    return activeStreams.get();
  }

  public void timeToFirstToken(long nanos) {
    timeToFirstToken.record(nanos, TimeUnit.NANOSECONDS);
  }

  public void interTokenGap(long nanos) {
    interTokenGap.record(nanos, TimeUnit.NANOSECONDS);
  }

  public void upstreamAbortedByHangUp() {
    upstreamAbortsByHangUp.increment();
  }

  public void modelLoad(long nanos) {
    modelLoads.record(nanos, TimeUnit.NANOSECONDS);
  }

  /** Token counts as the backend reported them; counts it did not report are not recorded. */
  public void tokens(Long prompt, Long completion) {
    if (prompt != null) {
      tokensIn.record(prompt);
    }
    if (completion != null) {
      tokensOut.record(completion);
    }
  }

  /** The Prometheus text exposition. */
  public String scrape() {
    return registry.scrape();
  }
}
