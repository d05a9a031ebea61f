package io.github.ollamalmstudioproxy.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.function.IntFunction;

/**
 * {@code POST /v1/chat/completions} and {@code /api/v0/chat/completions}.
 *
 * <p>Order of checks, after the scripted failure {@link SimulatorRouter} takes: request validation, model resolution
 * (possibly waiting for a JIT load), image support, the prompt against the instance's context, then generation. Validation errors answer with a plain JSON
 * status even when {@code stream:true}, as LM Studio does (live probe).
 */
final class ChatCompletionHandler {
  private final SimEnv env;
  private final ModelResolver resolver;
  private final boolean v0;

  ChatCompletionHandler(SimEnv env, ModelResolver resolver, boolean v0) {
    this.env = env;
    this.resolver = resolver;
    this.v0 = v0;
  }

  void handle(Exchange exchange, ScriptSnapshot script) {
    SimulatorFailure failure = ChatRequestChecks.chat(exchange.body);
    if (failure != null) {
      exchange.fail(failure);
      return;
    }
    InstanceFor.completion(env, resolver, exchange, script, instance -> serve(exchange, script, instance));
  }

  private void serve(Exchange exchange, ScriptSnapshot script, SimulatedInstance instance) {
    JsonNode body = exchange.body;
    SimulatorModel model = resolver.modelOf(instance);
    SimulatorFailure imageFailure = ChatRequestChecks.images(body, model, instance.id());
    if (imageFailure == null) {
      imageFailure = ChatRequestChecks.template(body, model);
    }
    if (imageFailure != null) {
      exchange.fail(imageFailure);
      return;
    }
    int promptTokens = PromptTokens.chat(body);
    SimulatorFailure overflow = ContextWindow.overflow(promptTokens, instance, env.options().legacy());
    if (overflow != null) {
      exchange.fail(overflow);
      return;
    }
    AnswerPlan plan = AnswerPlan.chat(script, body.path("max_tokens").asInt(-1));
    IntFunction<Usage> usage = emitted -> Usage.of(script, promptTokens, emitted, plan.reasoningTokens());
    ChatWire wire = new ChatWire(Ids.chatCompletion(), exchange.createdSeconds, instance.id(),
        env.options().legacy(), script.reasoningField());
    boolean stream = body.path("stream").asBoolean(false);
    SimLogprobs logprobs = SimLogprobs.forRequest(script, body);
    Generation.Sink sink;
    if (stream) {
      boolean includeUsage = body.path("stream_options").path("include_usage").asBoolean(false)
          && !script.omitUsage();
      sink = new ChatSinks.Sse(exchange, wire, includeUsage, usage, plan.finishReason(), !script.omitDone(), logprobs);
    } else {
      ChatSinks.Body.V0Stats stats = !v0 ? null
          : (reason, tokens, ttft, generation) -> V0Extras.of(model, instance, reason, tokens, ttft, generation);
      sink = new ChatSinks.Body(exchange, wire, usage, plan.finishReason(), stats, logprobs);
    }
    new Generation(env.vertx(), exchange, script, plan, sink, stream).start();
  }
}
