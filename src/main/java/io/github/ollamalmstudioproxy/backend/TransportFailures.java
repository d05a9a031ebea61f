package io.github.ollamalmstudioproxy.backend;

import static java.util.Objects.requireNonNull;

import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.handler.codec.TooLongFrameException;
import io.vertx.core.VertxException;
import io.vertx.core.http.HttpClosedException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;

/**
 * The words and statuses for a failure to get an answer from the backend at all, saying what failed: refused, unknown
 * host, no connection in time, no answer in time, the connection closed, TLS, an answer the proxy cannot read
 * (headers too large, a malformed or conflicting head such as two Content-Lengths), or one larger than it reads
 * ({@link BackendAnswerTooLarge}). 502, or 504 for a timeout. Only the start-up hint "is its server running?" goes
 * with a refused connection, the one case it helps with.
 *
 * <p>The message never carries a Java exception's text (callers log that); anything that is not one of these
 * ({@link #kind} null, e.g. a bug or an {@link Error} such as heap exhaustion) is not a transport failure and must
 * not be worded as one. One wording for every caller: the reply writer, the catalog and the readiness probe.
 */
public final class TransportFailures {
  /** What went wrong on the way to the backend. */
  public enum Kind {
    REFUSED, UNKNOWN_HOST, CONNECT_TIMEOUT, TIMEOUT, CLOSED, TLS, TOO_LARGE, MALFORMED, BROKEN
  }

  private final URI backend;

  /** @param backend the backend's base URL, without credentials */
  public TransportFailures(URI backend) {
    this.backend = requireNonNull(backend, "backend");
  }

  /** The backend's URL as messages show it. */
  public URI backend() {
    return backend;
  }

  /** What failed, or null when {@code cause} is no transport failure (a bug, an {@link Error}). */
  public static Kind kind(Throwable cause) {
    if (cause instanceof BackendAnswerTooLarge) {
      return Kind.TOO_LARGE;
    }
    if (cause instanceof ConnectTimeoutException) {
      return Kind.CONNECT_TIMEOUT;
    }
    if (cause instanceof ConnectException) {
      return Kind.REFUSED;
    }
    if (cause instanceof UnknownHostException) {
      return Kind.UNKNOWN_HOST;
    }
    if (cause instanceof TimeoutException) {
      return Kind.TIMEOUT;
    }
    if (cause instanceof HttpClosedException || cause instanceof ClosedChannelException
        || cause instanceof PrematureChannelClosureException
        || (cause instanceof VertxException && String.valueOf(cause.getMessage()).contains("Connection was closed"))) {
      return Kind.CLOSED;
    }
    if (cause instanceof SSLException) {
      return Kind.TLS;
    }
    if (cause instanceof TooLongFrameException) {
      return Kind.TOO_LARGE;
    }
    if (cause instanceof DecoderException || fromHttpDecoder(cause)) {
      return Kind.MALFORMED;
    }
    if (cause instanceof IOException || cause instanceof VertxException) {
      return Kind.BROKEN;
    }
    return null;
  }

  public static boolean isTransport(Throwable cause) {
    return kind(cause) != null;
  }

  public int status(Throwable cause) {
    return kind(cause) == Kind.TIMEOUT ? 504 : 502;
  }

  public String message(Throwable cause) {
    Kind kind = kind(cause);
    if (kind == null) {
      return "the request to the backend at " + backend + " failed unexpectedly (the log has the details)";
    }
    if (cause instanceof BackendAnswerTooLarge) {
      // Its own words name the body and the limit.
      return cause.getMessage();
    }
    return switch (kind) {
      case REFUSED -> "cannot reach LM Studio at " + backend + ": connection refused"
          + " — is its server running? (lms server start)";
      case UNKNOWN_HOST -> "cannot reach the backend at " + backend + ": unknown host '" + backend.getHost() + "'";
      case CONNECT_TIMEOUT -> "cannot reach the backend at " + backend + ": no connection within the connect timeout"
          + " (--connect-timeout)";
      case TIMEOUT -> "the backend at " + backend + " did not answer in time"
          + (cause instanceof IdleWatch.Silence ? ": " + cause.getMessage() : " (--first-byte-timeout)");
      case CLOSED -> "the backend at " + backend + " closed the connection without an answer";
      case TLS -> "the TLS connection to the backend at " + backend + " failed";
      case TOO_LARGE -> "the backend at " + backend + " sent an answer the proxy cannot read: its headers are too"
          + " large";
      case MALFORMED -> "the backend at " + backend + " sent a malformed HTTP answer" + malformedDetail(cause);
      case BROKEN -> "the connection to the backend at " + backend + " failed";
    };
  }

  /** Netty's HTTP decoder reports a bad head (two Content-Lengths, no HTTP version) as an IllegalArgumentException. */
  private static boolean fromHttpDecoder(Throwable cause) {
    if (!(cause instanceof IllegalArgumentException)) {
      return false;
    }
    for (StackTraceElement frame : cause.getStackTrace()) {
      if (frame.getClassName().startsWith("io.netty.handler.codec.http.")) {
        return true;
      }
    }
    return false;
  }

  private static String malformedDetail(Throwable cause) {
    String text = String.valueOf(cause.getMessage());
    if (text.contains("Multiple Content-Length")) {
      return " (conflicting Content-Length headers)";
    }
    if (text.contains("invalid version format")) {
      return " (no HTTP status line)";
    }
    return "";
  }
}
