package io.github.ollamalmstudioproxy.backend;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A backend on 127.0.0.1 (port 0) that answers each path with a script: writes, pauses, an end, or a connection
 * dropped mid-body; a script that simply stops is a stall. It records, per exchange, what it managed to send and when
 * the client side closed (for HTTP/1.1, a reset) its connection.
 */
final class ScriptedBackend {
  /** One step of an answer. */
  sealed interface Step permits Write, Pause, End, Drop {}

  record Write(String text) implements Step {}

  record Pause(long millis) implements Step {}

  record End() implements Step {}

  /** The backend closes the connection (it crashed, or a proxy in between dropped it). */
  record Drop() implements Step {}

  static Step write(String text) {
    return new Write(text);
  }

  static Step pause(long millis) {
    return new Pause(millis);
  }

  static Step end() {
    return new End();
  }

  static Step dropConnection() {
    return new Drop();
  }

  /** One TCP connection from the client. */
  static final class Link {
    final int id;
    /** {@link System#nanoTime()} when the connection closed, by either side. */
    final CompletableFuture<Long> closedAtNanos = new CompletableFuture<>();
    volatile boolean droppedByBackend;

    Link(int id) {
      this.id = id;
    }

    /** True once the client side closed (or reset) the connection. */
    boolean closedByClient() {
      return closedAtNanos.isDone() && !droppedByBackend;
    }
  }

  /** One request and the answer the script gave it. */
  static final class Exchange {
    final String path;
    final Link link;
    /** Completes when the backend's {@code end()} succeeded; fails when it could not end its body. */
    final CompletableFuture<Void> ended = new CompletableFuture<>();
    /** Completes once every step of the script was attempted (the later ones may have failed). */
    final CompletableFuture<Void> scriptDone = new CompletableFuture<>();
    final List<String> written = new CopyOnWriteArrayList<>();
    final List<String> failedWrites = new CopyOnWriteArrayList<>();

    Exchange(String path, Link link) {
      this.path = path;
      this.link = link;
    }
  }

  /** How an answer starts: its status, its Content-Type, and a declared Content-Length (-1: chunked). */
  record Head(int status, String contentType, long contentLength) {
    static final Head STREAM = new Head(200, "text/event-stream", -1);
  }

  private record Script(Head head, List<Step> steps) {}

  private final Vertx vertx;
  private final Map<String, Script> scripts = new ConcurrentHashMap<>();
  private final Map<HttpConnection, Link> links = new ConcurrentHashMap<>();
  private final AtomicInteger linkIds = new AtomicInteger();
  private final List<Exchange> exchanges = new CopyOnWriteArrayList<>();
  private HttpServer server;

  ScriptedBackend(Vertx vertx) {
    this.vertx = vertx;
  }

  /** What {@code path} answers from now on: status 200, {@code text/event-stream}, chunked, then the steps. */
  ScriptedBackend script(String path, Step... steps) {
    return script(path, Head.STREAM, steps);
  }

  /** What {@code path} answers from now on: {@code head}, then the steps. */
  ScriptedBackend script(String path, Head head, Step... steps) {
    scripts.put(path, new Script(head, List.of(steps)));
    return this;
  }

  URI start() throws Exception {
    server = vertx.createHttpServer().requestHandler(this::handle);
    server.listen(0, "127.0.0.1").await(5, TimeUnit.SECONDS);
    return URI.create("http://127.0.0.1:" + server.actualPort());
  }

  /** The exchanges so far, in arrival order. */
  List<Exchange> exchanges() {
    return exchanges;
  }

  void close() throws Exception {
    if (server != null) {
      server.close().await(5, TimeUnit.SECONDS);
    }
  }

  private void handle(HttpServerRequest request) {
    HttpConnection connection = request.connection();
    Link link = links.computeIfAbsent(connection, c -> {
      Link created = new Link(linkIds.incrementAndGet());
      c.closeHandler(v -> created.closedAtNanos.complete(System.nanoTime()));
      return created;
    });
    HttpServerResponse response = request.response();
    request.exceptionHandler(e -> {});
    response.exceptionHandler(e -> {});
    Script script = scripts.get(request.path());
    if (script == null) {
      response.setStatusCode(404).end();
      return;
    }
    Exchange exchange = new Exchange(request.path(), link);
    exchanges.add(exchange);
    Head head = script.head();
    request.body().onComplete(body -> {
      response.setStatusCode(head.status()).putHeader(HttpHeaders.CONTENT_TYPE, head.contentType());
      if (head.contentLength() >= 0) {
        response.putHeader(HttpHeaders.CONTENT_LENGTH, Long.toString(head.contentLength()));
      } else {
        response.setChunked(true);
      }
      run(exchange, connection, response, script.steps(), 0);
    });
  }

  private void run(Exchange exchange, HttpConnection connection, HttpServerResponse response, List<Step> steps,
      int index) {
    if (index == steps.size()) {
      exchange.scriptDone.complete(null);
      return;
    }
    Step step = steps.get(index);
    if (step instanceof Pause p) {
      vertx.setTimer(p.millis(), t -> run(exchange, connection, response, steps, index + 1));
      return;
    }
    if (step instanceof Write w) {
      try {
        response.write(w.text()).onComplete(
            ok -> exchange.written.add(w.text()), failed -> exchange.failedWrites.add(w.text()));
      } catch (RuntimeException e) {
        exchange.failedWrites.add(w.text());
      }
    } else if (step instanceof End) {
      try {
        response.end().onComplete(ok -> exchange.ended.complete(null), exchange.ended::completeExceptionally);
      } catch (RuntimeException e) {
        exchange.ended.completeExceptionally(e);
      }
    } else if (step instanceof Drop) {
      exchange.link.droppedByBackend = true;
      connection.close();
    }
    run(exchange, connection, response, steps, index + 1);
  }
}
