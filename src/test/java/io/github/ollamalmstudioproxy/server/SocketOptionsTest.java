package io.github.ollamalmstudioproxy.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.ollamalmstudioproxy.backend.BackendSockets;
import io.github.ollamalmstudioproxy.config.ListenAddress;
import io.github.ollamalmstudioproxy.config.ProxyConfig;
import io.netty.channel.ChannelOption;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.net.impl.ConnectionBase;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code TCP_NODELAY} on both of the proxy's sockets (issue 16): without it a streamed token can wait for the
 * acknowledgement of the one before it (Nagle), tens of milliseconds on some stacks. Read from the sockets of a real
 * loopback connection made with the options the proxy uses, on the server side and on the backend-client side.
 */
class SocketOptionsTest {
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void bothSocketsOfAStreamSendWithoutDelay() throws Exception {
    ProxyConfig config = ProxyConfig.defaults().withListen(new ListenAddress("127.0.0.1", 0));
    CompletableFuture<Boolean> serverSide = new CompletableFuture<>();
    HttpServer server = vertx.createHttpServer(ProxyServer.serverOptions(config))
        .connectionHandler(conn -> serverSide.complete(noDelay(conn)))
        .requestHandler(req -> req.response().end("ok"))
        .listen().await(10, TimeUnit.SECONDS);
    URI base = URI.create("http://127.0.0.1:" + server.actualPort());

    CompletableFuture<Boolean> clientSide = new CompletableFuture<>();
    var client = vertx.httpClientBuilder()
        .with(BackendSockets.clientOptions(base, Duration.ofSeconds(5)))
        .withConnectHandler(conn -> clientSide.complete(noDelay(conn)))
        .build();
    String body = client.request(HttpMethod.GET, "/")
        .compose(req -> req.send().compose(resp -> resp.body()))
        .await(10, TimeUnit.SECONDS).toString();

    assertThat(body).isEqualTo("ok");
    assertThat(ProxyServer.serverOptions(config).isTcpNoDelay()).isTrue();
    assertThat(BackendSockets.clientOptions(base, Duration.ofSeconds(5)).isTcpNoDelay()).isTrue();
    assertThat(serverSide.get(10, TimeUnit.SECONDS)).as("client-facing socket").isTrue();
    assertThat(clientSide.get(10, TimeUnit.SECONDS)).as("backend socket").isTrue();
  }

  @Test
  void serverCarriesNoWebSocketExtensionHandler() throws Exception {
    ProxyConfig config = ProxyConfig.defaults().withListen(new ListenAddress("127.0.0.1", 0));
    assertThat(ProxyServer.serverOptions(config).getPerFrameWebSocketCompressionSupported()).isFalse();
    assertThat(ProxyServer.serverOptions(config).getPerMessageWebSocketCompressionSupported()).isFalse();
  }

  private static boolean noDelay(HttpConnection conn) {
    return ((ConnectionBase) conn).channel().config().getOption(ChannelOption.TCP_NODELAY);
  }
}
