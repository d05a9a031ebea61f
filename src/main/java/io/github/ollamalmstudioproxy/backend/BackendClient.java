package io.github.ollamalmstudioproxy.backend;

import static java.util.Objects.requireNonNull;

import io.netty.channel.ConnectTimeoutException;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.streams.WriteStream;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The only owner of the HTTP client that talks to the backend: every byte the proxy sends leaves through here, to
 * the one configured base URL, so no request path can make the proxy contact another host.
 */
public final class BackendClient {
  private static final Logger log = LoggerFactory.getLogger(BackendClient.class);
  /** Enough connections for a thousand concurrent streams; each stream holds one for its whole life. */
  private static final int MAX_CONNECTIONS = 2048;
  /**
   * Readiness probes and the catalog's model-list fetches have their own few connections, so a flood of them against
   * a slow backend can never take the connections inference needs (nor can inference starve them).
   */
  static final int METADATA_CONNECTIONS = 4;
  /** The longest a metadata GET may take, whole body included; {@code --first-byte-timeout} when that is shorter. */
  static final Duration METADATA_TIMEOUT = Duration.ofSeconds(10);

  private final Vertx vertx;
  private final HttpClientAgent client;
  private final HttpClientAgent metadata;
  private final long metadataMillis;
  private final URI base;
  private final String basePath;
  private final String authorization;
  private final Duration connectTimeout;
  private final Duration firstByteTimeout;
  private final Duration idleTimeout;
  private final Runnable onHangUpReset;
  private final boolean forwardHeaders;

  /**
   * @param base the backend's base URL, without credentials
   * @param authorization the {@code Authorization} header every request carries (the backend's token, as
   *     {@code Bearer ...} or {@code Basic ...}), or null for none
   * @param onHangUpReset runs each time a request is reset because its client went away (for the metrics)
   */
  public BackendClient(Vertx vertx, URI base, String authorization, Duration connectTimeout, Duration firstByteTimeout,
      Duration idleTimeout, Runnable onHangUpReset) {
    this(vertx, base, authorization, connectTimeout, firstByteTimeout, idleTimeout, onHangUpReset, false);
  }

  /**
   * @param forwardHeaders each JSON POST carries its request's {@link CancelSignal#forwardedHeaders()} (a backend of
   *     the gateway profile); otherwise none of them
   */
  public BackendClient(Vertx vertx, URI base, String authorization, Duration connectTimeout, Duration firstByteTimeout,
      Duration idleTimeout, Runnable onHangUpReset, boolean forwardHeaders) {
    this.forwardHeaders = forwardHeaders;
    this.onHangUpReset = requireNonNull(onHangUpReset, "onHangUpReset");
    this.vertx = vertx;
    this.base = requireNonNull(base, "base");
    String path = base.getRawPath() == null ? "" : base.getRawPath();
    this.basePath = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    if (base.getRawUserInfo() != null) {
      throw new IllegalArgumentException("the backend URL must not carry credentials; pass them as authorization");
    }
    this.authorization = authorization;
    this.connectTimeout = connectTimeout;
    this.firstByteTimeout = firstByteTimeout;
    this.idleTimeout = idleTimeout;
    HttpClientOptions options = BackendSockets.clientOptions(base, connectTimeout);
    this.client = vertx.httpClientBuilder()
        .with(options)
        .with(new PoolOptions().setHttp1MaxSize(MAX_CONNECTIONS).setMaxWaitQueueSize(-1))
        // A connection's failure also fails its request, which says what failed; without a handler Vert.x would log
        // it again at ERROR, also for the reset the proxy itself sends when a client hangs up.
        .withConnectHandler(BackendClient::quietConnection)
        .build();
    this.metadata = vertx.httpClientBuilder()
        .with(new HttpClientOptions(options))
        .with(new PoolOptions().setHttp1MaxSize(METADATA_CONNECTIONS))
        .withConnectHandler(BackendClient::quietConnection)
        .build();
    this.metadataMillis = Math.max(1, Math.min(firstByteTimeout.toMillis(), METADATA_TIMEOUT.toMillis()));
  }

  /** A GET answer read whole: its status and its body. */
  public record Reply(int status, Buffer body) {}

