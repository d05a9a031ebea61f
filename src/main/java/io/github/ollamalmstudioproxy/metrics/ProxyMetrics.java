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
  private final Map<String, Counter> routings = new ConcurrentHashMap<>();
  private final Map<String, Counter> failovers = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> breakerStates = new ConcurrentHashMap<>();
  private final AtomicInteger queued = new AtomicInteger();
  private final Timer queueWaits;
  private final Timer routingDecisions;
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
    Gauge.builder("ollama_proxy_queued_requests", queued, AtomicInteger::get)
        .description("Requests waiting for a backend slot").register(registry);
    queueWaits = Timer.builder("ollama_proxy_queue_wait").description("Time requests waited for a backend slot")
        .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofMinutes(10)).register(registry);
    routingDecisions = Timer.builder("ollama_proxy_routing_decision")
        .description("Time to pick a backend for a request, catalog lookups included")
        // A summary, not a histogram: the median and p99 as the proxy computes them over the last two minutes or
        // so, readable off /metrics without a Prometheus server (the benchmark's several-backends section reads
        // them). Prometheus' exposition has no quantiles on a histogram, so Micrometer drops them when both are on.
        .publishPercentiles(0.5, 0.99).percentilePrecision(2).register(registry);
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

  /** A request was sent to {@code backend} for {@code reason} (see the upstream router's reasons). */
  public void routed(String backend, String reason) {
    routings.computeIfAbsent(backend + ' ' + reason, k -> Counter.builder("ollama_proxy_routed_requests")
        .description("Requests by the backend routing chose and why").tag("backend", backend).tag("reason", reason)
        .register(registry)).increment();
  }

  /** A request that failed on {@code from} before its first byte was sent to another backend. */
  public void failedOver(String from) {
    failovers.computeIfAbsent(from, k -> Counter.builder("ollama_proxy_failovers")
        .description("Requests moved to another backend after failing before their first byte").tag("backend", from)
        .register(registry)).increment();
  }

  /** The breaker state of a backend: 0 closed, 1 half-open, 2 open. */
  public void breakerState(String backend, int state) {
    breakerStates.computeIfAbsent(backend, k -> {
      AtomicInteger value = new AtomicInteger();
      Gauge.builder("ollama_proxy_backend_breaker_state", value, AtomicInteger::get)
          .description("Circuit breaker per backend: 0 closed, 1 half-open, 2 open").tag("backend", backend)
          .register(registry);
      return value;
    }).set(state);
  }

  public void queueEntered() {
    queued.incrementAndGet();
  }

  public void queueLeft(long waitedNanos) {
    queued.decrementAndGet();
    queueWaits.record(waitedNanos, TimeUnit.NANOSECONDS);
  }

  public void routingDecision(long nanos) {
    routingDecisions.record(nanos, TimeUnit.NANOSECONDS);
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
