package io.github.ollamalmstudioproxy.backend;

import static java.util.Objects.requireNonNull;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.VertxException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.streams.WriteStream;
import java.net.URI;
import java.time.Duration;

/**
 * The only owner of the HTTP client that talks to the backend: every byte the proxy sends leaves through here, to
 * the one configured base URL, so no request path can make the proxy contact another host.
 */
public final class BackendClient {
  /** Backends such as llama-server close idle keep-alive connections after 5 s; give ours up a little earlier. */
  private static final int KEEP_ALIVE_SECONDS = 4;
  /** Enough connections for a thousand concurrent streams; each stream holds one for its whole life. */
  private static final int MAX_CONNECTIONS = 2048;

  private final Vertx vertx;
  private final HttpClientAgent client;
  private final URI base;
  private final String basePath;
  private final String authorization;
  private final Duration connectTimeout;
  private final Duration firstByteTimeout;
  private final Duration idleTimeout;
  private final Runnable onHangUpReset;

  /** @param onHangUpReset runs each time a request is reset because its client went away (for the metrics) */
  public BackendClient(Vertx vertx, URI base, String apiKey, Duration connectTimeout, Duration firstByteTimeout,
      Duration idleTimeout, Runnable onHangUpReset) {
    this.onHangUpReset = requireNonNull(onHangUpReset, "onHangUpReset");
    this.vertx = vertx;
    this.base = requireNonNull(base, "base");
    String path = base.getRawPath() == null ? "" : base.getRawPath();
    this.basePath = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    this.authorization = apiKey == null ? null : "Bearer " + apiKey;
    this.connectTimeout = connectTimeout;
    this.firstByteTimeout = firstByteTimeout;
    this.idleTimeout = idleTimeout;
    HttpClientOptions options = new HttpClientOptions()
        .setProtocolVersion(HttpVersion.HTTP_1_1)
        .setSsl("https".equalsIgnoreCase(base.getScheme()))
        .setDefaultHost(base.getHost())
        .setDefaultPort(port(base))
        .setKeepAlive(true)
        .setKeepAliveTimeout(KEEP_ALIVE_SECONDS)
        .setTcpNoDelay(true)
        .setDecompressionSupported(false)
        .setConnectTimeout((int) connectTimeout.toMillis());
    this.client = vertx.createHttpClient(options, new PoolOptions().setHttp1MaxSize(MAX_CONNECTIONS)
        .setMaxWaitQueueSize(-1));
  }

  /**
   * Opens a request to {@code pathAndQuery} (which must start with '/') on the backend. The first-byte timeout guards
   * the silence before the response headers (and, as a backstop, any later silence); streams add an
   * {@link #watchIdle idle watch} for the tighter between-chunks bound.
   */
  public Future<HttpClientRequest> open(HttpMethod method, String pathAndQuery, MultiMap headers) {
    if (!pathAndQuery.startsWith("/")) {
      throw new IllegalArgumentException("path must start with '/': " + pathAndQuery);
    }
    RequestOptions options = new RequestOptions()
        .setMethod(method)
        .setHost(base.getHost())
        .setPort(port(base))
        .setSsl("https".equalsIgnoreCase(base.getScheme()))
        .setURI(basePath + pathAndQuery)
        .setConnectTimeout(connectTimeout.toMillis())
        .setIdleTimeout(firstByteTimeout.toMillis())
        .setFollowRedirects(false);
    if (headers != null) {
      options.setHeaders(headers);
    }
    if (authorization != null) {
      options.putHeader(HttpHeaders.AUTHORIZATION, authorization);
    }
    return client.request(options);
  }

  /**
   * A pump for a paused backend response towards {@code client} (see {@link BodyPump}), watching the gaps between
   * chunks against the idle timeout. (Vert.x's own per-request idle timeout is not re-armed for this: a timer set after the
   * response started outlived the request and kept it reachable.)
   */
  public BodyPump pump(HttpClientRequest request, HttpClientResponse response, WriteStream<Buffer> client,
      CancelSignal cancel, BodyPump.Sink sink) {
    return BodyPump.create(request, response, client, cancel, sink,
        onIdle -> new IdleWatch(vertx, idleTimeout, onIdle));
  }

  /** A GET answer read whole: its status and its body. */
  public record Reply(int status, Buffer body) {}

  /**
   * GETs {@code path} and reads the answer through {@link BoundedBody}: a 2xx body up to {@code limit} (past it the
   * request is reset and the call fails with {@link BackendAnswerTooLarge}), an error body's first
   * {@link BoundedBody#MAX_ERROR_BODY} bytes.
   */
  public Future<Reply> get(String path, BoundedBody.Limit limit) {
    return open(HttpMethod.GET, path, null).compose(request -> request.send().compose(response -> {
      Future<Buffer> body = response.statusCode() / 100 == 2 ? BoundedBody.collect(request, response, limit)
          : BoundedBody.errorText(request, response).map(Buffer::buffer);
      return body.map(read -> new Reply(response.statusCode(), read));
    }));
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
    return open(HttpMethod.POST, path, headers).compose(request -> {
      cancel.onCancel(() -> {
        request.reset();
        onHangUpReset.run();
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
    return client.close();
  }

  private static int port(URI uri) {
    if (uri.getPort() > 0) {
      return uri.getPort();
    }
    return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
  }
}
