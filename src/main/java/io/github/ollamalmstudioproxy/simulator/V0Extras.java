package io.github.ollamalmstudioproxy.simulator;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The three objects {@code /api/v0} adds to non-streaming answers (reference §3.2): measured stats in seconds, the
 * model's facts and a runtime description. Streams never carry them.
 */
record V0Extras(ObjectNode stats, ObjectNode modelInfo, ObjectNode runtime) {
  static V0Extras of(SimulatorModel model, SimulatedInstance instance, String finishReason, int completionTokens,
      double timeToFirstTokenSeconds, double generationSeconds) {
    ObjectNode stats = SimJson.object();
    double perSecond = generationSeconds > 0 ? completionTokens / generationSeconds : 0;
    stats.put("tokens_per_second", round(perSecond));
    stats.put("time_to_first_token", round(timeToFirstTokenSeconds));
    stats.put("generation_time", round(generationSeconds));
    stats.put("stop_reason", stopReason(finishReason));
    ObjectNode info = SimJson.object();
    info.put("arch", model.arch());
    info.put("quant", model.quantization());
    info.put("format", model.format());
    info.put("context_length", instance.contextLength());
    ObjectNode runtime = SimJson.object();
    runtime.put("name", "llama.cpp-linux-x86_64-avx2");
    runtime.put("version", "1.52.1");
    runtime.putArray("supported_formats").add(model.format());
    return new V0Extras(stats, info, runtime);
  }

  void addTo(ObjectNode body) {
    body.set("stats", stats);
    body.set("model_info", modelInfo);
    body.set("runtime", runtime);
  }

  /** The SDK's stop reasons; only eosFound and maxPredictedTokensReached are documented pairings. */
  private static String stopReason(String finishReason) {
    return switch (finishReason) {
      case "length" -> "maxPredictedTokensReached";
      case "tool_calls" -> "toolCalls";
      default -> "eosFound";
    };
  }

  private static double round(double value) {
    return Math.round(value * 1000.0) / 1000.0;
  }
}
