package io.github.ollamalmstudioproxy.simulator;

import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;

/**
 * Emits one answer piece by piece on Vert.x timers: prefill silence, then one piece per token interval.
 *
 * <p>It stops at once when the client leaves (the pending timer is cancelled), pauses while the response's write queue
 * is full and resumes on drain (so a slow reader never makes the simulator buffer without bound), and plays the
 * scripted faults. LM Studio itself finishes prompt processing before it notices a hang-up; the simulator stops
 * immediately so tests see no bytes after the close.
 */
final class Generation {
  private final Vertx vertx;
  private final Exchange exchange;
  private final ScriptSnapshot script;
  private final List<AnswerPlan.Piece> pieces;
  private final Sink sink;
  private final boolean streaming;
  private static final String DRIP_EVENT = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"";
  private static final String DRIP_BODY = "{\"id\":\"chatcmpl-drip\",\"object\":\"chat.completion\",\"x\":\"";
  private int next;
  private long timerId = -1;
  private boolean opened;
  private boolean stopped;
  private boolean stalled;

  Generation(Vertx vertx, Exchange exchange, ScriptSnapshot script, AnswerPlan plan, Sink sink,
      boolean streaming) {
    this.vertx = vertx;
    this.exchange = exchange;
    this.script = script;
    this.pieces = plan.pieces();
    this.sink = sink;
    this.streaming = streaming;
  }

  void start() {
    exchange.onClientGone(this::stop);
    if (streaming && script.headersDuringPrefill()) {
      open();
    }
    schedule(script.prefillDelay(), () -> {
      open();
      sink.begin();
      schedule(script.tokenInterval(), this::step);
    });
  }

  private void open() {
    if (!opened) {
      opened = true;
      sink.open();
    }
  }

  private void step() {
    if (stopped) {
      return;
    }
    if (next == script.abruptCloseAfter()) {
      stopped = true;
      exchange.closeConnection();
      return;
    }
    if (next == script.midStreamErrorAfter()) {
      stopped = true;
      sink.error(script.midStreamErrorMessage(), script.midStreamErrorEventLine());
      return;
    }
    if (next == script.dripAfter()) {
      drip(0);
      return;
    }
    if (next == script.stallAfter() && !stalled) {
      stalled = true;
      schedule(script.stall(), this::step);
      return;
    }
    if (next == pieces.size()) {
      stopped = true;
      sink.finish(next);
      return;
    }
    if (exchange.response.writeQueueFull()) {
      exchange.response.drainHandler(v -> {
        exchange.response.drainHandler(null);
        step();
      });
      return;
    }
    sink.piece(pieces.get(next++));
    exchange.record.tokenEmitted();
    schedule(script.tokenInterval(), this::step);
  }

  /** The scripted drip: byte {@code i} of a start that never ends, one per interval until the client leaves. */
  private void drip(int i) {
    if (exchange.clientGone() || exchange.response.ended()) {
      return;
    }
    String start = streaming ? DRIP_EVENT : DRIP_BODY;
    if (i == 0 && !streaming) {
      exchange.response.setStatusCode(200).setChunked(true).putHeader("Content-Type", "application/json");
    }
    exchange.response.write(i < start.length() ? start.substring(i, i + 1) : "a");
    schedule(script.dripInterval(), () -> drip(i + 1));
  }

  private void stop() {
    stopped = true;
    if (timerId >= 0) {
      vertx.cancelTimer(timerId);
      timerId = -1;
    }
  }

  private void schedule(Duration delay, Runnable action) {
    if (stopped) {
      return;
    }
    long millis = delay.toMillis();
    if (delay.isZero()) {
      exchange.context.runOnContext(v -> {
        if (!stopped) {
          action.run();
        }
      });
    } else {
      timerId = vertx.setTimer(Math.max(1, millis), id -> {
        timerId = -1;
        if (!stopped) {
          action.run();
        }
      });
    }
  }

  /** Where a generation sends its events: an SSE writer or a collector that answers with one JSON body. */
  interface Sink {
    /** Prefill is over (or headers go out early): a stream sends its 200 and SSE headers now. Called at most once. */
    void open();

    /**
     * Prefill is over; called once, right after {@link #open()} and before any piece. Streams that open with a
     * preamble ({@code message_start}, {@code response.created}) send it here, so it never goes out during prefill.
     */
    default void begin() {}

    void piece(AnswerPlan.Piece piece);

    /** All pieces sent: the closing events of the stream, or the whole JSON body. */
    void finish(int emitted);

    /** The scripted mid-stream error. */
    void error(String message, boolean eventLine);
  }
}
