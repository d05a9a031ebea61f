package io.github.ollamalmstudioproxy.backend;

import static io.github.ollamalmstudioproxy.backend.ScriptedBackend.dropConnection;
import static io.github.ollamalmstudioproxy.backend.ScriptedBackend.end;
import static io.github.ollamalmstudioproxy.backend.ScriptedBackend.pause;
import static io.github.ollamalmstudioproxy.backend.ScriptedBackend.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.ollamalmstudioproxy.backend.ScriptedBackend.Exchange;
import io.github.ollamalmstudioproxy.backend.ScriptedBackend.Step;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.streams.WriteStream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The body pump on real sockets: a {@link ScriptedBackend} on 127.0.0.1 plays the backend, a {@link BackendClient}
 * opens the request, and the pump moves the response body into a recording sink, with a fake client stream for the
 * back-pressure and a cancel signal the test fires. Everything the pump is handed runs on one Vert.x context, as in
 * production. Waits are bounded and generous, and "nothing more happens" is watched for {@link #QUIET}, so a loaded
 * machine makes the tests slower, not red.
 */
class BodyPumpTest {
  private static final Duration BOUND = Duration.ofSeconds(5);
  /** How long "no further sink call" is watched for. */
  private static final Duration QUIET = Duration.ofMillis(500);
  /** The idle timeout where the test is about silence. */
  private static final Duration IDLE = Duration.ofMillis(300);
  /** The idle timeout where silence is not the subject: far longer than any pause in those scripts. */
  private static final Duration NO_IDLE = Duration.ofSeconds(20);
  /** The connect and first-byte timeouts: never the ones that act here. */
  private static final Duration SLOW = Duration.ofSeconds(20);
  private static final String STREAM = "/v1/chat/completions";

  private Vertx vertx;
  private Context context;
  private ScriptedBackend backend;
  private URI base;
  private BackendClient http;
  private volatile BodyPump pump;
  private final RecordingSink sink = new RecordingSink();
  private final FakeClientStream client = new FakeClientStream();
  private final TestCancel cancel = new TestCancel();

  /**
   * A sent request whose response headers arrived; the response is paused, as the streaming post leaves it.
   * {@code bodyRead} is the response's own end (taken before any body flows: Vert.x 5.0 makes that future lazily, and
   * refuses to once the response ended): it succeeds when the whole body was read, fails when it broke or was reset.
   */
  private record Opened(HttpClientRequest request, HttpClientResponse response, Future<Void> bodyRead) {}

  @BeforeEach
  void startBackend() throws Exception {
    vertx = Vertx.vertx();
    context = vertx.getOrCreateContext();
    backend = new ScriptedBackend(vertx);
    base = backend.start();
  }

  @AfterEach
  void stopEverything() throws Exception {
    try {
      if (http != null) {
        http.close().await(5, TimeUnit.SECONDS);
      }
      backend.close();
    } finally {
      vertx.close().await(5, TimeUnit.SECONDS);
    }
    assertThat(sink.calledOffTheLoop).as("the sink was called off the event loop").isFalse();
  }

  @Test
  void chunksArriveInOrderThenExactlyOneEndAndNothingAfter() throws Exception {
    List<Step> steps = new ArrayList<>();
    StringBuilder expected = new StringBuilder();
    for (int i = 0; i < 12; i++) {
      steps.add(write("data: {\"n\":" + i + "}\n\n"));
      expected.append("data: {\"n\":").append(i).append("}\n\n");
      steps.add(pause(15));
    }
    steps.add(end());
    backend.script(STREAM, steps.toArray(Step[]::new));
    Opened opened = open(NO_IDLE);

    startPump(opened);

    await().atMost(BOUND).until(() -> sink.events.contains("end"));
    quiet();
    assertThat(sink.text()).isEqualTo(expected.toString());
    assertThat(sink.events).last().isEqualTo("end");
    assertThat(sink.events).filteredOn("end"::equals).hasSize(1);
    assertThat(sink.events.subList(0, sink.events.size() - 1)).allMatch(e -> e.startsWith("chunk:"));
    assertThat(opened.bodyRead().await(BOUND.toMillis(), TimeUnit.MILLISECONDS)).isNull();
    assertThat(exchange().link.closedByClient()).as("backend reset").isFalse();
  }

  @Test
  void aBackendSilentLongerThanTheIdleTimeoutBreaksTheBodyOnceWithATimeoutThatNamesTheOption() throws Exception {
    backend.script(STREAM, write("first"), pause(1500), write("late"), pause(50), write("later"), end());
    Opened opened = open(IDLE);

    startPump(opened);

    await().atMost(BOUND).until(() -> sink.events.contains("broken"));
    assertThat(sink.events).containsExactly("chunk:first", "broken");
    assertThat(sink.cause).isInstanceOf(TimeoutException.class);
    assertThat(sink.cause.getMessage()).contains("--idle-timeout").contains("300 ms");
    assertThat(sink.brokenAtNanos - sink.lastChunkAtNanos).as("not before the idle timeout")
        .isGreaterThanOrEqualTo(IDLE.toNanos());
    Exchange exchange = exchange();
    await().atMost(BOUND).until(exchange.link::closedByClient);
    assertThat(exchange.link.closedAtNanos.get() - sink.brokenAtNanos).as("reset at the break, not later")
        .isLessThan(Duration.ofMillis(1000).toNanos());

    exchange.scriptDone.get(BOUND.toMillis(), TimeUnit.MILLISECONDS);
    quiet();
    assertThat(sink.events).as("after the backend's late writes").containsExactly("chunk:first", "broken");
    assertThat(exchange.ended).as("the backend could not end its body").isNotCompleted();
    assertThat(opened.bodyRead().failed()).isTrue();
  }

  @Test
  void chunksThatKeepComingWithinTheIdleTimeoutNeverTripItThoughTheBodyLastsLonger() throws Exception {
    Duration idle = Duration.ofMillis(500);
    List<Step> steps = new ArrayList<>();
    StringBuilder expected = new StringBuilder();
    for (int i = 0; i < 12; i++) {
      steps.add(write("<" + i + ">"));
      expected.append('<').append(i).append('>');
      steps.add(pause(100));
    }
    steps.add(end());
    backend.script(STREAM, steps.toArray(Step[]::new));
    Opened opened = open(idle);

    startPump(opened);

    await().atMost(BOUND.multipliedBy(2)).until(() -> sink.events.contains("end") || sink.events.contains("broken"));
    assertThat(sink.events).as("1.2 s of body, a chunk every 100 ms, idle timeout 500 ms").doesNotContain("broken");
    assertThat(sink.text()).isEqualTo(expected.toString());
    assertThat(sink.events).last().isEqualTo("end");
  }

  /**
   * With {@link BodyPump.Progress#REPORTED} only the sink's {@link BodyPump#progressed} calls count: a backend that
   * keeps sending bytes but never completes an event is broken off after the idle timeout all the same.
   */
  @Test
  void reportedProgressBytesWithoutProgressBreakTheBodyOffAfterTheIdleTimeout() throws Exception {
    List<Step> drip = new ArrayList<>();
    drip.add(write("data: {\"n\":0}\n\n"));
    for (int i = 0; i < 30; i++) {
      drip.add(pause(50));
      drip.add(write("x"));
    }
    drip.add(end());
    backend.script(STREAM, drip.toArray(Step[]::new));
    Opened opened = open(IDLE);
    sink.onChunk = text -> {
      if (text.endsWith("\n\n")) {
        pump.progressed();
      }
    };

    startPump(opened, BodyPump.Progress.REPORTED);

    await().atMost(BOUND).until(() -> sink.events.contains("broken"));
    assertThat(sink.events.get(0)).isEqualTo("chunk:data: {\"n\":0}\n\n");
    assertThat(sink.events).as("bytes kept coming, every 50 ms").contains("chunk:x");
    assertThat(sink.cause).isInstanceOf(TimeoutException.class)
        .hasMessage("no complete event from the backend for 300 ms (--idle-timeout)");
    assertThat(sink.brokenAtNanos - sink.firstChunkAtNanos).as("not before the idle timeout after the progress")
        .isGreaterThanOrEqualTo(IDLE.toNanos());
    Exchange exchange = exchange();
    await().atMost(BOUND).until(exchange.link::closedByClient);
  }

  @Test
  void reportedProgressWithinTheIdleTimeoutKeepsALongBodyAlive() throws Exception {
    List<Step> steps = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      steps.add(write("data: {\"n\":" + i + "}\n"));
      steps.add(pause(50));
      steps.add(write("\n"));
      steps.add(pause(50));
    }
    steps.add(end());
    backend.script(STREAM, steps.toArray(Step[]::new));
    Opened opened = open(IDLE);
    sink.onChunk = text -> {
      if (text.equals("\n")) {
        pump.progressed();
      }
    };

    startPump(opened, BodyPump.Progress.REPORTED);

    await().atMost(BOUND.multipliedBy(2)).until(() -> sink.events.contains("end") || sink.events.contains("broken"));
    assertThat(sink.events).as("1.2 s of body, an event every 100 ms, idle timeout 300 ms").doesNotContain("broken");
    assertThat(sink.events).last().isEqualTo("end");
  }

  @Test
  void aConnectionThatBreaksMidBodyBreaksTheBodyOnceWithoutAnEnd() throws Exception {
    backend.script(STREAM, write("a"), pause(100), write("b"), pause(100), dropConnection());
    Opened opened = open(NO_IDLE);

    startPump(opened);

    await().atMost(BOUND).until(() -> sink.events.contains("broken"));
    quiet();
    assertThat(sink.text()).isEqualTo("ab");
    assertThat(sink.events).last().isEqualTo("broken");
    assertThat(sink.events).filteredOn("broken"::equals).hasSize(1);
    assertThat(sink.events).doesNotContain("end");
    assertThat(sink.cause).as("the transport's own failure, not an idle timeout").isInstanceOf(HttpClosedException.class);
    assertThat(exchange().link.droppedByBackend).isTrue();
  }

  @Test
  void finishWithResetStopsTheSinkAndResetsTheBackendPromptly() throws Exception {
    backend.script(STREAM, write("a"), pause(100), write("b"), pause(2500), write("c"), end());
    Opened opened = open(NO_IDLE);
    AtomicLong finishedAt = new AtomicLong();
    sink.onChunk = text -> {
      if (text.equals("b")) {
        finishedAt.set(System.nanoTime());
        pump.finish(true);
      }
    };

    startPump(opened);

    Exchange exchange = exchange();
    await().atMost(BOUND).until(exchange.link::closedByClient);
    assertThat(exchange.link.closedAtNanos.get() - finishedAt.get()).as("the backend saw the reset within a second")
        .isLessThan(Duration.ofSeconds(1).toNanos());
    assertThat(exchange.ended).isNotCompleted();
    quiet();
    assertThat(sink.events).containsExactly("chunk:a", "chunk:b");
    assertThat(opened.bodyRead().failed()).isTrue();
  }

  @Test
  void finishWithoutResetDrainsTheRestUnseenAndLeavesTheBackendToEndItsBodyNormally() throws Exception {
    backend.script(STREAM, write("a"), pause(100), write("b"), pause(100), write("c"), pause(100), write("[DONE]"),
        end());
    backend.script("/ping", write("pong"), end());
    Opened opened = open(NO_IDLE);
    sink.onChunk = text -> pump.finish(false);

    startPump(opened);

    assertThat(opened.bodyRead().await(BOUND.toMillis(), TimeUnit.MILLISECONDS))
        .as("the rest of the body was read to its end").isNull();
    Exchange exchange = exchange();
    exchange.ended.get(BOUND.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(exchange.written).containsExactly("a", "b", "c", "[DONE]");
    quiet();
    assertThat(sink.events).containsExactly("chunk:a");
    assertThat(exchange.link.closedByClient()).as("backend reset").isFalse();

    assertThat(ping()).isEqualTo("pong");
    assertThat(backend.exchanges()).hasSize(2);
    assertThat(backend.exchanges().get(1).link.id).as("the drained connection went back to the pool and was reused")
        .isEqualTo(exchange.link.id);
  }

  @Test
  void finishWithoutResetWhilePausedByBackPressureStillDrainsTheBody() throws Exception {
    client.full = true;
    backend.script(STREAM, write("a"), pause(100), write("b"), pause(100), end());
    Opened opened = open(NO_IDLE);
    startPump(opened);
    Exchange exchange = exchange();
    exchange.ended.get(BOUND.toMillis(), TimeUnit.MILLISECONDS);
    quiet();
    assertThat(sink.events).containsExactly("chunk:a");
    assertThat(opened.bodyRead().isComplete()).as("paused: the end is not read yet").isFalse();

    onLoop(() -> pump.finish(false));

    assertThat(opened.bodyRead().await(BOUND.toMillis(), TimeUnit.MILLISECONDS)).isNull();
    quiet();
    assertThat(sink.events).containsExactly("chunk:a");
    assertThat(exchange.link.closedByClient()).as("backend reset").isFalse();
  }

  @Test
  void whileTheClientWriteQueueIsFullThePumpPausesTheBackendUntilTheDrainHandlerFires() throws Exception {
    client.full = true;
    backend.script(STREAM, write("[1]"), pause(100), write("[2]"), pause(100), write("[3]"), pause(100), end());
    Opened opened = open(NO_IDLE);

    startPump(opened);

    Exchange exchange = exchange();
    exchange.ended.get(BOUND.toMillis(), TimeUnit.MILLISECONDS);
    quiet();
    assertThat(sink.events).as("the whole body was sent, but the client is full").containsExactly("chunk:[1]");
    assertThat(client.drainHandlersSet).hasValue(1);

    client.fireDrain();
    await().atMost(BOUND).until(() -> sink.text().equals("[1][2]"));
    quiet();
    assertThat(sink.events).as("still full: paused again after one chunk").containsExactly("chunk:[1]", "chunk:[2]");
    assertThat(client.drainHandlersSet).hasValue(2);

    client.full = false;
    client.fireDrain();
    await().atMost(BOUND).until(() -> sink.events.contains("end"));
    quiet();
    assertThat(sink.events).containsExactly("chunk:[1]", "chunk:[2]", "chunk:[3]", "end");
    assertThat(client.drainHandlersSet).as("no pause once the queue has room").hasValue(2);
    assertThat(exchange.link.closedByClient()).as("backend reset").isFalse();
  }

  /** While the client reads slowly the backend is held back; that silence is the client's, not the backend's. */
  @Test
  void aClientThatStaysFullLongerThanTheIdleTimeoutDoesNotBreakTheBackendOff() throws Exception {
    client.full = true;
    backend.script(STREAM, write("[1]"), pause(50), write("[2]"), pause(50), write("[3]"), end());
    Opened opened = open(IDLE);

    startPump(opened);

    Exchange exchange = exchange();
    exchange.ended.get(BOUND.toMillis(), TimeUnit.MILLISECONDS);
    Thread.sleep(IDLE.multipliedBy(3).toMillis());
    assertThat(sink.events).as("held back for three idle timeouts, yet not broken").containsExactly("chunk:[1]");

    client.full = false;
    client.fireDrain();
    await().atMost(BOUND).until(() -> sink.events.contains("end"));
    assertThat(sink.events).containsExactly("chunk:[1]", "chunk:[2]", "chunk:[3]", "end");
    assertThat(exchange.link.closedByClient()).as("backend reset").isFalse();
  }

  @Test
  void aClientHangUpStopsThePumpQuietlyWithNoBrokenWhenTheBackendFailsLater() throws Exception {
    backend.script(STREAM, write("a"), pause(900), write("b"), pause(100), dropConnection());
    Opened opened = open(IDLE);
    sink.onChunk = text -> context.runOnContext(v -> cancel.fire());

    startPump(opened);

    Exchange exchange = exchange();
    exchange.scriptDone.get(BOUND.toMillis(), TimeUnit.MILLISECONDS);
    await().atMost(BOUND).until(() -> opened.bodyRead().failed());
    quiet();
    assertThat(sink.events).as("silent past the idle timeout, then the connection dropped")
        .containsExactly("chunk:a");
  }

  @Test
  void startAfterTheCancelFiredDeliversNothing() throws Exception {
    backend.script(STREAM, write("a"), pause(100), write("b"), end());
    Opened opened = open(IDLE);

    onLoop(() -> {
      pump = http.pump(opened.request(), opened.response(), client, cancel, sink);
      cancel.fire();
      pump.start();
    });

    assertNothingDelivered(opened);
  }

  @Test
  void aPumpMadeAfterTheCancelFiredDeliversNothingOnStart() throws Exception {
    backend.script(STREAM, write("a"), pause(100), write("b"), end());
    Opened opened = open(IDLE);

    onLoop(() -> {
      cancel.fire();
      pump = http.pump(opened.request(), opened.response(), client, cancel, sink);
      pump.start();
    });

    assertNothingDelivered(opened);
  }

  /** The backend sent its whole body; the sink heard nothing, not even an idle timeout, and the body stayed unread. */
  private void assertNothingDelivered(Opened opened) throws Exception {
    exchange().ended.get(BOUND.toMillis(), TimeUnit.MILLISECONDS);
    quiet();
    assertThat(sink.events).isEmpty();
    assertThat(opened.bodyRead().isComplete()).isFalse();
    onLoop(() -> opened.request().reset());
  }

  private Opened open(Duration idleTimeout) throws Exception {
    http = new BackendClient(vertx, base, null, SLOW, SLOW, idleTimeout, () -> {});
    return onLoopFuture(() -> http.open(HttpMethod.POST, STREAM, null)
        .compose(request -> request.send().map(response -> {
          response.pause();
          return new Opened(request, response, response.end());
        })));
  }

  private void startPump(Opened opened) throws Exception {
    onLoop(() -> {
      pump = http.pump(opened.request(), opened.response(), client, cancel, sink);
      pump.start();
    });
  }

  private void startPump(Opened opened, BodyPump.Progress progress) throws Exception {
    onLoop(() -> {
      pump = http.pump(opened.request(), opened.response(), client, cancel, sink, progress);
      pump.start();
    });
  }

  /** A second request through the same client; its answer's body. */
  private String ping() throws Exception {
    return onLoopFuture(() -> http.open(HttpMethod.GET, "/ping", null)
        .compose(HttpClientRequest::send)
        .compose(HttpClientResponse::body)
        .map(Buffer::toString));
  }

  private Exchange exchange() {
    await().atMost(BOUND).until(() -> !backend.exchanges().isEmpty());
    return backend.exchanges().get(0);
  }

  /** Nothing more reaches the sink for a while. */
  private void quiet() {
    int seen = sink.events.size();
    await().during(QUIET).atMost(QUIET.plus(BOUND)).until(() -> sink.events.size() == seen);
  }

  private void onLoop(Runnable action) throws Exception {
    onLoopFuture(() -> {
      action.run();
      return Future.succeededFuture();
    });
  }

  private <T> T onLoopFuture(Supplier<Future<T>> action) throws Exception {
    Promise<T> done = Promise.promise();
    context.runOnContext(v -> action.get().onComplete(done));
    return done.future().await(BOUND.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Records every call in order; {@link #onChunk} lets a test act inside a chunk call, as a translator does. */
  static final class RecordingSink implements BodyPump.Sink {
    final List<String> events = new CopyOnWriteArrayList<>();
    private final StringBuffer text = new StringBuffer();
    volatile Consumer<String> onChunk = text -> {};
    volatile Throwable cause;
    volatile long lastChunkAtNanos;
    volatile long firstChunkAtNanos;
    volatile long brokenAtNanos;
    volatile boolean calledOffTheLoop;

    @Override
    public void chunk(Buffer chunk) {
      check();
      lastChunkAtNanos = System.nanoTime();
      if (firstChunkAtNanos == 0) {
        firstChunkAtNanos = lastChunkAtNanos;
      }
      String s = chunk.toString();
      text.append(s);
      events.add("chunk:" + s);
      onChunk.accept(s);
    }

    @Override
    public void end() {
      check();
      events.add("end");
    }

    @Override
    public void broken(Throwable cause) {
      check();
      brokenAtNanos = System.nanoTime();
      this.cause = cause;
      events.add("broken");
    }

    String text() {
      return text.toString();
    }

    private void check() {
      if (!Context.isOnEventLoopThread()) {
        calledOffTheLoop = true;
      }
    }
  }

  /** The client side of the pump: only its write-queue state and drain handler matter; the sink does the writing. */
  final class FakeClientStream implements WriteStream<Buffer> {
    volatile boolean full;
    final AtomicInteger drainHandlersSet = new AtomicInteger();
    private volatile Handler<Void> drainHandler;

    @Override
    public boolean writeQueueFull() {
      return full;
    }

    @Override
    public WriteStream<Buffer> drainHandler(Handler<Void> handler) {
      drainHandler = handler;
      if (handler != null) {
        drainHandlersSet.incrementAndGet();
      }
      return this;
    }

    /** The queue drained: calls the registered handler on the pump's context. */
    void fireDrain() throws Exception {
      Handler<Void> handler = drainHandler;
      assertThat(handler).as("a drain handler was registered").isNotNull();
      onLoop(() -> handler.handle(null));
    }

    @Override
    public Future<Void> write(Buffer data) {
      return Future.failedFuture(new UnsupportedOperationException("the pump never writes; its sink does"));
    }

    @Override
    public Future<Void> end() {
      return Future.failedFuture(new UnsupportedOperationException("the pump never ends the client"));
    }

    @Override
    public WriteStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
      return this;
    }

    @Override
    public WriteStream<Buffer> setWriteQueueMaxSize(int maxSize) {
      return this;
    }
  }

  /** A hang-up the test fires; like the server's request scope, it runs late registrations at once. */
  static final class TestCancel implements CancelSignal {
    private volatile boolean cancelled;
    private final List<Runnable> actions = new CopyOnWriteArrayList<>();

    @Override
    public boolean cancelled() {
      return cancelled;
    }

    @Override
    public void onCancel(Runnable action) {
      if (cancelled) {
        action.run();
      } else {
        actions.add(action);
      }
    }

    void fire() {
      cancelled = true;
      actions.forEach(Runnable::run);
      actions.clear();
    }
  }
}
