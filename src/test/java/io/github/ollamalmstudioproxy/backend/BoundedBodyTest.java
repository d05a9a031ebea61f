package io.github.ollamalmstudioproxy.backend;

import static io.github.ollamalmstudioproxy.backend.ScriptedBackend.end;
import static io.github.ollamalmstudioproxy.backend.ScriptedBackend.pause;
import static io.github.ollamalmstudioproxy.backend.ScriptedBackend.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.github.ollamalmstudioproxy.backend.BoundedBody.Limit;
import io.github.ollamalmstudioproxy.backend.BoundedBody.Sink;
import io.github.ollamalmstudioproxy.backend.ScriptedBackend.Exchange;
import io.github.ollamalmstudioproxy.backend.ScriptedBackend.Head;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link BoundedBody} on real loopback sockets, through the calls that use it ({@link BackendClient#get} and
 * {@link JsonPost}): a body of exactly the limit is read whole and the connection kept, one byte more fails at once
 * (not when the backend finally ends) and resets the backend request. Scripts that go over a limit then stall for
 * longer than {@link #BOUND}, so a read that waited for the end could not pass.
 */
class BoundedBodyTest {
  private static final Duration BOUND = Duration.ofSeconds(5);
  private static final Duration SLOW = Duration.ofSeconds(20);
  private static final long STALL = 10_000;
  private static final Limit LIMIT = new Limit(1000, "test answer (GET /answer)", "ask for less");
  private static final Head JSON = new Head(200, "application/json", -1);
  private static final Head HTML_500 = new Head(500, "text/html", -1);

  private Vertx vertx;
  private Context context;
  private ScriptedBackend backend;
  private BackendClient http;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    context = vertx.getOrCreateContext();
    backend = new ScriptedBackend(vertx);
    URI base = backend.start();
    http = new BackendClient(vertx, base, null, SLOW, SLOW, SLOW, () -> {});
  }

  @AfterEach
  void stop() throws Exception {
    try {
      http.close().await(5, TimeUnit.SECONDS);
      backend.close();
    } finally {
      vertx.close().await(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void aBodyOfExactlyTheLimitIsReadWholeAndTheConnectionKept() throws Exception {
    backend.script("/answer", JSON, write("a".repeat(400)), pause(20), write("b".repeat(600)), end());

    BackendClient.Reply reply = onLoop(() -> http.getMetadata("/answer", LIMIT));

    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.body().toString()).isEqualTo("a".repeat(400) + "b".repeat(600));
    Exchange exchange = exchange();
    exchange.ended.get(BOUND.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(exchange.link.closedByClient()).as("kept for reuse").isFalse();
  }

  @Test
  void oneByteOverTheLimitFailsAtOnceNamingTheLimitAndResetsTheBackend() {
    backend.script("/answer", JSON, write("a".repeat(400)), pause(20), write("b".repeat(601)), pause(STALL), end());

    assertThatThrownBy(() -> onLoop(() -> http.getMetadata("/answer", LIMIT)))
        .isInstanceOf(BackendAnswerTooLarge.class)
        .hasMessage("the backend's test answer (GET /answer) is larger than 1000 bytes, the most the proxy reads;"
            + " ask for less");
    Exchange exchange = exchange();
    await().atMost(BOUND).until(exchange.link::closedByClient);
    assertThat(exchange.ended).as("the backend never got to end its body").isNotDone();
  }

  @Test
  void aDeclaredLengthOfExactlyTheLimitIsRead() throws Exception {
    backend.script("/answer", new Head(200, "application/json", 1000), write("c".repeat(1000)), end());

    assertThat(onLoop(() -> http.getMetadata("/answer", LIMIT)).body().length()).isEqualTo(1000);
  }

  @Test
  void aDeclaredLengthOverTheLimitFailsBeforeTheBodyArrives() {
    // Vert.x sends the headers with the first bytes: one byte, then a stall before the rest.
    backend.script("/answer", new Head(200, "application/json", 1001), write("c"), pause(STALL),
        write("c".repeat(1000)), end());

    assertThatThrownBy(() -> onLoop(() -> http.getMetadata("/answer", LIMIT))).isInstanceOf(BackendAnswerTooLarge.class);
    Exchange exchange = exchange();
    await().atMost(BOUND).until(exchange.link::closedByClient);
  }

  @Test
  void anErrorBodyOfExactly64KiBIsReadWhole() throws Exception {
    String page = "<html>" + "x".repeat(BoundedBody.MAX_ERROR_BODY - 6);
    backend.script("/answer", HTML_500, write(page), end());

    BackendClient.Reply reply = onLoop(() -> http.getMetadata("/answer", LIMIT));

    assertThat(reply.status()).isEqualTo(500);
    assertThat(reply.body().toString()).isEqualTo(page);
    exchange().ended.get(BOUND.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(exchange().link.closedByClient()).isFalse();
  }

  @Test
  void anErrorBodyPast64KiBGivesItsFirst64KiBAtOnceAndResetsTheBackend() throws Exception {
    String page = "<html>" + "x".repeat(BoundedBody.MAX_ERROR_BODY - 6);
    backend.script("/answer", HTML_500, write(page), pause(20), write("y"), pause(STALL), end());

    BackendClient.Reply reply = onLoop(() -> http.getMetadata("/answer", LIMIT));

    assertThat(reply.body().toString()).isEqualTo(page);
    Exchange exchange = exchange();
    await().atMost(BOUND).until(exchange.link::closedByClient);
  }

  @Test
  void aSinkThatFailsFailsTheReadWithItsOwnErrorAndResetsTheBackend() {
    backend.script("/v1/embeddings", JSON, write("{\"data\":" + " ".repeat(300)), pause(STALL), end());
    IllegalStateException broken = new IllegalStateException("not an embedding");
    Sink<Void> failing = new Sink<>() {
      @Override
      public void chunk(Buffer chunk) {
        throw broken;
      }

      @Override
      public Void end() {
        return null;
      }
    };

    assertThatThrownBy(() -> onLoop(() -> new JsonPost(http).send("/v1/embeddings", Buffer.buffer("{}"),
        CancelSignal.NEVER, LIMIT, () -> failing))).isSameAs(broken);
    Exchange exchange = exchange();
    await().atMost(BOUND).until(exchange.link::closedByClient);
  }

  @Test
  void aJsonAnswerGoesThroughTheErrorCheckToTheSinkIntact() throws Exception {
    String answer = "{\"data\":[" + "1,".repeat(300) + "1]}";
    backend.script("/v1/embeddings", JSON, write(answer.substring(0, 10)), pause(20), write(answer.substring(10, 500)),
        pause(20), write(answer.substring(500)), end());

    Buffer read = onLoop(() -> new JsonPost(http).send("/v1/embeddings", Buffer.buffer("{}"), CancelSignal.NEVER,
        LIMIT, BoundedBody::collecting));

    assertThat(read.toString()).isEqualTo(answer);
  }

  @Test
  void aSuccessStatusWithAnErrorBodyFailsAsTheBackendsError() {
    backend.script("/v1/embeddings", JSON, write("{\"error\":\"No models loaded.\"}"), end());

    assertThatThrownBy(() -> onLoop(() -> new JsonPost(http).send("/v1/embeddings", Buffer.buffer("{}"),
        CancelSignal.NEVER, LIMIT, BoundedBody::collecting)))
        .isInstanceOfSatisfying(BackendHttpError.class, e -> {
          assertThat(e.status()).isEqualTo(200);
          assertThat(e.body()).isEqualTo("{\"error\":\"No models loaded.\"}");
        });
  }

  @Test
  void anErrorBodyUnderASuccessStatusIsCutAt64KiBAndReset() {
    String error = "{\"error\":\"" + "z".repeat(BoundedBody.MAX_ERROR_BODY);
    Limit large = new Limit(1024 * 1024, "test answer", null);
    backend.script("/v1/embeddings", JSON, write(error), pause(STALL), end());

    assertThatThrownBy(() -> onLoop(() -> new JsonPost(http).send("/v1/embeddings", Buffer.buffer("{}"),
        CancelSignal.NEVER, large, BoundedBody::collecting)))
        .isInstanceOfSatisfying(BackendHttpError.class,
            e -> assertThat(e.body()).hasSize(BoundedBody.MAX_ERROR_BODY).startsWith("{\"error\":\"zzz"));
    Exchange exchange = exchange();
    await().atMost(BOUND).until(exchange.link::closedByClient);
  }

  @Test
  void limitsReadAsSizesInMessages() {
    assertThat(BoundedBody.size(64L * 1024 * 1024)).isEqualTo("64 MiB");
    assertThat(BoundedBody.size(64 * 1024)).isEqualTo("64 KiB");
    assertThat(BoundedBody.size(1000)).isEqualTo("1000 bytes");
  }

  private Exchange exchange() {
    await().atMost(BOUND).until(() -> !backend.exchanges().isEmpty());
    return backend.exchanges().get(0);
  }

  /** Runs {@code action} on the client's context and waits for its result, at most {@link #BOUND}. */
  private <T> T onLoop(Supplier<Future<T>> action) throws Exception {
    Promise<T> done = Promise.promise();
    context.runOnContext(v -> action.get().onComplete(done));
    return done.future().await(BOUND.toMillis(), TimeUnit.MILLISECONDS);
  }
}
