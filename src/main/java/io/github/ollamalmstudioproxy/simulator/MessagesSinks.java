package io.github.ollamalmstudioproxy.simulator;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * The two ways a {@code /v1/messages} answer leaves the simulator: Anthropic stream events, or one message.
 *
 * <p>Each part of the answer is one content block, in plan order: thinking, text, then one {@code tool_use} block
 * per call, whose argument fragments stream as {@code input_json_delta}.
 */
final class MessagesSinks {
  private MessagesSinks() {}

  /**
   * Streams {@code message_start}, per block {@code content_block_start}, deltas and {@code content_block_stop}, then
   * {@code message_delta} and {@code message_stop}. Without {@code message_stop} ({@code omitDone}) the stream still
   * ends cleanly; a mid-stream error is Anthropic's {@code error} event.
   */
  static final class Sse implements Generation.Sink {
    private final SseWriter writer;
    private final MessagesWire wire;
    private final IntFunction<Usage> usage;
    private final String stopReason;
    private final boolean sendStop;
    private AnswerPlan.Piece previous;
    private int index = -1;

    Sse(Exchange exchange, MessagesWire wire, IntFunction<Usage> usage, String stopReason, boolean sendStop) {
      this.writer = new SseWriter(exchange);
      this.wire = wire;
      this.usage = usage;
      this.stopReason = stopReason;
      this.sendStop = sendStop;
    }

    @Override
    public void open() {
      writer.open();
    }

    @Override
    public void begin() {
      writer.event("message_start", wire.messageStart(usage.apply(0).prompt()));
    }

    @Override
    public void piece(AnswerPlan.Piece piece) {
      if (AnswerPlan.startsPart(previous, piece)) {
        closeBlock();
        index++;
        writer.event("content_block_start", MessagesWire.blockStart(index, piece));
      }
      previous = piece;
      if (piece.kind() != AnswerPlan.Kind.TOOL_START) {
        writer.event("content_block_delta", MessagesWire.blockDelta(index, piece));
      }
    }

    @Override
    public void finish(int emitted) {
      closeBlock();
      writer.event("message_delta", MessagesWire.messageDelta(stopReason, usage.apply(emitted).completion()));
      if (sendStop) {
        writer.event("message_stop", MessagesWire.messageStop());
      }
      writer.end();
    }

    /** Anthropic's mid-stream form; the event line is always there, since every event of this stream is named. */
    @Override
    public void error(String message, boolean eventLine) {
      writer.event("error", MessagesWire.error("api_error", message));
      writer.end();
    }

    private void closeBlock() {
      if (previous != null) {
        writer.event("content_block_stop", MessagesWire.blockStop(index));
      }
    }
  }

  /** Collects the blocks and answers once with the message; a mid-stream error becomes a 400 in Anthropic's shape. */
  static final class Body implements Generation.Sink {
    private final Exchange exchange;
    private final MessagesWire wire;
    private final IntFunction<Usage> usage;
    private final String stopReason;
    private final List<Block> blocks = new ArrayList<>();
    private AnswerPlan.Piece previous;

    /** One block being collected: its opening piece and its text (for a tool call, the arguments). */
    private record Block(AnswerPlan.Piece first, StringBuilder text) {}

    Body(Exchange exchange, MessagesWire wire, IntFunction<Usage> usage, String stopReason) {
      this.exchange = exchange;
      this.wire = wire;
      this.usage = usage;
      this.stopReason = stopReason;
    }

    @Override
    public void open() {}

    @Override
    public void piece(AnswerPlan.Piece piece) {
      if (AnswerPlan.startsPart(previous, piece)) {
        blocks.add(new Block(piece, new StringBuilder()));
      }
      previous = piece;
      blocks.get(blocks.size() - 1).text().append(piece.text());
    }

    @Override
    public void finish(int emitted) {
      ArrayNode content = SimJson.array();
      for (Block block : blocks) {
        String text = block.text().toString();
        content.add(switch (block.first().kind()) {
          case REASONING -> MessagesWire.thinking(text);
          case CONTENT -> MessagesWire.text(text);
          case TOOL_START, TOOL_ARGUMENTS ->
              MessagesWire.toolUse(block.first().toolId(), block.first().toolName(), MessagesWire.input(text));
        });
      }
      ObjectNode message = wire.message(content, stopReason, usage.apply(emitted));
      exchange.sendJson(200, message);
    }

    @Override
    public void error(String message, boolean eventLine) {
      exchange.sendJson(400, MessagesWire.error("invalid_request_error", message));
    }
  }
}
