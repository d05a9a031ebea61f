package io.github.ollamalmstudioproxy.backend;

import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;
import java.net.URI;
import java.time.Duration;

/** The socket and protocol options of the connections to a backend; one place, so a test can pin them. */
public final class BackendSockets {
  /** Backends such as llama-server close idle keep-alive connections after 5 s; give ours up a little earlier. */
  static final int KEEP_ALIVE_SECONDS = 4;

  private BackendSockets() {}

  /** The options of both of a backend's connection pools (inference and metadata). */
  public static HttpClientOptions clientOptions(URI base, Duration connectTimeout) {
    return new HttpClientOptions()
        .setProtocolVersion(HttpVersion.HTTP_1_1)
        .setSsl("https".equalsIgnoreCase(base.getScheme()))
        .setDefaultHost(base.getHost())
        .setDefaultPort(BackendClient.port(base))
        .setKeepAlive(true)
        .setKeepAliveTimeout(KEEP_ALIVE_SECONDS)
        // A request (or the last piece of its body) leaves at once, not once the previous segment was acknowledged.
        .setTcpNoDelay(true)
        .setDecompressionSupported(false)
        .setConnectTimeout((int) connectTimeout.toMillis());
  }
}
