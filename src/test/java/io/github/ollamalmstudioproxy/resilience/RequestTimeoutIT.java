package io.github.ollamalmstudioproxy.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.ollamalmstudioproxy.simulator.RecordedRequest;
import io.github.ollamalmstudioproxy.support.ProxyHarness;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Collections;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 11, point 9: {@code --request-timeout} bounds every answer that is not a stream of tokens (a non-streamed
 * chat, embeddings, a passthrough body that is not SSE) and every stream that has produced no token yet; a stream that
 * keeps producing tokens is never cut by it. 600 ms here, against answers of 1.5 s or more.
 */
class RequestTimeoutIT {
  private static final Duration BOUND = Duration.ofSeconds(5);
  private static final String CHAT = "{\"model\":\"qwen/qwen3-4b\",\"stream\":%s,"
      + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
  private static final String TIMED_OUT = "request timed out after 600ms (--request-timeout)";
  private static ProxyHarness harness;

  @BeforeAll
  static void start() {
    harness = ProxyHarness.start("--request-timeout", "600ms");
  }

  @AfterAll
  static void stop() {
    harness.close();
  }

  @BeforeEach
  void reset() {
    harness.simulator().script().reset();
    harness.simulator().log().clear();
  }

  @Test
  void aNonStreamedChatPastTheRequestTimeoutIs504AndItsBackendRequestIsReset() {
    slowTokens();
    long started = System.nanoTime();
    HttpResponse<String> answer = within(post("/api/chat", CHAT.formatted(false)));
    assertThat(answer.statusCode()).isEqualTo(504);
    assertThat(answer.body()).isEqualTo("{\"error\":\"" + TIMED_OUT + "\"}");
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isBetween(Duration.ofMillis(600), Duration.ofSeconds(3));
    assertBackendReset("/v1/chat/completions");
  }

  @Test
  void aNonStreamedChatWithinTheRequestTimeoutIsAnswered() {
    harness.simulator().script().tokens(Collections.nCopies(3, "t ")).tokenInterval(Duration.ofMillis(50));
    HttpResponse<String> answer = within(post("/api/chat", CHAT.formatted(false)));
    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.body()).contains("\"content\":\"t t t \"", "\"done\":true");
  }

  @Test
  void streamsThatKeepProducingTokensAreNeverCutByTheRequestTimeout() {
    slowTokens();
    HttpResponse<String> ollama = within(post("/api/chat", CHAT.formatted(true)));
    assertThat(ollama.statusCode()).isEqualTo(200);
    assertThat(ollama.body()).contains("\"done\":true").doesNotContain("\"error\"");
    HttpResponse<String> openAi = within(post("/v1/chat/completions", CHAT.formatted(true)));
    assertThat(openAi.statusCode()).isEqualTo(200);
    assertThat(openAi.body()).endsWith("data: [DONE]\n\n");
  }

  @Test
  void aStreamThatProducesNoTokenIsCutAt504() {
    harness.simulator().script().prefillDelay(Duration.ofSeconds(3));
    HttpResponse<String> answer = within(post("/api/chat", CHAT.formatted(true)));
    assertThat(answer.statusCode()).isEqualTo(504);
    assertThat(answer.body()).isEqualTo("{\"error\":\"" + TIMED_OUT + "\"}");
    assertBackendReset("/v1/chat/completions");
  }

  @Test
  void aPassthroughAnswerThatIsNotAnEventStreamIsBoundedToo() {
    harness.simulator().script().prefillDelay(Duration.ofSeconds(3));
    HttpResponse<String> silent = within(post("/v1/chat/completions", CHAT.formatted(false)));
    assertThat(silent.statusCode()).isEqualTo(504);
    assertThat(silent.body()).startsWith("{\"error\":{\"message\":\"" + TIMED_OUT + "\"");
    assertBackendReset("/v1/chat/completions");
  }

  /**
   * A JSON body that drips bytes keeps --idle-timeout quiet (bytes are its progress); the total deadline ends it. A
   * chat completion's JSON answer is read whole (its reasoning is put in Ollama's field), so the client gets a 504.
   */
  @Test
  void aPassthroughBodyThatDripsIsResetAtTheRequestTimeout() {
    harness.simulator().script().dripAfter(0, Duration.ofMillis(50));
    CompletableFuture<HttpResponse<String>> answer = harness.http().sendAsync(post("/v1/chat/completions",
        CHAT.formatted(false)), HttpResponse.BodyHandlers.ofString());
    RecordedRequest upstream = harness.simulator().log().awaitRequest("/v1/chat/completions", BOUND);
    long closed = harness.simulator().log().awaitClientClose(upstream, BOUND);
    assertThat(Duration.ofNanos(closed - upstream.receivedNanos())).isBetween(Duration.ofMillis(500),
        Duration.ofSeconds(3));
    assertThat(answer.join().statusCode()).isEqualTo(504);
  }

  @Test
  void embeddingsPastTheRequestTimeoutAre504() {
    harness.simulator().script().routeDelay("/v1/embeddings", Duration.ofSeconds(3));
    HttpResponse<String> answer = within(post("/api/embed",
        "{\"model\":\"text-embedding-nomic-embed-text-v1.5\",\"input\":\"hi\"}"));
    assertThat(answer.statusCode()).isEqualTo(504);
    assertThat(answer.body()).isEqualTo("{\"error\":\"" + TIMED_OUT + "\"}");
  }

  /** 25 pieces, one every 60 ms: an answer of 1.5 s, more than twice the request timeout. */
  private static void slowTokens() {
    harness.simulator().script().tokens(Collections.nCopies(25, "t")).tokenInterval(Duration.ofMillis(60));
  }

  private static void assertBackendReset(String path) {
    RecordedRequest upstream = harness.simulator().log().awaitRequest(path, BOUND);
    harness.simulator().log().awaitClientClose(upstream, BOUND);
  }

  private static HttpRequest post(String path, String json) {
    return HttpRequest.newBuilder(harness.url(path)).timeout(BOUND)
        .POST(HttpRequest.BodyPublishers.ofString(json)).build();
  }

  /** The whole answer within {@link #BOUND}, so a proxy that never cuts the answer fails the test, not hangs it. */
  private static HttpResponse<String> within(HttpRequest request) {
    CompletableFuture<HttpResponse<String>> answer = harness.http().sendAsync(request,
        HttpResponse.BodyHandlers.ofString());
    try {
      return answer.get(BOUND.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      answer.cancel(true);
      throw new AssertionError("no complete answer within " + BOUND, e);
    } catch (InterruptedException | ExecutionException e) {
      throw new IllegalStateException(e);
    }
  }
}
