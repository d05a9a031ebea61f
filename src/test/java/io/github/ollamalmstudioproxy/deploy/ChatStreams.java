package io.github.ollamalmstudioproxy.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import java.io.IOException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Many concurrent {@code /api/chat} streams from one Vert.x client with a bounded pool, each read line by line as it
 * arrives, and each either read to its end or hung up at a chosen moment (the connection closed, as a client that
 * goes away does).
 */
final class ChatStreams implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** A stream silent this long fails (the slowest legitimate gap here is the simulated prefill). */
  private static final long IDLE_TIMEOUT_MS = 20_000;

  enum Plan { READ_TO_END, HANG_UP_BEFORE_FIRST_TOKEN, HANG_UP_AFTER_FIRST_TOKEN }

  /** What one stream saw; written on its event loop only, read once its future completed. */
  static final class Outcome {
    int status;
    int lines;
    final StringBuilder content = new StringBuilder();
    boolean done;
    String error;
    /** The X-Request-Id the answer carried. */
    String requestId;
    long hangUpNanos;
    /** The same instant on the wall clock, to compare with nginx's access log. */
    long hangUpEpochMillis;
    /** For a hang-up: whether any byte of the answer had arrived when the client closed. */
    boolean bytesBeforeHangUp;
    private long bytes;
    /** Bytes of a line not complete yet (a buffer may end inside a line, or inside a UTF-8 character). */
    private Buffer partial = Buffer.buffer();
  }

  private final Vertx vertx;
  private final HttpClientAgent http;
  private final AtomicInteger open = new AtomicInteger();
  private final AtomicInteger mostOpen = new AtomicInteger();

  ChatStreams(int maxConnections) {
    vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
    http = vertx.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_1_1).setKeepAlive(true)
            .setTcpNoDelay(true).setConnectTimeout(10_000),
        new PoolOptions().setHttp1MaxSize(maxConnections).setMaxWaitQueueSize(-1));
  }

  /**
   * POSTs {@code body} to {@code 127.0.0.1:port} with {@code Host: host} and {@code X-Request-Id: id}, {@code delayMs}
   * from now. With {@link Plan#HANG_UP_BEFORE_FIRST_TOKEN} the client hangs up once {@code backendHasIt} completes
   * (the backend received the request); with {@link Plan#HANG_UP_AFTER_FIRST_TOKEN}, as soon as the first line
   * arrived.
   */
  Future<Outcome> chat(long delayMs, int port, String host, String id, String body, Plan plan,
      CompletionStage<?> backendHasIt) {
    Promise<Outcome> promise = Promise.promise();
    // Requests are started from an event loop (a timer's): Vert.x 5.0.7 now and then lost requests started from
    // plain threads under load (see bench/sidebyside/BenchClient).
    vertx.setTimer(Math.max(1, delayMs), t -> start(port, host, id, body, plan, backendHasIt, promise));
    return promise.future();
  }

  private void start(int port, String host, String id, String body, Plan plan, CompletionStage<?> backendHasIt,
      Promise<Outcome> promise) {
    Outcome outcome = new Outcome();
    Context context = Vertx.currentContext();
    mostOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
    promise.future().onComplete(ended -> open.decrementAndGet());
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST)
        .setServer(SocketAddress.inetSocketAddress(port, "127.0.0.1")).setHost(host).setPort(port)
        .setURI("/api/chat").setIdleTimeout(IDLE_TIMEOUT_MS).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .putHeader("X-Request-Id", id);
    http.request(options).onComplete(opened -> {
      if (opened.failed()) {
        failed(outcome, opened.cause(), promise);
        return;
      }
      HttpClientRequest request = opened.result();
      request.exceptionHandler(e -> failed(outcome, e, promise));
      request.response().onComplete(answered -> {
        if (answered.failed()) {
          failed(outcome, answered.cause(), promise);
          return;
        }
        var response = answered.result();
        outcome.status = response.statusCode();
        outcome.requestId = response.getHeader("X-Request-Id");
        response.handler(buffer -> {
          outcome.bytes += buffer.length();
          read(outcome, buffer);
          if (plan == Plan.HANG_UP_AFTER_FIRST_TOKEN && outcome.lines > 0) {
            hangUp(request, outcome, promise);
          }
        });
        response.exceptionHandler(e -> failed(outcome, e, promise));
        response.endHandler(end -> promise.tryComplete(outcome));
      });
      request.end(Buffer.buffer(body));
      if (plan == Plan.HANG_UP_BEFORE_FIRST_TOKEN) {
        backendHasIt.whenComplete((r, e) -> context.runOnContext(x -> hangUp(request, outcome, promise)));
      }
    });
  }

  /** The most streams open at the same time so far (started and not yet ended or hung up). */
  int mostOpen() {
    return mostOpen.get();
  }

  private static void read(Outcome outcome, Buffer buffer) {
    outcome.partial.appendBuffer(buffer);
    int start = 0;
    for (int i = 0; i < outcome.partial.length(); i++) {
      if (outcome.partial.getByte(i) == '\n') {
        line(outcome, outcome.partial.getString(start, i, "UTF-8").trim());
        start = i + 1;
      }
    }
    outcome.partial = outcome.partial.getBuffer(start, outcome.partial.length());
  }

  private static void line(Outcome outcome, String line) {
    if (line.isEmpty()) {
      return;
    }
    outcome.lines++;
    try {
      JsonNode json = JSON.readTree(line);
      outcome.content.append(json.path("message").path("content").asText(""));
      outcome.done = json.path("done").asBoolean(false);
      if (json.has("error")) {
        outcome.error = "error line: " + line;
      }
    } catch (IOException e) {
      outcome.error = "not JSON: " + line;
    }
  }

  private static void hangUp(HttpClientRequest request, Outcome outcome, Promise<Outcome> promise) {
    if (outcome.hangUpNanos != 0 || promise.future().isComplete()) {
      return;
    }
    outcome.bytesBeforeHangUp = outcome.bytes > 0;
    outcome.hangUpNanos = System.nanoTime();
    outcome.hangUpEpochMillis = System.currentTimeMillis();
    request.connection().close();
    promise.tryComplete(outcome);
  }

  /** Errors after our own hang-up are its echo, not failures. */
  private static void failed(Outcome outcome, Throwable cause, Promise<Outcome> promise) {
    if (outcome.hangUpNanos == 0 && outcome.error == null) {
      outcome.error = String.valueOf(cause);
    }
    promise.tryComplete(outcome);
  }

  @Override
  public void close() {
    try {
      vertx.close().await(20, TimeUnit.SECONDS);
    } catch (Exception e) {
      // The test has its verdict; a slow close must not hide it.
    }
  }
}
