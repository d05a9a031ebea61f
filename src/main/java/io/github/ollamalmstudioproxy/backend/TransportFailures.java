package io.github.ollamalmstudioproxy.backend;

import static java.util.Objects.requireNonNull;

import io.netty.channel.ConnectTimeoutException;
import io.vertx.core.http.HttpClosedException;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.concurrent.TimeoutException;

/**
 * The words and statuses for a failure to get an answer from the backend at all: 502 when it cannot be reached (with
 * the hint users need most: start LM Studio's server) or answered more than the proxy reads
 * ({@link BackendAnswerTooLarge}), 504 when it stayed silent past a timeout. One wording for every caller: the reply
 * writer, the catalog and the readiness probe.
 */
public final class TransportFailures {
  private final URI backend;

  public TransportFailures(URI backend) {
    this.backend = requireNonNull(backend, "backend");
  }

  public int status(Throwable cause) {
    return cause instanceof TimeoutException ? 504 : 502;
  }

  public String message(Throwable cause) {
    if (cause instanceof TimeoutException) {
      return "the backend at " + backend + " did not answer in time: " + cause.getMessage();
    }
    if (cause instanceof BackendAnswerTooLarge) {
      return cause.getMessage();
    }
    return "cannot reach LM Studio at " + backend + ": " + reason(cause)
        + " — is its server running? (lms server start)";
  }

  private static String reason(Throwable cause) {
    if (cause instanceof ConnectException || cause instanceof ConnectTimeoutException) {
      return "connection refused or timed out";
    }
    if (cause instanceof UnknownHostException) {
      return "unknown host";
    }
    if (cause instanceof HttpClosedException) {
      return "connection closed by the backend";
    }
    String text = cause.getMessage();
    return text == null ? cause.getClass().getSimpleName() : text;
  }
}
