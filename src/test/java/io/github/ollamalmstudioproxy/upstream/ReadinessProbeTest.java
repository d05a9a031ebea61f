package io.github.ollamalmstudioproxy.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.ollamalmstudioproxy.backend.BackendClient.Reply;
import io.github.ollamalmstudioproxy.backend.TransportFailures;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import java.net.ConnectException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Readiness checks share one probe in flight and reuse its result for {@link ReadinessProbe#CACHE_FOR}. */
class ReadinessProbeTest {
  private static final Reply READY = new Reply(200, Buffer.buffer("{\"data\":[],\"object\":\"list\"}"));
  private final AtomicLong now = new AtomicLong(5_000_000_000L);
  private final List<Promise<Reply>> fetches = new ArrayList<>();
  private final ReadinessProbe probe = new ReadinessProbe(() -> {
    Promise<Reply> fetch = Promise.promise();
    fetches.add(fetch);
    return fetch.future();
  }, new TransportFailures(URI.create("http://127.0.0.1:1234")), now::get);

  @Test
  void concurrentChecksShareTheProbeInFlight() {
    List<Future<Void>> checks = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      checks.add(probe.check());
    }
    assertThat(fetches).hasSize(1);
    fetches.get(0).complete(READY);
    assertThat(checks).allMatch(Future::succeeded);
  }

  @Test
  void aResultAnswersEveryCheckForOneSecondAfterItArrived() {
    probe.check();
    advance(Duration.ofSeconds(3));
    fetches.get(0).complete(READY);

    advance(ReadinessProbe.CACHE_FOR.minusNanos(1));
    assertThat(probe.check().succeeded()).isTrue();
    assertThat(fetches).as("just under a second after the result").hasSize(1);

    advance(Duration.ofNanos(1));
    Future<Void> fresh = probe.check();
    assertThat(fetches).as("a second after the result").hasSize(2);
    assertThat(fresh.isComplete()).isFalse();
  }

  @Test
  void aFailureIsSharedAndCachedTooWithItsReason() {
    Future<Void> first = probe.check();
    Future<Void> second = probe.check();
    fetches.get(0).fail(new ConnectException("Connection refused"));

    assertThat(first.cause()).isInstanceOf(ReadinessProbe.NotReady.class)
        .hasMessageContaining("cannot reach LM Studio at http://127.0.0.1:1234");
    assertThat(second.cause()).isSameAs(first.cause());
    advance(ReadinessProbe.CACHE_FOR.minusNanos(1));
    assertThat(probe.check().cause()).isSameAs(first.cause());
    assertThat(fetches).hasSize(1);
  }

  @Test
  void anAnswerWithoutAModelListIsNotReady() {
    Future<Void> check = probe.check();
    fetches.get(0).complete(new Reply(200, Buffer.buffer("{\"error\":\"Unexpected endpoint or method. (GET /v1/models)\"}")));
    assertThat(check.cause()).hasMessageContaining("without a model list");
    advance(ReadinessProbe.CACHE_FOR);
    Future<Void> next = probe.check();
    fetches.get(1).complete(new Reply(503, Buffer.buffer("busy")));
    assertThat(next.cause()).hasMessage("backend answered HTTP 503 on /v1/models");
  }

  private void advance(Duration d) {
    now.addAndGet(d.toNanos());
  }
}
