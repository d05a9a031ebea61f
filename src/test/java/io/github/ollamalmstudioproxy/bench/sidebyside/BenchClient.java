package io.github.ollamalmstudioproxy.bench.sidebyside;

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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * The load client: one Vert.x HTTP/1.1 client with a pool large enough to hold a thousand streams on a thousand
 * keep-alive connections, reading bodies as they arrive and timing each content chunk on arrival.
 */
final class BenchClient implements AutoCloseable {
  /** A request silent for this long is an error (prefill runs hang up well before). */
  private static final long REQUEST_IDLE_TIMEOUT_MS = 20_000;

  private final Vertx vertx;
  private final HttpClientAgent http;

  BenchClient(int eventLoops, int maxConnectionsPerServer) {
    vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(eventLoops));
    http = vertx.createHttpClient(new HttpClientOptions()
            .setProtocolVersion(HttpVersion.HTTP_1_1)
            .setKeepAlive(true)
            .setTcpNoDelay(true)
            .setDecompressionSupported(false)
            .setConnectTimeout(10_000),
        new PoolOptions().setHttp1MaxSize(maxConnectionsPerServer).setMaxWaitQueueSize(-1));
  }

  Vertx vertx() {
    return vertx;
  }

  /**
   * POSTs {@code body} and reads the streamed answer. With {@code hangUpAfter} > 0 the client closes the connection
   * as soon as that many content chunks arrived and records the instant in {@link StreamResult#hangUpNanos}.
   */
  Future<StreamResult> stream(int port, String path, Buffer body, boolean sse, int hangUpAfter) {
    return onEventLoop(() -> http.request(post(port, path)).compose(request -> {
      StreamResult result = new StreamResult(System.nanoTime());
      Promise<StreamResult> promise = Promise.promise();
      ChunkScanner scanner = new ChunkScanner(sse, (content, at) -> {
        result.arrivals.add(at);
        result.content.append(content);
        if (hangUpAfter > 0 && result.arrivals.size() == hangUpAfter && result.hangUpNanos == 0) {
          result.hangUpNanos = System.nanoTime();
          request.connection().close();
          promise.tryComplete(result);
        }
      });
      request.send(body).onComplete(sent -> {
        if (sent.failed()) {
          result.error = String.valueOf(sent.cause());
          promise.tryComplete(result);
          return;
        }
        var response = sent.result();
        result.status = response.statusCode();
        response.handler(buffer -> {
          if (result.status != 200) {
            result.keepErrorBody(buffer.toString());
          } else {
            scanner.feed(buffer.getBytes(), System.nanoTime());
          }
        });
        response.endHandler(v -> {
          result.done = scanner.done();
          promise.tryComplete(result);
        });
        response.exceptionHandler(e -> {
          if (result.error == null && result.hangUpNanos == 0) {
            result.error = String.valueOf(e);
          }
          promise.tryComplete(result);
        });
      });
      return promise.future();
    }));
  }

  /**
   * Runs {@code action} on an event-loop context. Requests started from a plain thread (one new context each) now and
   * then never completed with Vert.x 5.0.7 under load; a Vert.x application starts them from its event loops anyway.
   */
  private <T> Future<T> onEventLoop(Supplier<Future<T>> action) {
    if (Vertx.currentContext() != null) {
      return action.get();
    }
    Promise<T> promise = Promise.promise();
    vertx.runOnContext(v -> action.get().onComplete(promise));
    return promise.future();
  }

  /** Opens a streaming request and returns it once the server has it, so the caller can hang up during prefill. */
  Future<HttpClientRequest> open(int port, String path, Buffer body) {
    return onEventLoop(() -> http.request(post(port, path)).compose(request -> {
      request.response().onComplete(r -> { });
      request.exceptionHandler(e -> { });
      request.end(body);
      return Future.succeededFuture(request);
    }));
  }

  /** Closes the request's connection (Netty hands the close to the connection's event loop); returns the instant. */
  static long hangUp(HttpClientRequest request) {
    long now = System.nanoTime();
    request.connection().close();
    return now;
  }

  /** One request with a complete body; succeeds with true when the status is 200 and the body holds {@code mustContain}. */
  Future<Boolean> call(int port, HttpMethod method, String path, Buffer body, String mustContain) {
    RequestOptions options = new RequestOptions().setMethod(method).setHost("127.0.0.1").setPort(port).setURI(path)
        .setIdleTimeout(REQUEST_IDLE_TIMEOUT_MS).setConnectTimeout(REQUEST_IDLE_TIMEOUT_MS);
    if (body != null) {
      options.putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
    }
    return onEventLoop(() -> http.request(options)
        .compose(request -> body == null ? request.send() : request.send(body))
        .compose(response -> response.body().map(b -> response.statusCode() == 200
            && (mustContain == null || b.toString().contains(mustContain)))));
  }

  private static RequestOptions post(int port, String path) {
    return new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(port).setURI(path)
        .setIdleTimeout(REQUEST_IDLE_TIMEOUT_MS).setConnectTimeout(REQUEST_IDLE_TIMEOUT_MS).putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
  }

  static <T> T await(Future<T> future, long seconds) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(seconds, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(String.valueOf(e.getCause()), e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("no answer within " + seconds + " s", e);
    }
  }

  @Override
  public void close() {
    await(vertx.close(), 20);
  }
}
