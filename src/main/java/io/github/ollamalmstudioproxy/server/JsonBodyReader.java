package io.github.ollamalmstudioproxy.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.ollamalmstudioproxy.backend.BoundedBody;
import io.github.ollamalmstudioproxy.backend.ClientGoneException;
import io.github.ollamalmstudioproxy.ollama.Json;
import io.github.ollamalmstudioproxy.ollama.OllamaError;
import io.github.ollamalmstudioproxy.upstream.RefusalLog;
import io.netty.buffer.ByteBuf;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.internal.buffer.BufferInternal;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads an Ollama request body as JSON, whatever its Content-Type (Ollama ignores it, so {@code curl -d} works).
 *
 * <p>The body is bounded twice: by its own size (a declared or streamed size over {@code --max-body-size} fails with
 * 413 as soon as it is known) and by the memory all bodies being handled take together ({@link BodyBudget}: past it
 * a 503, before the body is read when its length is declared). Either way the connection is closed after the answer
 * instead of reading the rest into memory.
 *
 * <p>A route that reaches the backend takes its {@code --max-in-flight} slot here, once the body is in and valid
 * (see {@link RequestScope#bodyRead}): a client that is slow to send its body holds no slot, and past the cap the
 * answer is Ollama's 503.
 */
final class JsonBodyReader {
  private static final Logger log = LoggerFactory.getLogger(JsonBodyReader.class);

  private final long maxBytes;
  private final boolean logBodies;
  private final BodyBudget budget;
  private final RefusalLog refusals;
  private final ObjectMapper mapper;

  JsonBodyReader(long maxBytes, boolean logBodies, BodyBudget budget, RefusalLog refusals) {
    this.maxBytes = maxBytes;
    this.logBodies = logBodies;
    this.budget = budget;
    this.refusals = refusals;
    this.mapper = Json.forBodiesOf(maxBytes);
    if (!budget.couldFit(maxBytes)) {
      log.warn("--max-body-memory ({}) cannot hold a body at --max-body-size ({} bytes): a body takes about {} times"
          + " its size, so bodies over {} bytes get 413 (raise -Xmx or --max-body-memory)",
          BoundedBody.size(budget.max()), maxBytes, BodyBudget.COPIES, budget.max() / BodyBudget.COPIES);
    }
  }

  /** The parsed body; fails with an {@link OllamaError} (400, 413 or 503) that the caller answers. */
  Future<JsonNode> read(RequestScope scope) {
    return readBytes(scope).compose(bytes -> parse(scope, bytes));
  }

  /**
   * The body's bytes, bounded as above, for a route that reads them itself (the {@code /v1} layer finds its
   * {@code model} in place); the slot a {@link Routes.Trait#BODY_FIRST} route waits for is not taken here.
   */
  Future<Buffer> readBytes(RequestScope scope) {
    HttpServerRequest request = scope.request();
    long declared = parseLength(request.getHeader(HttpHeaders.CONTENT_LENGTH));
    if (declared > maxBytes) {
      return tooLarge(scope);
    }
    Reading reading = new Reading(scope, declared);
    Future<Buffer> result = reading.promise.future();
    if (declared > 0 && !reading.charge(declared)) {
      return result;
    }
    request.handler(chunk -> {
      if (reading.done()) {
        return;
      }
      long length = reading.body.length() + (long) chunk.length();
      if (length > maxBytes) {
        request.pause();
        tooLarge(scope).onFailure(reading::fail);
        return;
      }
      if (length > reading.charged && !reading.charge(length - reading.charged)) {
        request.pause();
        return;
      }
      reading.body.appendBuffer(chunk);
    });
    request.endHandler(v -> {
      if (!reading.done()) {
        reading.complete();
      }
    });
    // The client's stream broke off (a reset, a closed connection): a hang-up, answered to nobody and not an error.
    request.exceptionHandler(e -> {
      log.debug("{} request body broke off: {}", scope.id(), e.toString());
      reading.fail(new ClientGoneException());
    });
    return result;
  }

  /**
   * One body being read. Its handlers stay registered on the request for the request's whole life, so they reach the
   * body only through here, and this lets go of the bytes and the tree once the result is handed on.
   */
  private final class Reading {
    private final RequestScope scope;
    private Buffer body;
    private Promise<Buffer> promise = Promise.promise();
    /** Bytes of body charged to the budget so far (their cost is {@link BodyBudget#COPIES} times that). */
    private long charged;

    Reading(RequestScope scope, long declared) {
      this.scope = scope;
      // Sized once when the length is known: a growing buffer would copy itself on the way.
      this.body = declared > 0 && declared <= Integer.MAX_VALUE ? Buffer.buffer((int) declared) : Buffer.buffer();
    }

    boolean done() {
      return promise == null || promise.future().isComplete();
    }

    /** Charges {@code more} bytes of body to the budget; on refusal fails the read with 413 or 503. */
    boolean charge(long more) {
      long bytes = charged + more;
      if (!budget.couldFit(bytes)) {
        closeAfterAnswer();
        fail(new OllamaError(413, "request body too large: " + bytes + " bytes need about "
            + BoundedBody.size(BodyBudget.cost(bytes)) + " of memory, more than --max-body-memory allows ("
            + BoundedBody.size(budget.max()) + ")"));
        return false;
      }
      long cost = BodyBudget.cost(more);
      if (!budget.tryTake(cost)) {
        // Clients get Ollama's own words for a full server; the log says which limit it was, once per burst.
        refusals.refused(scope.id(), "request bodies hold " + BoundedBody.size(budget.held()) + " of "
            + BoundedBody.size(budget.max()) + " (--max-body-memory); this one needs " + BoundedBody.size(cost)
            + " more");
        closeAfterAnswer();
        fail(new Busy());
        return false;
      }
      if (charged == 0) {
        scope.holdsBody(() -> budget.release(BodyBudget.cost(charged)));
      }
      charged = bytes;
      return true;
    }

    void fail(Throwable cause) {
      Promise<Buffer> pending = promise;
      forget();
      if (pending != null) {
        pending.tryFail(cause);
      }
    }

    void complete() {
      Buffer bytes = body;
      Promise<Buffer> pending = promise;
      forget();
      if (logBodies && log.isDebugEnabled()) {
        log.debug("{} request body: {}", scope.id(), LogText.escape(bytes.toString(), Integer.MAX_VALUE));
      }
      pending.complete(bytes);
    }

    private void forget() {
      body = null;
      promise = null;
    }

    private void closeAfterAnswer() {
      scope.response().putHeader(HttpHeaders.CONNECTION, "close");
    }
  }

  /** The body as a JSON object, then the slot a body-first route waits for. */
  private Future<JsonNode> parse(RequestScope scope, Buffer bytes) {
    JsonNode node;
    try {
      node = object(bytes);
    } catch (OllamaError e) {
      return Future.failedFuture(e);
    }
    if (!scope.bodyRead()) {
      return Future.failedFuture(new Busy());
    }
    return Future.succeededFuture(node);
  }

  /**
   * {@code bytes} parsed as one JSON object, with the string limits of request bodies.
   *
   * @throws OllamaError 400 naming what is wrong
   */
  JsonNode object(Buffer bytes) {
    if (bytes.length() == 0) {
      throw OllamaError.badRequest("missing request body");
    }
    JsonNode node;
    try {
      node = tree(bytes);
    } catch (JsonProcessingException e) {
      throw OllamaError.badRequest(Json.describe(e));
    } catch (IOException e) {
      throw OllamaError.badRequest("invalid JSON: " + e.getMessage());
    }
    if (node == null || node.isMissingNode()) {
      throw OllamaError.badRequest("missing request body");
    }
    if (!node.isObject()) {
      throw OllamaError.badRequest("invalid request body: expected a JSON object");
    }
    return node;
  }

  /** Parses the bytes where they are: a copy would be one more body in memory. */
  private JsonNode tree(Buffer bytes) throws IOException {
    ByteArray array = bytesOf(bytes);
    return mapper.readTree(array.bytes(), array.offset(), array.length());
  }

  /** A run of bytes inside an array. */
  record ByteArray(byte[] bytes, int offset, int length) {}

  /** Where a body's bytes are, without copying them when they sit in one heap array (as a read body does). */
  static ByteArray bytesOf(Buffer body) {
    ByteBuf buf = ((BufferInternal) body).getByteBuf();
    if (buf.hasArray()) {
      return new ByteArray(buf.array(), buf.arrayOffset() + buf.readerIndex(), buf.readableBytes());
    }
    byte[] copy = body.getBytes();
    return new ByteArray(copy, 0, copy.length);
  }

  private <T> Future<T> tooLarge(RequestScope scope) {
    scope.response().putHeader(HttpHeaders.CONNECTION, "close");
    return Future.failedFuture(new OllamaError(413, "request body too large: the limit is " + maxBytes
        + " bytes (--max-body-size)"));
  }

  private static long parseLength(String value) {
    if (value == null) {
      return -1;
    }
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
