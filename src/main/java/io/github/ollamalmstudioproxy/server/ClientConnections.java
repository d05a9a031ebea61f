package io.github.ollamalmstudioproxy.server;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listener's own deadlines, per client connection, in the spirit of Go's {@code net/http} server
 * ({@code ReadHeaderTimeout}, {@code ReadTimeout}, {@code IdleTimeout}), so that a client that sends nothing, or
 * sends slowly, cannot keep a connection (and its file descriptor) forever:
 *
 * <pre>
 *   connection opened ──── --header-timeout ────▶ the first request's headers are in
 *   headers in ─────────── --body-timeout ──────▶ its body is in   (else the route's request is abandoned with 408)
 *   response and body done ─ --keep-alive-timeout ─▶ the next request's headers are in
 * </pre>
 *
 * <p>A deadline that passes closes the connection. Nothing is timed while a request is being served once its body is
 * in: a long, silent prompt prefill is the business of the backend timeouts. Between two requests the keep-alive
 * deadline covers both the idle time and the next request's headers, because Vert.x reports no "first byte of the
 * next request"; a fresh connection gets the short header deadline.
 *
 * <p>Each new connection also checks the file-descriptor headroom ({@link FdHeadroom}), which warns before the
 * process runs out. Each connection's watch is used on that connection's event loop only; the map is shared.
 */
final class ClientConnections {
  private static final Logger log = LoggerFactory.getLogger(ClientConnections.class);

  private final Vertx vertx;
  private final long headerMillis;
  private final long bodyMillis;
  private final long keepAliveMillis;
  private final Map<HttpConnection, Watch> watches = new ConcurrentHashMap<>();
  private final FdHeadroom descriptors;

  ClientConnections(Vertx vertx, Duration header, Duration body, Duration keepAlive, FdHeadroom descriptors) {
    this.vertx = vertx;
    this.descriptors = descriptors;
    this.headerMillis = Math.max(1, header.toMillis());
    this.bodyMillis = Math.max(1, body.toMillis());
    this.keepAliveMillis = Math.max(1, keepAlive.toMillis());
  }

  /** A client connected: its first request's headers are due within the header timeout. */
  void opened(HttpConnection connection) {
    Watch watch = new Watch(connection);
    watches.put(connection, watch);
    connection.closeHandler(v -> {
      Watch gone = watches.remove(connection);
      if (gone != null) {
        gone.closed();
      }
    });
    watch.await(headerMillis, "--header-timeout");
    descriptors.clientConnected(watches.size());
  }

  /**
   * A request's headers are in: its body is due within the body timeout, else {@code bodyTimedOut} runs (on the
   * connection's event loop) and is expected to answer and close the connection.
   */
  void requestStarted(HttpServerRequest request, Runnable bodyTimedOut) {
    Watch watch = watches.get(request.connection());
    if (watch != null) {
      watch.started(request, bodyTimedOut);
    }
  }

  /** A request's response ended: once its body is in too, the connection idles under the keep-alive timeout. */
  void responseEnded(HttpServerRequest request) {
    Watch watch = watches.get(request.connection());
    if (watch != null) {
      watch.responseEnded(request);
    }
  }

  /** Client connections open now. */
  int open() {
    return watches.size();
  }

  private final class Watch {
    private final HttpConnection connection;
    /** The header or keep-alive timer, while no request is being served; -1 when none. */
    private long waitTimer = -1;
    private long bodyTimer = -1;
    private HttpServerRequest current;
    private boolean requestEnded;
    private boolean responseEnded;
    private boolean closed;

    Watch(HttpConnection connection) {
      this.connection = connection;
    }

    void await(long millis, String option) {
      cancelWait();
      if (closed) {
        return;
      }
      waitTimer = vertx.setTimer(millis, t -> {
        waitTimer = -1;
        log.debug("closing client connection {}: no request within {} ms ({})", connection.remoteAddress(), millis,
            option);
        connection.close();
      });
    }

    void started(HttpServerRequest request, Runnable bodyTimedOut) {
      cancelWait();
      cancelBody();
      current = request;
      requestEnded = false;
      responseEnded = false;
      if (request.isEnded()) {
        requestEnded = true;
        return;
      }
      bodyTimer = vertx.setTimer(bodyMillis, t -> {
        bodyTimer = -1;
        if (current == request && !requestEnded) {
          bodyTimedOut.run();
        }
      });
      request.end().onComplete(r -> {
        if (current == request) {
          cancelBody();
          requestEnded = true;
          if (responseEnded) {
            await(keepAliveMillis, "--keep-alive-timeout");
          }
        }
      });
    }

    void responseEnded(HttpServerRequest request) {
      // With pipelining, Vert.x may start the next request before it reports the end of this one's response.
      if (current != request) {
        return;
      }
      responseEnded = true;
      if (requestEnded) {
        await(keepAliveMillis, "--keep-alive-timeout");
      }
    }

    void closed() {
      closed = true;
      cancelWait();
      cancelBody();
    }

    private void cancelWait() {
      if (waitTimer >= 0) {
        vertx.cancelTimer(waitTimer);
        waitTimer = -1;
      }
    }

    private void cancelBody() {
      if (bodyTimer >= 0) {
        vertx.cancelTimer(bodyTimer);
        bodyTimer = -1;
      }
    }
  }
}
