package io.github.ollamalmstudioproxy.simulator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * The two ways a {@code /v1/responses} answer leaves the simulator: Responses stream events, or one Response object.
 *
 * <p>Each part of the answer is one output item, in plan order: a reasoning item, a message, then one
 * {@code function_call} item per call. A cut answer ({@code max_output_tokens}) leaves its last item and the Response
 * {@code incomplete}, as OpenAI reports it.
 */
final class ResponsesSinks {
  private ResponsesSinks() {}

  /** The items of one answer, opened as {@link AnswerPlan#startsPart} says and closed in turn. */
  private static final class Output {
    final List<ResponsesWire.Item> items = new ArrayList<>();
    private AnswerPlan.Piece previous;

    /** Adds the piece's text to its item; returns the item when this piece opened it, else null. */
    ResponsesWire.Item take(AnswerPlan.Piece piece) {
      ResponsesWire.Item opened = null;
      if (AnswerPlan.startsPart(previous, piece)) {
        opened = new ResponsesWire.Item(piece);
        items.add(opened);
      }
      previous = piece;
      current().text.append(piece.text());
      return opened;
    }

    ResponsesWire.Item current() {
      return items.isEmpty() ? null : items.get(items.size() - 1);
    }

    int index() {
      return items.size() - 1;
    }
  }

  /**
   * Streams {@code response.created} and {@code response.in_progress}, each item's events, then
   * {@code response.completed} (or {@code response.incomplete}) with usage. Without that last event
   * ({@code omitDone}) the stream still ends cleanly; a mid-stream error is {@code response.failed}.
   */
  static final class Sse implements Generation.Sink {
    private final SseWriter writer;
    private final ResponsesWire wire;
    private final IntFunction<Usage> usage;
    private final boolean cut;
    private final boolean sendTerminal;
    private final Output output = new Output();
    private int seq;

    Sse(Exchange exchange, ResponsesWire wire, IntFunction<Usage> usage, boolean cut, boolean sendTerminal) {
      this.writer = new SseWriter(exchange);
      this.wire = wire;
      this.usage = usage;
      this.cut = cut;
      this.sendTerminal = sendTerminal;
    }

    @Override
    public void open() {
      writer.open();
    }

    @Override
    public void begin() {
      lifecycle("response.created", "in_progress", null, null);
      lifecycle("response.in_progress", "in_progress", null, null);
    }

    @Override
    public void piece(AnswerPlan.Piece piece) {
      ResponsesWire.Item before = output.current();
      ResponsesWire.Item opened = output.take(piece);
      if (opened != null) {
        if (before != null) {
          close(before, output.index() - 1, "completed");
        }
        emit(ResponsesWire.itemEvent("response.output_item.added", seq++, output.index(), opened));
        if (!opened.isCall()) {
          emit(ResponsesWire.contentPart("response.content_part.added", seq++, output.index(), opened));
        }
      }
      ResponsesWire.Item item = output.current();
      if (!item.isCall()) {
        emit(ResponsesWire.textDelta(seq++, output.index(), item, piece.text()));
      } else if (piece.kind() == AnswerPlan.Kind.TOOL_ARGUMENTS) {
        emit(ResponsesWire.argumentsDelta(seq++, output.index(), item, piece.text()));
      }
    }

    @Override
    public void finish(int emitted) {
      if (output.current() != null) {
        close(output.current(), output.index(), cut ? "incomplete" : "completed");
      }
      if (sendTerminal) {
        String status = cut ? "incomplete" : "completed";
        lifecycle("response." + status, status, usage.apply(emitted), null);
      }
      writer.end();
    }

    /** {@code response.failed} with the items so far and the message; the event line is always there. */
    @Override
    public void error(String message, boolean eventLine) {
      lifecycle("response.failed", "failed", null, message);
      writer.end();
    }

    private void close(ResponsesWire.Item item, int index, String status) {
      if (item.isCall()) {
        emit(ResponsesWire.argumentsDone(seq++, index, item));
        item.status = status;
      } else {
        emit(ResponsesWire.textDone(seq++, index, item));
        item.status = status;
        emit(ResponsesWire.contentPart("response.content_part.done", seq++, index, item));
      }
      emit(ResponsesWire.itemEvent("response.output_item.done", seq++, index, item));
    }

    private void lifecycle(String type, String status, Usage counts, String errorMessage) {
      emit(ResponsesWire.lifecycle(type, seq++, wire.response(status, output.items, counts, errorMessage)));
    }

    private void emit(ObjectNode event) {
      writer.event(event.get("type").asText(), event);
    }
  }

  /** Collects the items and answers once with the Response; a mid-stream error becomes a 400 error object. */
  static final class Body implements Generation.Sink {
    private final Exchange exchange;
    private final ResponsesWire wire;
    private final IntFunction<Usage> usage;
    private final boolean cut;
    private final Output output = new Output();

    Body(Exchange exchange, ResponsesWire wire, IntFunction<Usage> usage, boolean cut) {
      this.exchange = exchange;
      this.wire = wire;
      this.usage = usage;
      this.cut = cut;
    }

    @Override
    public void open() {}

    @Override
    public void piece(AnswerPlan.Piece piece) {
      output.take(piece);
    }

    @Override
    public void finish(int emitted) {
      output.items.forEach(item -> item.status = "completed");
      if (cut && output.current() != null) {
        output.current().status = "incomplete";
      }
      String status = cut ? "incomplete" : "completed";
      exchange.sendJson(200, wire.response(status, output.items, usage.apply(emitted), null));
    }

    @Override
    public void error(String message, boolean eventLine) {
      ObjectNode root = SimJson.object();
      root.putObject("error").put("message", message);
      exchange.sendJson(400, root);
    }
  }
}
