package io.github.ollamalmstudioproxy.simulator;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * {@code POST /v1/completions} and {@code /api/v0/completions}: legacy text completion, no chat template.
 *
 * <p>Text travels in {@code choices[].text}. Unlike chat, the final streamed chunk always carries {@code usage}
 * inline, with or without {@code include_usage} (live probe, reference §2.3).
 */
final class CompletionHandler {
  private final SimEnv env;
  private final ModelResolver resolver;
  private final boolean v0;

  CompletionHandler(SimEnv env, ModelResolver resolver, boolean v0) {
    this.env = env;
    this.resolver = resolver;
    this.v0 = v0;
  }

  void handle(Exchange exchange, ScriptSnapshot script) {
    InstanceFor.completion(env, resolver, exchange, script, instance -> serve(exchange, script, instance));
  }

  private void serve(Exchange exchange, ScriptSnapshot script, SimulatedInstance instance) {
    int promptTokens = PromptTokens.text(exchange.body.get("prompt"));
    SimulatorFailure overflow = ContextWindow.overflow(promptTokens, instance, env.options().legacy());
    if (overflow != null) {
      exchange.fail(overflow);
      return;
    }
    AnswerPlan plan = AnswerPlan.text(script, exchange.body.path("max_tokens").asInt(-1));
    boolean stream = exchange.body.path("stream").asBoolean(false);
    Sink sink = new Sink(exchange, instance, plan.finishReason(), stream, promptTokens, script);
    new Generation(env.vertx(), exchange, script, plan, sink, stream).start();
  }

  private final class Sink implements Generation.Sink {
    private final Exchange exchange;
    private final SimulatedInstance instance;
    private final String finishReason;
    private final boolean stream;
    private final int promptTokens;
    private final ScriptSnapshot script;
    private final SseWriter writer;
    private final String id = Ids.textCompletion();
    private final StringBuilder text = new StringBuilder();
    private final long startNanos = System.nanoTime();

    Sink(Exchange exchange, SimulatedInstance instance, String finishReason, boolean stream, int promptTokens,
        ScriptSnapshot script) {
      this.exchange = exchange;
      this.instance = instance;
      this.finishReason = finishReason;
      this.stream = stream;
      this.promptTokens = promptTokens;
      this.script = script;
      this.writer = new SseWriter(exchange);
    }

    @Override
    public void open() {
      if (stream) {
        writer.open();
      }
    }

    @Override
    public void piece(AnswerPlan.Piece piece) {
      if (stream) {
        writer.data(body(piece.text(), null));
      } else {
        text.append(piece.text());
      }
    }

    @Override
    public void finish(int emitted) {
      Usage usage = Usage.of(script, promptTokens, emitted, 0);
      ObjectNode last = body(stream ? "" : text.toString(), finishReason);
      last.set("usage", usage.toJson(false));
      if (stream) {
        writer.data(last);
        writer.doneAndEnd();
        return;
      }
      if (v0) {
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        V0Extras.of(resolver.modelOf(instance), instance, finishReason, usage.completion(), 0, seconds).addTo(last);
      }
      exchange.sendJson(200, last);
    }

    @Override
    public void error(String message, boolean eventLine) {
      if (stream) {
        writer.errorAndEnd(message, eventLine);
      } else {
        ObjectNode root = SimJson.object();
        root.putObject("error").put("message", message);
        exchange.sendJson(400, root);
      }
    }

    private ObjectNode body(String piece, String finish) {
      ObjectNode node = SimJson.object();
      node.put("id", id);
      node.put("object", "text_completion");
      node.put("created", exchange.createdSeconds);
      node.put("model", instance.id());
      ObjectNode choice = node.putArray("choices").addObject();
      choice.put("index", 0);
      choice.put("text", piece);
      choice.putNull("logprobs");
      choice.put("finish_reason", finish);
      return node;
    }
  }
}