  /**
   * GETs a small metadata document ({@code /v1/models} and the other model lists) on the metadata connections, so it
   * never takes a connection inference needs, and reads it through {@link BoundedBody}: a 2xx body up to {@code limit}
   * (past it the request is reset and the call fails with {@link BackendAnswerTooLarge}), an error body's first
   * {@link BoundedBody#MAX_ERROR_BODY} bytes. All within {@link #METADATA_TIMEOUT} (or the first-byte timeout when
   * shorter): a slower answer, even one that keeps dripping bytes, fails with a {@link TimeoutException} and its
   * request is reset. No client waits on such a fetch alone (they are shared), so nothing cancels it but the deadline.
   * A GET whose pooled connection the backend closed under it is sent again on a fresh one, once, within the same
   * deadline: llama-server closes an idle connection after 5 s, and a probe every 5 s met that close every few tries,
   * which opened a healthy backend's breaker.
   */
  public Future<Reply> getMetadata(String path, BoundedBody.Limit limit) {
    long started = System.nanoTime();
    return getMetadataOnce(path, limit, metadataMillis).recover(e -> {
      long left = metadataMillis - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
      return closedBeforeAnswer(e) && left > 0 ? getMetadataOnce(path, limit, left) : Future.failedFuture(e);
    });
  }

  private Future<Reply> getMetadataOnce(String path, BoundedBody.Limit limit, long millis) {
    Promise<Reply> result = Promise.promise();
    long timer = vertx.setTimer(millis, t -> result.tryFail(new TimeoutException("no answer to GET " + path
        + " within " + metadataMillis + " ms")));
    metadata.request(authorized(options(HttpMethod.GET, path, millis))).onComplete(opened -> {
      if (opened.failed()) {
        result.tryFail(opened.cause());
        return;
      }
      HttpClientRequest request = opened.result();
      request.exceptionHandler(e -> log.debug("backend metadata request {}: {}", path, e.toString()));
      result.future().onFailure(e -> request.reset());
      request.send().compose(response -> {
        Future<Buffer> body = response.statusCode() / 100 == 2 ? BoundedBody.collect(request, response, limit)
            : BoundedBody.errorText(request, response).map(Buffer::buffer);
        return body.map(read -> new Reply(response.statusCode(), read));
      }).onComplete(result::tryComplete, result::tryFail);
    });
    return result.future().onComplete(r -> vertx.cancelTimer(timer));
  }

  /**
   * Opens a request to {@code pathAndQuery} (which must start with '/') on the backend. The first-byte timeout guards
   * the silence before the response headers (and, as a backstop, any later silence); streams add an
   * {@link #watchIdle idle watch} for the tighter between-chunks bound.
   */
  public Future<HttpClientRequest> open(HttpMethod method, String pathAndQuery, MultiMap headers) {
    RequestOptions options = options(method, pathAndQuery, firstByteTimeout.toMillis());
    if (headers != null) {
      options.setHeaders(headers);
    }
    return client.request(authorized(options)).map(request -> {
      // Failures reach the caller through the response future; this only keeps Vert.x from logging each reset
      // (a client hang-up resets its backend request on purpose) at ERROR.
      request.exceptionHandler(e -> log.debug("backend request {}: {}", pathAndQuery, e.toString()));
      return request;
    }).recover(BackendClient::noConnection);
  }

  /**
   * Vert.x fails a request it could not get a connection for within the request's connect timeout (a new connection
   * not made, or none free in the pool) with a bare {@link TimeoutException}, which would read as the backend's
   * silence: it is the connect timeout, and is worded so.
   */
  static Future<HttpClientRequest> noConnection(Throwable cause) {
    if (cause instanceof TimeoutException) {
      ConnectTimeoutException timeout = new ConnectTimeoutException("no connection to the backend in time");
      timeout.initCause(cause);
      return Future.failedFuture(timeout);
    }
    return Future.failedFuture(cause);
  }

  private static void quietConnection(HttpConnection connection) {
    connection.exceptionHandler(e -> log.debug("backend connection: {}", e.toString()));
  }

  private RequestOptions options(HttpMethod method, String pathAndQuery, long idleMillis) {
    if (!pathAndQuery.startsWith("/")) {
      throw new IllegalArgumentException("path must start with '/': " + pathAndQuery);
    }
    return new RequestOptions()
        .setMethod(method)
        .setHost(base.getHost())
        .setPort(port(base))
        .setSsl("https".equalsIgnoreCase(base.getScheme()))
        .setURI(basePath + pathAndQuery)
        .setConnectTimeout(connectTimeout.toMillis())
        .setIdleTimeout(idleMillis)
        .setFollowRedirects(false);
  }

