package io.github.ollamalmstudioproxy.backend;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 16, point 3: a held body in parts (a rewritten model field between two slices of the client's body) leaves
 * in the same write as the request head, so the backend's first read holds the whole request; written part by part,
 * a Node.js backend read it in two or three reads (BENCHMARKS.md).
 */
class UploadTest {
  private static final String HEAD = "{\"model\":";
  private static final String MODEL = "\"qwen/qwen3-4b\"";
  private static final String REST = ",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";

  private Vertx vertx;
  private HttpClientAgent client;
  private ServerSocket server;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    client = vertx.createHttpClient(new HttpClientOptions().setTcpNoDelay(true));
    server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    server.setSoTimeout(10_000);
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void aBodyInPartsGoesOutWithItsHeadInOneWrite() throws Exception {
    Buffer body = Buffer.buffer(HEAD + MODEL + REST);
    Buffer first = body.slice(0, HEAD.length());
    Buffer last = body.slice(HEAD.length() + MODEL.length(), body.length());
    Upload upload = Upload.of(first, Buffer.buffer(MODEL), last);

    String read = firstReadOf(upload);

    assertThat(read).startsWith("POST /v1/chat/completions HTTP/1.1\r\n")
        .containsIgnoringCase("content-length: " + body.length() + "\r\n")
        .doesNotContainIgnoringCase("transfer-encoding")
        .endsWith("\r\n\r\n" + HEAD + MODEL + REST);
    // The parts were read through slices: a replay sends them again from the start.
    assertThat(first.toString()).isEqualTo(HEAD);
    assertThat(firstReadOf(upload)).endsWith("\r\n\r\n" + HEAD + MODEL + REST);
  }

  /** Sends {@code upload} and returns what the backend's first read got, then answers so the request completes. */
  private String firstReadOf(Upload upload) throws Exception {
    var sent = client.request(new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1")
            .setPort(server.getLocalPort()).setURI("/v1/chat/completions"))
        .compose(upload::sendThrough);
    try (Socket socket = server.accept()) {
      socket.setSoTimeout(10_000);
      InputStream in = socket.getInputStream();
      byte[] buf = new byte[64 * 1024];
      int n = in.read(buf);
      OutputStream out = socket.getOutputStream();
      out.write("HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      assertThat(sent.await(10, TimeUnit.SECONDS).statusCode()).isEqualTo(204);
      return new String(buf, 0, Math.max(n, 0), StandardCharsets.UTF_8);
    }
  }
}
