package io.github.ollamalmstudioproxy.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;

/**
 * The native model routes of 0.4: {@code GET /api/v1/models}, {@code POST /api/v1/models/load} and
 * {@code POST /api/v1/models/unload}, with errors in the v1 shape {@code {"error":{"type","code","message"}}}.
 */
final class NativeModelsHandler {
  private final SimEnv env;

  NativeModelsHandler(SimEnv env) {
    this.env = env;
  }

  void list(Exchange exchange) {
    ObjectNode root = SimJson.object();
    ArrayNode models = root.putArray("models");
    env.catalog().models().forEach(m -> models.add(row(m)));
    exchange.sendJson(200, root);
  }

  /**
   * Loads a new instance after {@code loadDelay}. Not idempotent, exactly like LM Studio: loading a loaded model adds
   * {@code key:2}, which is why proxies must check before they load (reference §6). The context is the one asked for
   * (else the default), lowered to what memory holds; only {@code echo_load_config} tells what it became.
   */
  void load(Exchange exchange) {
    String key = SimJson.text(exchange.body, "model");
    if (key == null) {
      exchange.fail(SimulatorFailure.native1(400, "invalid_request", "invalid_request",
          "'model' is required and must be a string.", "model"));
      return;
    }
    Optional<SimulatorModel> model = env.catalog().model(key);
    if (model.isEmpty()) {
      exchange.fail(SimulatorFailure.native1(404, "model_not_found", "model_not_found",
          "Model \"" + key + "\" not found.", "model"));
      return;
    }
    JsonNode asked = exchange.body.get("context_length");
    if (asked != null && !(asked.isIntegralNumber() && asked.canConvertToInt() && asked.intValue() > 0)) {
      // Never captured; LM Studio validates its load body, so a wrong type is refused in the v1 shape.
      exchange.fail(SimulatorFailure.native1(400, "invalid_request", "invalid_request",
          "'context_length' must be a positive integer.", "context_length"));
      return;
    }
    int context = ContextWindow.loaded(asked == null ? null : asked.intValue(), env.options());
    long started = System.nanoTime();
    exchange.resume(env.loader().load(model.get(), context, env.script().loadDelay()), loaded -> {
      ObjectNode body = SimJson.object();
      body.put("type", model.get().type().v1Name());
      body.put("instance_id", loaded.result().id());
      body.put("load_time_seconds", Math.round((System.nanoTime() - started) / 1e6) / 1000.0);
      body.put("status", "loaded");
      if (exchange.body.path("echo_load_config").asBoolean(false)) {
        body.putObject("load_config").put("context_length", context);
      }
      exchange.sendJson(200, body);
    });
  }

  void unload(Exchange exchange) {
    String id = SimJson.text(exchange.body, "instance_id");
    if (id == null) {
      exchange.fail(SimulatorFailure.native1(400, "invalid_request", "invalid_request",
          "'instance_id' is required and must be a string.", "instance_id"));
    } else if (!env.catalog().unload(id)) {
      exchange.fail(SimulatorFailure.native1(404, "model_not_found", "model_not_found",
          "No loaded model instance with identifier \"" + id + "\".", "instance_id"));
    } else {
      exchange.sendJson(200, SimJson.object().put("instance_id", id));
    }
  }

  private ObjectNode row(SimulatorModel model) {
    boolean embedding = model.type() == SimulatorModel.ModelType.EMBEDDING;
    ObjectNode row = SimJson.object();
    row.put("type", model.type().v1Name());
    row.put("publisher", model.publisher());
    row.put("key", model.key());
    row.put("display_name", model.displayName());
    if (!embedding) {
      row.put("architecture", model.arch());
    }
    row.putObject("quantization").put("name", model.quantization()).put("bits_per_weight", model.bitsPerWeight());
    row.put("size_bytes", model.sizeBytes());
    row.put("params_string", model.paramsString());
    ArrayNode instances = row.putArray("loaded_instances");
    int parallel = env.script().parallel();
    for (SimulatedInstance instance : env.catalog().instancesOf(model.key())) {
      ObjectNode config = instances.addObject().put("id", instance.id()).putObject("config");
      config.put("context_length", instance.contextLength());
      config.put("eval_batch_size", 512);
      config.put("parallel", parallel);
      config.put("flash_attention", true);
      config.put("offload_kv_cache_to_gpu", true);
    }
    row.put("max_context_length", model.maxContextLength());
    row.put("format", model.format());
    if (!embedding) {
      ObjectNode capabilities = row.putObject("capabilities");
      capabilities.put("vision", model.vision());
      capabilities.put("trained_for_tool_use", model.trainedForToolUse());
      if (!model.reasoningOptions().isEmpty()) {
        ObjectNode reasoning = capabilities.putObject("reasoning");
        model.reasoningOptions().forEach(reasoning.putArray("allowed_options")::add);
        reasoning.put("default", model.reasoningDefault());
      }
      row.putNull("description");
      row.putArray("variants").add(model.variant());
      row.put("selected_variant", model.variant());
    }
    return row;
  }
}
