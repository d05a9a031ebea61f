package io.github.ollamalmstudioproxy.backend;

import static io.github.ollamalmstudioproxy.backend.ScriptedBackend.end;
import static io.github.ollamalmstudioproxy.backend.ScriptedBackend.pause;
import static io.github.ollamalmstudioproxy.backend.ScriptedBackend.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.ollamalmstudioproxy.backend.ScriptedBackend.Step;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 11, point 8: metadata GETs (readiness probes, model lists) run on their own few connections within their own
 * deadline, so a flood of them against a slow backend can never take the connections inference needs.
 */
class MetadataConnectionsTest {
  private static final BoundedBody.Limit LIMIT = new BoundedBody.Limit(1 << 20, "model list", null);
  private static final Duration BOUND = Duration.ofSeconds(5);
  private static final Duration SLOW = Duration.ofSeconds(20);

  private Vertx vertx;
  private ScriptedBackend backend;
  private URI base;
  private BackendClient http;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    backend = new ScriptedBackend(vertx);
    base = backend.start();
  }

  @AfterEach
  void stop() throws Exception {
    try {
      if (http != null) {
        http.close().await(5, TimeUnit.SECONDS);
      }
      backend.close();
    } finally {
      vertx.close().await(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void slowMetadataGetsHoldAtMostTheirOwnFewConnectionsAndInferenceStillGetsThrough() throws Exception {
    http = new BackendClient(vertx, base, null, SLOW, SLOW, SLOW, () -> {});
    backend.script("/v1/models", pause(1500), write("{\"data\":[]}"), end());
    backend.script("/v1/chat/completions", write("data: [DONE]\n\n"), end());
    List<Future<BackendClient.Reply>> probes = new ArrayList<>();
    for (int i = 0; i < 2 * BackendClient.METADATA_CONNECTIONS; i++) {
      probes.add(http.getMetadata("/v1/models", LIMIT));
    }
    await().atMost(BOUND).until(() -> backend.exchanges().size() == BackendClient.METADATA_CONNECTIONS);

    String answer = http.open(HttpMethod.POST, "/v1/chat/completions", null)
        .compose(HttpClientRequest::send).compose(HttpClientResponse::body).map(Buffer::toString)
        .await(BOUND.toMillis(), TimeUnit.MILLISECONDS);

    assertThat(answer).isEqualTo("data: [DONE]\n\n");
    assertThat(probes).noneMatch(Future::isComplete);
    assertThat(backend.exchanges().stream().filter(e -> e.path.equals("/v1/models"))
        .map(e -> e.link.id).collect(Collectors.toSet())).hasSize(BackendClient.METADATA_CONNECTIONS);
    for (Future<BackendClient.Reply> probe : probes) {
      assertThat(probe.await(10, TimeUnit.SECONDS).body().toString()).isEqualTo("{\"data\":[]}");
    }
  }

  @Test
  void aMetadataAnswerWithinTheDeadlineIsReadWhole() throws Exception {
    // A pause well inside the deadline: a loaded 2-core CI machine took more than 800 ms for a 300 ms pause once.
    http = new BackendClient(vertx, base, null, SLOW, Duration.ofSeconds(4), SLOW, () -> {});
    backend.script("/v1/models", write("{\"data\""), pause(300), write(":[]}"), end());

    BackendClient.Reply fetched = http.getMetadata("/v1/models", LIMIT).await(BOUND.toMillis(), TimeUnit.MILLISECONDS);

    assertThat(fetched.status()).isEqualTo(200);
    assertThat(fetched.body().toString()).isEqualTo("{\"data\":[]}");
  }

  /** A body that keeps dripping bytes never trips an idle timeout; the metadata deadline bounds the whole answer. */
  @Test
  void aMetadataAnswerThatDripsPastTheDeadlineFailsAsATimeoutAndIsReset() throws Exception {
    http = new BackendClient(vertx, base, null, SLOW, Duration.ofMillis(500), SLOW, () -> {});
    List<Step> drip = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      drip.add(write(" "));
      drip.add(pause(100));
    }
    drip.add(end());
    backend.script("/v1/models", drip.toArray(Step[]::new));

    long started = System.nanoTime();
    Future<BackendClient.Reply> fetch = http.getMetadata("/v1/models", LIMIT);
    await().atMost(BOUND).until(fetch::isComplete);

    assertThat(fetch.cause()).isInstanceOf(TimeoutException.class).hasMessageContaining("within 500 ms");
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isBetween(Duration.ofMillis(500), Duration.ofSeconds(3));
    ScriptedBackend.Link link = backend.exchanges().get(0).link;
    await().atMost(BOUND).until(link::closedByClient);
  }

  /**
   * The backend closes the connection a GET came on without answering it, as llama-server does when its 5 s
   * keep-alive ends just as a pooled connection is reused (probes every 5 s met that close every few tries and opened
   * a healthy backend's breaker). The GET was never answered, so it goes again on a fresh connection, once.
   */
  @Test
  void aMetadataGetWhoseConnectionTheBackendClosesUnansweredIsSentAgainOnAFreshOne() throws Exception {
    List<HttpConnection> connections = new CopyOnWriteArrayList<>();
    HttpServer closing = vertx.createHttpServer().requestHandler(request -> {
      connections.add(request.connection());
      if (connections.size() == 2) {
        request.connection().close();
        return;
      }
      request.response().putHeader("Content-Type", "application/json").end("{\"data\":[]}");
    });
    closing.listen(0, "127.0.0.1").await(5, TimeUnit.SECONDS);
    try {
      http = new BackendClient(vertx, URI.create("http://127.0.0.1:" + closing.actualPort()), null, SLOW,
          Duration.ofSeconds(4), SLOW, () -> {});
      assertThat(http.getMetadata("/v1/models", LIMIT).await(BOUND.toMillis(), TimeUnit.MILLISECONDS).status())
          .isEqualTo(200);

      BackendClient.Reply again = http.getMetadata("/v1/models", LIMIT).await(BOUND.toMillis(), TimeUnit.MILLISECONDS);

      assertThat(again.status()).isEqualTo(200);
      assertThat(again.body().toString()).isEqualTo("{\"data\":[]}");
      assertThat(connections).as("the first GET, the one the close met, and its replay").hasSize(3);
      assertThat(connections.get(2)).as("the replay's connection").isNotSameAs(connections.get(1));
    } finally {
      closing.close().await(5, TimeUnit.SECONDS);
    }
  }
}
