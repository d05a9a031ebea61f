package io.github.ollamalmstudioproxy.support;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.ollamalmstudioproxy.simulator.RecordedRequest;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/** What the simulated backend received, as JSON. */
public final class Upstream {
  public static final Duration WAIT = Duration.ofSeconds(5);
  /** The routes that run a model; a request that must be refused before the backend sends none of these. */
  public static final Set<String> INFERENCE = Set.of("/v1/chat/completions", "/v1/completions", "/v1/embeddings",
      "/api/v0/chat/completions", "/api/v0/completions", "/api/v0/embeddings", "/api/v1/models/load",
      "/api/v1/models/unload");

  private Upstream() {}

  /** The body of the first request to {@code path} since the log was cleared, waiting for it. */
  public static JsonNode body(ProxyHarness harness, String path) {
    return Ndjson.json(harness.simulator().log().awaitRequest(path, WAIT).body());
  }

  public static JsonNode chatBody(ProxyHarness harness) {
    return body(harness, "/v1/chat/completions");
  }

  /** Requests that reached a model-running route. */
  public static List<RecordedRequest> inference(ProxyHarness harness) {
    return harness.simulator().log().all().stream().filter(r -> INFERENCE.contains(r.pathOnly())).toList();
  }
}
