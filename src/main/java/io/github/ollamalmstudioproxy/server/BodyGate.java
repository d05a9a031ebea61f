package io.github.ollamalmstudioproxy.server;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every route owes a request body before reading it: a declared {@code Content-Length} over
 * {@code --max-body-size} is a 413 at once, on every route (Ollama's, {@code /v1/*} and LM Studio's own), and an
 * {@code Expect: 100-continue} is answered with {@code 100 Continue} only once every other check passed, so a client
 * that would be refused (401, 403, 404, 413, 503) never sends its body. Any other expectation is a 417 (RFC 9110
 * §10.1.1), as Go's server answers.
 *
 * <p>A body sent without a length (chunked) is counted while it is read: {@link JsonBodyReader} for Ollama's routes,
 * the upload pump for the passthrough.
 */
final class BodyGate {
  private static final Logger log = LoggerFactory.getLogger(BodyGate.class);
  private static final String CONTINUE = "100-continue";

  private final long maxBytes;

  BodyGate(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  long maxBytes() {
    return maxBytes;
  }

  /** The 413 message for this limit, the same on every route. */
  String tooLargeMessage() {
    return "request body too large: the limit is " + maxBytes + " bytes (--max-body-size)";
  }

  /** Checks the expectation and the declared length; false when the request was answered here (417 or 413). */
  boolean admit(RequestScope scope) {
    HttpServerRequest request = scope.request();
    String expect = request.getHeader(HttpHeaders.EXPECT);
    if (expect != null && !expect.trim().equalsIgnoreCase(CONTINUE)) {
      log.info("{} refused: unsupported expectation {}", scope.id(), LogText.quote(expect));
      scope.response().putHeader(HttpHeaders.CONNECTION, "close");
      Replies.error(scope, 417, "expectation failed: only 100-continue is supported");
      return false;
    }
    long declared = declaredLength(request);
    if (declared > maxBytes) {
      log.info("{} refused: declared body of {} bytes over --max-body-size {}", scope.id(), declared, maxBytes);
      tooLarge(scope);
      return false;
    }
    return true;
  }

  /** Answers 413 and closes the connection afterwards: the rest of the body is never read. */
  void tooLarge(RequestScope scope) {
    scope.response().putHeader(HttpHeaders.CONNECTION, "close");
    Replies.error(scope, 413, tooLargeMessage());
  }

  /** Sends {@code 100 Continue} when the client waits for it before sending its body; once. */
  static void continueIfExpected(RequestScope scope) {
    if (awaitsContinue(scope)) {
      scope.continueSent();
      scope.response().writeContinue();
    }
  }

  /**
   * True while the client holds its body back for a {@code 100 Continue} it was not sent: an answer now must close
   * the connection, since the client may send the body or not, and the next request could not be told from it.
   */
  static boolean awaitsContinue(RequestScope scope) {
    return !scope.wasContinueSent() && hasBody(scope.request())
        && CONTINUE.equalsIgnoreCase(String.valueOf(scope.request().getHeader(HttpHeaders.EXPECT)).trim());
  }

  /** The declared Content-Length, or -1 when there is none (or it is not a number: Netty refuses those first). */
  static long declaredLength(HttpServerRequest request) {
    String value = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (value == null) {
      return -1;
    }
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** Whether the request has a body to read: a non-zero length or a transfer coding. */
  static boolean hasBody(HttpServerRequest request) {
    return declaredLength(request) > 0 || request.getHeader(HttpHeaders.TRANSFER_ENCODING) != null;
  }
}
