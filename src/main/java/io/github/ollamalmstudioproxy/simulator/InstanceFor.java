package io.github.ollamalmstudioproxy.simulator;

import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * Finds the instance an inference request runs on, as LM Studio does: an exact instance, a loaded model, a
 * just-in-time load the request waits for, or the request's failure. Shared by the chat, text completion, Responses
 * and Messages routes.
 */
final class InstanceFor {
  private InstanceFor() {}

  static void completion(SimEnv env, ModelResolver resolver, Exchange exchange, ScriptSnapshot script,
      Consumer<SimulatedInstance> serve) {
    completion(env, resolver, exchange, script, UnaryOperator.identity(), serve);
  }

  /** As above, with every resolution or load failure put into the route's error shape by {@code shape}. */
  static void completion(SimEnv env, ModelResolver resolver, Exchange exchange, ScriptSnapshot script,
      UnaryOperator<SimulatorFailure> shape, Consumer<SimulatedInstance> serve) {
    ModelResolver.Decision decision =
        resolver.forCompletion(SimJson.text(exchange.body, "model"), script.requireLoadBeforeInference());
    if (decision instanceof ModelResolver.Fail fail) {
      exchange.fail(shape.apply(fail.failure()));
    } else if (decision instanceof ModelResolver.Use use) {
      serve.accept(use.instance());
    } else if (decision instanceof ModelResolver.Load load) {
      exchange.resume(env.loader().jitLoad(load.model(), script.loadDelay()), loaded -> {
        if (loaded.succeeded()) {
          serve.accept(loaded.result());
        } else {
          exchange.fail(shape.apply(
              SimulatorFailure.loadFailed(load.model().key(), String.valueOf(loaded.cause()))));
        }
      });
    }
  }
}
