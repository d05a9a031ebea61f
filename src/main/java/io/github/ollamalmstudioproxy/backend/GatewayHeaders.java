package io.github.ollamalmstudioproxy.backend;

import io.vertx.core.MultiMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The request headers an inference gateway routes on, which the proxy passes on from the client to a backend of the
 * gateway profile. Each name is one llm-d's endpoint picker reads (llm-d/llm-d-router at ebab687, the Gateway API
 * Inference Extension's EPP since it moved there; docs/gateway.md has the files): nothing here is the proxy's
 * invention, and nothing else of the client's reaches a translated request.
 */
public final class GatewayHeaders {
  /** The request id; the EPP logs and evicts by it, and makes one up when none comes. */
  public static final String REQUEST_ID = "X-Request-Id";

  /** The client's routing headers, lower case as the EPP reads them, copied when the client sent them. */
  public static final List<String> ROUTING = List.of(
      // Session affinity: the session-id strategy's default header (sessionaffinity/session_id.go), and the
      // encoded-endpoint strategy's token that the EPP sets on a response and the client sends back (header.go).
      "x-session-id",
      "x-session-token",
      // Agent identity, the flow-control fairness id by default (agentidentity/agent_identity.go): Claude Code,
      // OpenCode and Codex send these on their own.
      "x-claude-code-session-id",
      "x-session-affinity",
      "session-id",
      // The InferenceObjective (its priority) and the fairness flow; the x-gateway-* names are the deprecated
      // aliases the EPP still reads (metadata/consts.go), and what GIE's own lightweight EPP reads.
      "x-llm-d-inference-objective",
      "x-gateway-inference-objective",
      "x-llm-d-inference-fairness-id",
      "x-gateway-inference-fairness-id",
      // Latency objectives for the SLO-aware admitter and scorer, in milliseconds, with their old names.
      "x-llm-d-slo-ttft-ms",
      "x-llm-d-slo-tpot-ms",
      "x-slo-ttft-ms",
      "x-slo-tpot-ms");

  private GatewayHeaders() {}

  /**
   * What a gateway request carries: {@code requestId} as {@link #REQUEST_ID}, and each {@link #ROUTING} header the
   * client sent (its first value).
   */
  public static Map<String, String> of(MultiMap client, String requestId) {
    Map<String, String> out = new LinkedHashMap<>();
    out.put(REQUEST_ID, requestId);
    for (String name : ROUTING) {
      String value = client.get(name);
      if (value != null) {
        out.put(name, value);
      }
    }
    return out;
  }
}
