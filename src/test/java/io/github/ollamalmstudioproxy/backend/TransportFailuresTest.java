package io.github.ollamalmstudioproxy.backend;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.vertx.core.http.HttpClosedException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

class TransportFailuresTest {
  private final TransportFailures failures = new TransportFailures(URI.create("http://lm.example:1234"));

  /**
   * Vert.x fails a request that got no connection within its connect timeout (none made in time, or none free in the
   * pool under a burst) with a bare TimeoutException; it must read as the connect timeout, not as the backend's
   * silence before its first byte (seen with 1,000 streams on a loaded machine: "did not answer in time
   * (--first-byte-timeout)" with that timeout at 10 minutes and the burst under one).
   */
  @Test
  void noConnectionInTimeIsTheConnectTimeoutNotTheFirstByteTimeout() {
    Throwable mapped = BackendClient.noConnection(new TimeoutException("The timeout of 5000 ms has been exceeded"))
        .cause();
    assertThat(failures.message(mapped)).contains("no connection within the connect timeout (--connect-timeout)");
    assertThat(failures.status(mapped)).isEqualTo(failures.status(new ConnectTimeoutException("connect")));
    Throwable other = new ConnectException("refused");
    assertThat(BackendClient.noConnection(other).cause()).isSameAs(other);
  }

  @Test
  void eachFailureSaysWhatFailed() {
    assertThat(failures.message(new ConnectException("Connection refused: /10.0.0.1:1234")))
        .isEqualTo("cannot reach LM Studio at http://lm.example:1234: connection refused — is its server running?"
            + " (lms server start)");
    assertThat(failures.message(new UnknownHostException("lm.example: Name or service not known")))
        .isEqualTo("cannot reach the backend at http://lm.example:1234: unknown host 'lm.example'");
    assertThat(failures.message(new ConnectTimeoutException("connection timed out after 5000 ms")))
        .contains("no connection within the connect timeout (--connect-timeout)");
    assertThat(failures.message(new TimeoutException("The timeout period of 600000ms has been exceeded")))
        .isEqualTo("the backend at http://lm.example:1234 did not answer in time (--first-byte-timeout)");
    assertThat(failures.message(new IdleWatch.Silence("no data from the backend for 300 ms (--idle-timeout)")))
        .endsWith("did not answer in time: no data from the backend for 300 ms (--idle-timeout)");
    assertThat(failures.message(new HttpClosedException("Connection was closed")))
        .endsWith("closed the connection without an answer");
    assertThat(failures.message(new SSLHandshakeException("PKIX path building failed"))).contains("TLS");
    assertThat(failures.message(new TooLongHttpHeaderException("HTTP header is larger than 8192 bytes.")))
        .endsWith("its headers are too large");
    assertThat(failures.message(new SocketException("Connection reset"))).endsWith("connection to the backend at"
        + " http://lm.example:1234 failed");
  }

  @Test
  void timeoutsAre504AndTheRest502() {
    assertThat(failures.status(new TimeoutException("x"))).isEqualTo(504);
    assertThat(failures.status(new IdleWatch.Silence("x"))).isEqualTo(504);
    assertThat(failures.status(new ConnectException("x"))).isEqualTo(502);
    assertThat(failures.status(new IOException("x"))).isEqualTo(502);
  }

  @Test
  void errorsAndBugsAreNoTransportFailure() {
    assertThat(TransportFailures.kind(new OutOfMemoryError("Java heap space"))).isNull();
    assertThat(TransportFailures.kind(new IllegalStateException("a bug"))).isNull();
    assertThat(TransportFailures.kind(new NullPointerException())).isNull();
    assertThat(failures.message(new OutOfMemoryError("Java heap space")))
        .doesNotContain("heap").doesNotContain("is its server running").contains("the log has the details");
  }

  @Test
  void noMessageCarriesTheExceptionsText() {
    for (Throwable cause : new Throwable[] {new ConnectException("SECRET"), new UnknownHostException("SECRET"),
        new TimeoutException("SECRET"), new HttpClosedException("SECRET"), new SocketException("SECRET"),
        new TooLongHttpHeaderException("SECRET"), new IllegalStateException("SECRET")}) {
      assertThat(failures.message(cause)).as(cause.getClass().getName()).doesNotContain("SECRET");
    }
  }
}
