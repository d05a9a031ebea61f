package io.github.ollamalmstudioproxy.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.function.IntFunction;

/**
 * {@code POST /v1/responses}: OpenAI Responses, as LM Studio 0.3.29+ serves it for Codex (reference §2.5).
 *
 * <p>Same order as chat, after the scripted failure {@link SimulatorRouter} takes: request validation, model
 * resolution (possibly waiting for a JIT load), image support, then generation. LM Studio validates this route with a
 * schema and answers in OpenAI's error shape with the schema's words ({@code "Required"},
 * {@code missing_required_parameter}, a dotted {@code param}); {@link #check} keeps the captured cases. Stateless:
 * {@code previous_response_id} is echoed, never looked up, and remote MCP tools are accepted and never called. A
 * client hang-up stops generation at once, as on chat; LM Studio's own stream has been seen to run on when cancelled
 * right away (#1203), which is left out so hang-up tests stay deterministic.
 */
final class ResponsesHandler {
  private final SimEnv env;
  private final ModelResolver resolver;

  ResponsesHandler(SimEnv env, ModelResolver resolver) {
    this.env = env;
    this.resolver = resolver;
  }

  void handle(Exchange exchange, ScriptSnapshot script) {
    SimulatorFailure failure = check(exchange.body, env.options().legacy());
    if (failure != null) {
      exchange.fail(failure);
      return;
    }
    InstanceFor.completion(env, resolver, exchange, script, instance -> serve(exchange, script, instance));
  }

  /**
   * The first field LM Studio's schema rejects, or null.
   *
   * <ul>
   *   <li>no {@code input}: {@code "Required"} (assumed from the next case);
   *   <li>{@code text} without {@code format}: {@code "Required"}, {@code param:"text.format"} (#1576, 0.4.5);
   *   <li>a tool that is neither {@code function} nor {@code mcp} (Codex's {@code namespace}, {@code web_search}):
   *       {@code "Invalid"}, {@code invalid_string} (#1810, #1812, 0.4.11); the 0.3 profile uses the 0.3.39 wording,
   *       {@code "Invalid discriminator value. Expected 'function' | 'mcp'"}, {@code invalid_union_discriminator}
   *       (#1383).
   * </ul>
   */
  static SimulatorFailure check(JsonNode body, boolean legacy) {
    JsonNode input = body.get("input");
    if (input == null || input.isNull()) {
      return required("input");
    }
    if (!input.isTextual() && !input.isArray()) {
      return SimulatorFailure.openAi(400, "Invalid input", "input", "invalid_union");
    }
    JsonNode text = body.get("text");
    if (text != null && text.isObject() && !text.has("format")) {
      return required("text.format");
    }
    JsonNode tools = body.path("tools");
    for (int i = 0; i < tools.size(); i++) {
      String type = tools.get(i).path("type").asText("");
      String param = "tools." + i + ".type";
      if (!type.equals("function") && !type.equals("mcp")) {
        return legacy
            ? SimulatorFailure.openAi(400, "Invalid discriminator value. Expected 'function' | 'mcp'", param,
                "invalid_union_discriminator")
            : SimulatorFailure.openAi(400, "Invalid", param, "invalid_string");
      }
      if (type.equals("function") && !tools.get(i).path("name").isTextual()) {
        return required("tools." + i + ".name");
      }
    }
    return null;
  }

  private void serve(Exchange exchange, ScriptSnapshot script, SimulatedInstance instance) {
    JsonNode body = exchange.body;
    if (!resolver.modelOf(instance).vision() && hasImage(body.path("input"))) {
      exchange.fail(SimulatorFailure.imagesNotSupported(instance.id()));
      return;
    }
    AnswerPlan plan = AnswerPlan.chat(script, body.path("max_output_tokens").asInt(-1));
    int promptTokens = PromptTokens.responses(body);
    IntFunction<Usage> usage = emitted -> Usage.of(script, promptTokens, emitted, plan.reasoningTokens());
    ResponsesWire wire = new ResponsesWire(Ids.response(), exchange.createdSeconds, instance.id(), body);
    boolean cut = plan.finishReason().equals("length");
    boolean stream = body.path("stream").asBoolean(false);
    Generation.Sink sink = stream
        ? new ResponsesSinks.Sse(exchange, wire, usage, cut, !script.omitDone())
        : new ResponsesSinks.Body(exchange, wire, usage, cut);
    new Generation(env.vertx(), exchange, script, plan, sink, stream).start();
  }

  private static boolean hasImage(JsonNode input) {
    for (JsonNode item : input) {
      for (JsonNode part : item.path("content")) {
        if ("input_image".equals(part.path("type").asText())) {
          return true;
        }
      }
    }
    return false;
  }

  private static SimulatorFailure required(String param) {
    return SimulatorFailure.openAi(400, "Required", param, "missing_required_parameter");
  }
}
