package io.github.ollamalmstudioproxy.simulator;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/** {@code GET /v1/models}, {@code GET /api/v0/models} and {@code GET /api/v0/models/{id}}. */
final class ModelListHandler {
  private final SimEnv env;

  ModelListHandler(SimEnv env) {
    this.env = env;
  }

  /**
   * The OpenAI list: {@code data} first, {@code object} last, nothing but id/object/owned_by per row. With JIT on it
   * lists every downloaded model plus extra instances ({@code key:2}); with JIT off only loaded instances (§2.1).
   */
  void openAiList(Exchange exchange) {
    SimulatorCatalog catalog = env.catalog();
    ObjectNode root = SimJson.object();
    ArrayNode data = root.putArray("data");
    if (env.options().jitEnabled()) {
      for (SimulatorModel model : catalog.models()) {
        row(data, model.key());
        catalog.instancesOf(model.key()).stream()
            .filter(i -> !i.id().equals(model.key()))
            .forEach(i -> row(data, i.id()));
      }
    } else {
      catalog.instances().forEach(i -> row(data, i.id()));
    }
    root.put("object", "list");
    exchange.sendJson(200, root);
  }

  /**
   * vLLM's list ({@code ModelCard} in vllm/entrypoints/openai/protocol.py): every model, each with the context it
   * was started with as {@code max_model_len}.
   */
  void gatewayList(Exchange exchange) {
    SimulatorCatalog catalog = env.catalog();
    ObjectNode root = SimJson.object();
    root.put("object", "list");
    ArrayNode data = root.putArray("data");
    for (SimulatorModel model : catalog.models()) {
      List<SimulatedInstance> instances = catalog.instancesOf(model.key());
      int context = instances.isEmpty() ? model.maxContextLength() : instances.get(0).contextLength();
      data.addObject().put("id", model.key()).put("object", "model").put("created", 1_700_000_000L)
          .put("owned_by", "vllm").put("root", model.key()).putNull("parent").put("max_model_len", context)
          .putArray("permission");
    }
    exchange.sendJson(200, root);
  }

  void v0List(Exchange exchange) {
    ObjectNode root = SimJson.object();
    root.put("object", "list");
    ArrayNode data = root.putArray("data");
    env.catalog().models().forEach(m -> data.add(v0Row(m)));
    exchange.sendJson(200, root);
  }

  /** One row without the list wrapper; the id may contain a slash ({@code qwen/qwen3-4b}). */
  void v0One(Exchange exchange, String id) {
    env.catalog().model(id).ifPresentOrElse(
        m -> exchange.sendJson(200, v0Row(m)),
        // The real body was never captured (§3.1); clients expect a 404.
        () -> exchange.fail(SimulatorFailure.openAi(404, "Model \"" + id + "\" not found.", "model",
            "model_not_found")));
  }

  private ObjectNode v0Row(SimulatorModel model) {
    List<SimulatedInstance> instances = env.catalog().instancesOf(model.key());
    ObjectNode row = SimJson.object();
    row.put("id", model.key());
    row.put("object", "model");
    row.put("type", model.type().v0Name());
    row.put("publisher", model.publisher());
    row.put("arch", model.arch());
    row.put("compatibility_type", model.format());
    row.put("quantization", model.quantization());
    row.put("state", instances.isEmpty() ? "not-loaded" : "loaded");
    row.put("max_context_length", model.maxContextLength());
    if (!instances.isEmpty()) {
      row.put("loaded_context_length", instances.get(0).contextLength());
    }
    if (model.type().canChat()) {
      ArrayNode capabilities = row.putArray("capabilities");
      if (model.trainedForToolUse()) {
        capabilities.add("tool_use");
      }
    }
    return row;
  }

  private static void row(ArrayNode data, String id) {
    data.addObject().put("id", id).put("object", "model").put("owned_by", "organization_owner");
  }
}
