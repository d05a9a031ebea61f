package io.github.ollamalmstudioproxy.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.function.IntFunction;

/**
 * {@code POST /v1/messages}: Anthropic Messages, as LM Studio 0.4.1+ serves it for Claude Code (reference §2.5).
 *
 * <p>Same order as chat, after the scripted failure {@link SimulatorRouter} takes: request validation, model
 * resolution (possibly waiting for a JIT load), image support, then generation. This route's own errors are in
 * Anthropic's shape; the wording of the validation messages is Anthropic's, since no LM Studio capture shows its own
 * (assumed). Scripted failures are sent exactly as given, whatever the route.
 */
final class MessagesHandler {
  private final SimEnv env;
  private final ModelResolver resolver;

  MessagesHandler(SimEnv env, ModelResolver resolver) {
    this.env = env;
    this.resolver = resolver;
  }

  void handle(Exchange exchange, ScriptSnapshot script) {
    SimulatorFailure failure = check(exchange.body);
    if (failure != null) {
      exchange.fail(failure);
      return;
    }
    InstanceFor.completion(env, resolver, exchange, script, MessagesWire::asAnthropic,
        instance -> serve(exchange, script, instance));
  }

  /** The first field Anthropic would reject, or null: {@code messages} and {@code max_tokens} are required. */
  static SimulatorFailure check(JsonNode body) {
    JsonNode messages = body.get("messages");
    if (messages == null || messages.isNull()) {
      return invalid("messages: Field required");
    }
    if (!messages.isArray()) {
      return invalid("messages: Input should be a valid list");
    }
    JsonNode maxTokens = body.get("max_tokens");
    if (maxTokens == null || maxTokens.isNull()) {
      return invalid("max_tokens: Field required");
    }
    if (!maxTokens.canConvertToInt() || !maxTokens.isIntegralNumber()) {
      return invalid("max_tokens: Input should be a valid integer");
    }
    return null;
  }

  private void serve(Exchange exchange, ScriptSnapshot script, SimulatedInstance instance) {
    JsonNode body = exchange.body;
    if (!resolver.modelOf(instance).vision() && hasImage(body)) {
      exchange.fail(MessagesWire.asAnthropic(SimulatorFailure.imagesNotSupported(instance.id())));
      return;
    }
    AnswerPlan plan = AnswerPlan.chat(script, body.path("max_tokens").asInt(-1));
    int promptTokens = PromptTokens.messages(body);
    IntFunction<Usage> usage = emitted -> Usage.of(script, promptTokens, emitted, plan.reasoningTokens());
    MessagesWire wire = new MessagesWire(Ids.anthropicMessage(), instance.id());
    String stopReason = MessagesWire.stopReason(plan.finishReason());
    boolean stream = body.path("stream").asBoolean(false);
    Generation.Sink sink = stream
        ? new MessagesSinks.Sse(exchange, wire, usage, stopReason, !script.omitDone())
        : new MessagesSinks.Body(exchange, wire, usage, stopReason);
    new Generation(env.vertx(), exchange, script, plan, sink, stream).start();
  }

  private static boolean hasImage(JsonNode body) {
    for (JsonNode message : body.path("messages")) {
      for (JsonNode block : message.path("content")) {
        if ("image".equals(block.path("type").asText())) {
          return true;
        }
      }
    }
    return false;
  }

  private static SimulatorFailure invalid(String message) {
    return SimulatorFailure.anthropic(400, "invalid_request_error", message);
  }
}
