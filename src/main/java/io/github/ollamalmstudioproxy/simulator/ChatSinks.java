package io.github.ollamalmstudioproxy.simulator;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.IntFunction;

/** The two ways a chat answer leaves the simulator: as SSE chunks, or collected into one JSON body. */
final class ChatSinks {
  private ChatSinks() {}

  /** Streams chunks; the finish chunk has {@code "delta":{}}; the usage chunk only with {@code include_usage}. */
  static final class Sse implements Generation.Sink {
    private final SseWriter writer;
    private final ChatWire wire;
    private final boolean includeUsage;
    private final IntFunction<Usage> usage;
    private final String finishReason;
    private final boolean sendDone;
    private final SimLogprobs logprobs;
    private boolean first = true;

    /** @param logprobs null unless the answer carries log probabilities */
    Sse(Exchange exchange, ChatWire wire, boolean includeUsage, IntFunction<Usage> usage, String finishReason,
        boolean sendDone, SimLogprobs logprobs) {
      this.writer = new SseWriter(exchange);
      this.wire = wire;
      this.includeUsage = includeUsage;
      this.usage = usage;
      this.finishReason = finishReason;
      this.sendDone = sendDone;
      this.logprobs = logprobs;
    }

    @Override
    public void open() {
      writer.open();
    }

    @Override
    public void piece(AnswerPlan.Piece piece) {
      ObjectNode tokenLogprobs = logprobs != null && piece.kind() == AnswerPlan.Kind.CONTENT
          ? SimLogprobs.chunk(logprobs.next(piece.text())) : null;
      writer.data(wire.chunk(wire.delta(piece, first), tokenLogprobs, null));
      first = false;
    }

    @Override
    public void finish(int emitted) {
      writer.data(wire.chunk(SimJson.object(), finishReason));
      if (includeUsage) {
        writer.data(wire.usageChunk(usage.apply(emitted)));
      }
      if (sendDone) {
        writer.doneAndEnd();
      } else {
        writer.end();
      }
    }

    @Override
    public void error(String message, boolean eventLine) {
      writer.errorAndEnd(message, eventLine);
    }
  }

  /** Collects pieces and answers once with the non-streaming body ({@code /api/v0} adds measured stats). */
  static final class Body implements Generation.Sink {
    private final Exchange exchange;
    private final ChatWire wire;
    private final IntFunction<Usage> usage;
    private final String finishReason;
    private final V0Stats v0;
    private final SimLogprobs logprobs;
    private final ArrayNode tokenLogprobs = SimJson.array();
    private final StringBuilder content = new StringBuilder();
    private final StringBuilder reasoning = new StringBuilder();
    private final Map<Integer, String[]> calls = new LinkedHashMap<>();
    private long firstPieceNanos;

    /** Builds {@code /api/v0} extras from the measured times, or null on {@code /v1}. */
    interface V0Stats {
      V0Extras build(String finishReason, int completionTokens, double ttftSeconds, double generationSeconds);
    }

    /** @param logprobs null unless the answer carries log probabilities */
    Body(Exchange exchange, ChatWire wire, IntFunction<Usage> usage, String finishReason, V0Stats v0,
        SimLogprobs logprobs) {
      this.exchange = exchange;
      this.wire = wire;
      this.usage = usage;
      this.finishReason = finishReason;
      this.v0 = v0;
      this.logprobs = logprobs;
    }

    @Override
    public void open() {}

    @Override
    public void piece(AnswerPlan.Piece piece) {
      if (firstPieceNanos == 0) {
        firstPieceNanos = System.nanoTime();
      }
      switch (piece.kind()) {
        case REASONING -> reasoning.append(piece.text());
        case CONTENT -> {
          content.append(piece.text());
          if (logprobs != null) {
            tokenLogprobs.add(logprobs.next(piece.text()));
          }
        }
        case TOOL_START -> calls.put(piece.toolIndex(), new String[] {piece.toolId(), piece.toolName(), ""});
        case TOOL_ARGUMENTS -> calls.get(piece.toolIndex())[2] += piece.text();
      }
    }

    @Override
    public void finish(int emitted) {
      Usage counts = usage.apply(emitted);
      V0Extras extras = null;
      if (v0 != null) {
        long now = System.nanoTime();
        long first = firstPieceNanos == 0 ? now : firstPieceNanos;
        extras = v0.build(finishReason, counts.completion(), (first - exchange.record.receivedNanos()) / 1e9,
            (now - first) / 1e9);
      }
      ObjectNode body = wire.completion(content.toString(), reasoning.toString(), calls, finishReason, counts, extras,
          logprobs != null ? tokenLogprobs : null);
      exchange.sendJson(200, body);
    }

    @Override
    public void error(String message, boolean eventLine) {
      ObjectNode root = SimJson.object();
      root.putObject("error").put("message", message);
      exchange.sendJson(400, root);
    }
  }
}
