package io.github.ollamalmstudioproxy.backend;

import static java.util.Objects.requireNonNull;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.streams.WriteStream;

/**
 * Moves one backend response body towards the client as it arrives; written once for every route that streams
 * (the passthrough and the translated streams), the way vertx-http-proxy writes its body copy once.
 *
 * <ul>
 *   <li>Idle watch: a gap between two steps of progress longer than {@code --idle-timeout} breaks the body off.
 *       Progress is every chunk ({@link Progress#CHUNKS}), or for event streams only what the sink reports through
 *       {@link #progressed} ({@link Progress#REPORTED}: a complete event), so a backend that drips bytes without
 *       ever finishing an event is as silent as one that sends nothing.
 *   <li>Back-pressure: while the client's write queue is full the backend response is paused, so nothing piles up.
 *   <li>Finish once: the sink hears exactly one of {@link Sink#end} and {@link Sink#broken}, or nothing after
 *       {@link #finish} or a client hang-up, and no chunk after any of them.
 *   <li>Reset on failure: a broken body resets the backend request (never drains it); so does {@link #finish} with
 *       {@code reset}.
 * </ul>
 *
 * <p>Runs on the response's event loop, so no locking is needed.
 */
public final class BodyPump {
  /** Where the body goes; never called after the pump finished. */
  public interface Sink {
    /** One chunk, in order. */
    void chunk(Buffer chunk);

    /** The body ended normally. */
    void end();

    /**
     * The body broke off (the connection failed, or went silent past the idle timeout: a
     * {@link java.util.concurrent.TimeoutException}). The backend request has been reset.
     */
    void broken(Throwable cause);
  }

  /** What the idle watch counts as progress. */
  public enum Progress {
    /** Every chunk of the body: for bodies that are not event streams. */
    CHUNKS,
    /** Only the sink's {@link BodyPump#progressed} calls, made when a chunk completed an event. */
    REPORTED
  }

  /** Pumping to the sink; draining the rest unseen after {@link #finish}(false); finished. */
  private enum State { PUMPING, DRAINING, FINISHED }

  private final HttpClientRequest request;
  private final HttpClientResponse response;
  private final WriteStream<Buffer> client;
  private final Sink sink;
  private final CancelSignal cancel;
  private final IdleWatchFactory watches;
  private final Progress progress;
  private IdleWatch watch;
  private State state = State.PUMPING;

  private BodyPump(HttpClientRequest request, HttpClientResponse response, WriteStream<Buffer> client, Sink sink,
      CancelSignal cancel, IdleWatchFactory watches, Progress progress) {
    this.progress = requireNonNull(progress, "progress");
    this.request = requireNonNull(request, "request");
    this.response = requireNonNull(response, "response");
    this.client = requireNonNull(client, "client");
    this.sink = requireNonNull(sink, "sink");
    this.cancel = requireNonNull(cancel, "cancel");
    this.watches = watches;
  }

  /** Makes the idle watch; the backend client owns the timeout. */
  @FunctionalInterface
  interface IdleWatchFactory {
    IdleWatch watch(Runnable onIdle);
  }

  /**
   * A pump for a response that is still paused; {@link #start} lets the body flow. A client hang-up ({@code cancel})
   * stops the pump quietly: the request's owner resets the backend request then.
   */
  static BodyPump create(HttpClientRequest request, HttpClientResponse response, WriteStream<Buffer> client,
      CancelSignal cancel, Sink sink, IdleWatchFactory watches, Progress progress) {
    BodyPump pump = new BodyPump(request, response, client, sink, cancel, watches, progress);
    cancel.onCancel(pump::stop);
    return pump;
  }

  /** Lets the body flow into the sink. */
  public void start() {
    if (state == State.FINISHED) {
      return;
    }
    watch = watches.watch(() -> broken(null));
    response.handler(chunk -> {
      if (progress == Progress.CHUNKS) {
        watch.touch();
      }
      if (state != State.PUMPING) {
        return;
      }
      sink.chunk(chunk);
      if (state == State.PUMPING && client.writeQueueFull()) {
        // The client is slow, not the backend: the idle watch waits while the backend is held back.
        response.pause();
        watch.hold();
        client.drainHandler(v -> {
          if (state == State.PUMPING) {
            watch.release();
            response.resume();
          }
        });
      }
    });
    response.endHandler(v -> {
      State was = state;
      stop();
      if (was == State.PUMPING) {
        sink.end();
      }
    });
    response.exceptionHandler(this::broken);
    response.resume();
  }

  /**
   * The sink made progress: the chunk it is handling completed an event ({@link Progress#REPORTED}; with
   * {@link Progress#CHUNKS} every chunk counts already). Does nothing once the pump is done with the sink.
   */
  public void progressed() {
    if (state == State.PUMPING && watch != null) {
      watch.touch();
    }
  }

  /**
   * Stops early: the client needs nothing more. With {@code reset} the backend request is reset at once (an error
   * was reported, or the stream is cut off); without it the rest of the body is read and dropped, so a backend that
   * is about to end its body anyway (the {@code [DONE]} after a final chunk) keeps its connection for reuse. The sink
   * hears nothing more either way.
   */
  public void finish(boolean reset) {
    if (state == State.FINISHED) {
      return;
    }
    if (reset) {
      stop();
      request.reset();
    } else if (state == State.PUMPING) {
      state = State.DRAINING;
      if (watch != null) {
        watch.release();
      }
      response.resume();
    }
  }

  private void broken(Throwable cause) {
    if (state == State.FINISHED) {
      return;
    }
    if (cancel.cancelled()) {
      // The client's hang-up reset the backend request, which may report that reset before the pump hears of the
      // hang-up itself: nobody is left to tell.
      stop();
      return;
    }
    State was = state;
    stop();
    request.reset();
    if (was == State.PUMPING) {
      sink.broken(cause == null ? watch.timeout() : cause);
    }
  }

  private void stop() {
    if (state != State.FINISHED) {
      state = State.FINISHED;
      if (watch != null) {
        watch.stop();
      }
    }
  }
}
