package io.github.ollamalmstudioproxy.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request being served: the Vert.x request and response, its log record, and the client-gone signal.
 *
 * <p>Confined to the request's event-loop context; work finishing elsewhere (a shared JIT load) comes back through
 * {@link #resume}. A peer close is reported once, and never for a close the simulator caused itself.
 */
final class Exchange {
  private static final Logger LOG = LoggerFactory.getLogger(Exchange.class);
  private static final String JSON = "application/json; charset=utf-8";

  final HttpServerRequest request;
  final HttpServerResponse response;
  final RecordedRequest record;
  final Context context;
  /** Epoch seconds of receipt: the {@code created} of every chunk (reference §2.2). */
  final long createdSeconds = System.currentTimeMillis() / 1000;
  JsonNode body = NullNode.getInstance();

  private static final int PAD_CHUNK = 64 * 1024;

  private final RequestLog log;
  private final List<Runnable> clientGoneListeners = new ArrayList<>();
  private long padTo;
  private boolean clientGone;
  private boolean serverClosing;
  private boolean ended;
  private boolean closeAfterEnd;

  Exchange(HttpServerRequest request, RecordedRequest record, Context context, RequestLog log) {
    this.request = request;
    this.response = request.response();
    this.record = record;
    this.context = context;
    this.log = log;
  }

  /** Runs {@code listener} when the peer closes the connection before the response ended. */
  void onClientGone(Runnable listener) {
    if (clientGone) {
      listener.run();
    } else {
      clientGoneListeners.add(listener);
    }
  }

  boolean clientGone() {
    return clientGone;
  }

  void clientClosed() {
    // Vert.x may report a connection close after this response ended (keep-alive close); that is no hang-up.
    if (clientGone || serverClosing || ended) {
      return;
    }
    clientGone = true;
    log.clientClosed(record);
    // LM Studio's own wording, so logs read the same with the simulator and the real server.
    LOG.debug("[LM STUDIO SERVER] Client disconnected. Stopping generation... ({} {})", record.method(),
        record.path());
    clientGoneListeners.forEach(Runnable::run);
    clientGoneListeners.clear();
  }

  /** Continues on this request's context once {@code future} completes, wherever it completes. */
  <T> void resume(Future<T> future, Handler<AsyncResult<T>> then) {
    future.onComplete(result -> context.runOnContext(v -> {
      if (!clientGone) {
        then.handle(result);
      }
    }));
  }

  void sendJson(int status, JsonNode node) {
    send(status, JSON, SimJson.write(node));
  }

  void fail(SimulatorFailure failure) {
    if (failure.padTo() > 0) {
      padTo(failure.padTo());
    }
    send(failure.status(), failure.contentType(), failure.body());
  }

  /** The answer's body is followed by spaces up to {@code totalBytes} in all (a scripted oversized answer). */
  void padTo(long totalBytes) {
    this.padTo = totalBytes;
  }

  void send(int status, String contentType, String body) {
    if (clientGone || response.ended()) {
      return;
    }
    response.setStatusCode(status).putHeader("Content-Type", contentType);
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    if (padTo > bytes.length) {
      response.putHeader("Content-Length", Long.toString(padTo));
      response.write(Buffer.buffer(bytes));
      pad(padTo - bytes.length);
    } else {
      end(body);
    }
  }

  /** Writes {@code left} more spaces as fast as the reader takes them, then ends; stops if the reader leaves. */
  private void pad(long left) {
    long rest = left;
    while (rest > 0 && !clientGone && !response.writeQueueFull()) {
      int n = (int) Math.min(rest, PAD_CHUNK);
      response.write(Buffer.buffer(" ".repeat(n)));
      rest -= n;
    }
    if (clientGone) {
      return;
    }
    if (rest > 0) {
      long remaining = rest;
      response.drainHandler(v -> pad(remaining));
    } else {
      end("");
    }
  }

  /**
   * Ends the response with a last piece of body (may be empty). It counts as completed before the bytes leave, so a
   * client that has read the whole answer always finds {@link RecordedRequest#completed()} true.
   */
  void end(String last) {
    if (clientGone || ended || response.ended()) {
      return;
    }
    ended = true;
    log.completed(record);
    if (closeAfterEnd) {
      response.end(last).onComplete(done -> closeConnection());
    } else {
      response.end(last);
    }
  }

  /** Closes the connection as soon as this answer has ended, whatever its headers announced. */
  void closeAfterEnd() {
    closeAfterEnd = true;
  }

  /** Drops the connection without finishing the response: the scripted "abrupt close" fault. */
  void closeConnection() {
    serverClosing = true;
    request.connection().close();
  }
}