  /** The backend's own token replaces any Authorization header the request carries. */
  private RequestOptions authorized(RequestOptions options) {
    if (authorization != null) {
      options.putHeader(HttpHeaders.AUTHORIZATION, authorization);
    }
    return options;
  }

  /**
   * A pump for a paused backend response towards {@code client} (see {@link BodyPump}), watching the gaps between
   * chunks against the idle timeout. (Vert.x's own per-request idle timeout is not re-armed for this: a timer set after the
   * response started outlived the request and kept it reachable.)
   */
  public BodyPump pump(HttpClientRequest request, HttpClientResponse response, WriteStream<Buffer> client,
      CancelSignal cancel, BodyPump.Sink sink) {
    return pump(request, response, client, cancel, sink, BodyPump.Progress.CHUNKS);
  }

  /**
   * The same, with the idle timeout measured against {@code progress}: with {@link BodyPump.Progress#REPORTED} the
   * sink calls {@link BodyPump#progressed} for each complete event, and only that keeps the stream alive.
   */
  public BodyPump pump(HttpClientRequest request, HttpClientResponse response, WriteStream<Buffer> client,
      CancelSignal cancel, BodyPump.Sink sink, BodyPump.Progress progress) {
    String awaited = progress == BodyPump.Progress.REPORTED ? "complete event" : "data";
    return BodyPump.create(request, response, client, cancel, sink,
        onIdle -> new IdleWatch(vertx, idleTimeout, awaited, onIdle), progress);
  }

  /** Turns a backend answer into the caller's result; {@code sentNanos} is when the request went out. */
  @FunctionalInterface
  public interface Answer<T> {
    Future<T> apply(HttpClientRequest request, HttpClientResponse response, long sentNanos);
  }

  /**
   * POSTs a JSON body and hands the answer to {@code answer}. The request is reset when the client goes away (after
   * which every failure reads as {@link ClientGoneException}), and replayed once on a fresh connection when a pooled
   * one was closed under it before any answer (see {@link #closedBeforeAnswer}).
   */
  public <T> Future<T> postJson(String path, Buffer body, String accept, CancelSignal cancel, Answer<T> answer) {
    return postJsonOnce(path, body, accept, cancel, answer).recover(e -> closedBeforeAnswer(e) && !cancel.cancelled()
        ? postJsonOnce(path, body, accept, cancel, answer) : Future.failedFuture(e));
  }

  private <T> Future<T> postJsonOnce(String path, Buffer body, String accept, CancelSignal cancel,
      Answer<T> answer) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap()
        .add(HttpHeaders.CONTENT_TYPE, "application/json")
        .add(HttpHeaders.ACCEPT, accept);
    if (forwardHeaders) {
      cancel.forwardedHeaders().forEach(headers::set);
    }
    return open(HttpMethod.POST, path, headers).compose(request -> {
      cancel.onCancel(() -> {
        request.reset();
        if (cancel.hungUp()) {
          onHangUpReset.run();
        }
      });
      if (cancel.cancelled()) {
        return Future.<T>failedFuture(new ClientGoneException());
      }
      long sent = System.nanoTime();
      return request.send(body).compose(response -> answer.apply(request, response, sent));
    }).recover(e -> cancel.cancelled() ? Future.failedFuture(new ClientGoneException()) : Future.failedFuture(e));
  }

  /**
   * True when a request failed because its connection closed before any answer arrived. A pooled keep-alive
   * connection can be closed by the backend just as it is reused (llama-server announces keep-alive but closes after
   * a stream); such a request never reached the backend's handler, so sending it again on a fresh connection is safe,
   * once, as HTTP clients such as OkHttp and Go's do.
   */
  public static boolean closedBeforeAnswer(Throwable failure) {
    return failure instanceof HttpClosedException
        || (failure instanceof VertxException && String.valueOf(failure.getMessage()).contains("Connection was closed"));
  }

  public Future<Void> close() {
    return Future.join(client.close(), metadata.close()).mapEmpty();
  }

  static int port(URI uri) {
    if (uri.getPort() > 0) {
      return uri.getPort();
    }
    return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
  }
}
