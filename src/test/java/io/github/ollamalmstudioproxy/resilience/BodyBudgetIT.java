package io.github.ollamalmstudioproxy.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.ollamalmstudioproxy.support.Ndjson;
import io.github.ollamalmstudioproxy.support.ProxyHarness;
import io.github.ollamalmstudioproxy.support.RawHttp;
import io.github.ollamalmstudioproxy.support.Upstream;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Base64;
import java.util.Collections;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * {@code --max-body-memory}: a body is charged 6 times its size for as long as it is needed (until the backend
 * answers, or the request ends), and bodies that do not fit beside the others get Ollama's 503 instead of taking the
 * heap; a body that could never fit gets 413. Budgets here are a few MiB, so the bodies stay small.
 */
class BodyBudgetIT {
  private static final int MIB = 1024 * 1024;
  private static final String BUSY = "{\"error\":\"server busy, please try again.  maximum pending requests exceeded\"}";
  private static final Duration BOUND = Duration.ofSeconds(10);

  @Test
  void aBodyThatTakesExactlyTheBudgetIsServed() {
    try (ProxyHarness harness = ProxyHarness.start("--max-body-memory", "6MiB")) {
      HttpResponse<String> response = harness.post("/api/chat", chat(MIB, false));

      assertThat(response.statusCode()).isEqualTo(200);
    }
  }

  @Test
  void aBodyOneByteLargerIs413NamingTheLimitAndIsNotRead() {
    try (ProxyHarness harness = ProxyHarness.start("--max-body-memory", "6MiB")) {
      HttpResponse<String> response = harness.post("/api/chat", chat(MIB + 1, false));

      assertThat(response.statusCode()).isEqualTo(413);
      assertThat(response.body()).isEqualTo("{\"error\":\"request body too large: 1048577 bytes need about 6291462"
          + " bytes of memory, more than --max-body-memory allows (6 MiB)\"}");
      assertThat(response.headers().firstValue("connection")).hasValue("close");
      assertThat(Upstream.inference(harness)).isEmpty();
    }
  }

  @Test
  void aStreamedBodyWithoutALengthIsRefusedOnceItPassesTheBudget() {
    try (ProxyHarness harness = ProxyHarness.start("--max-body-memory", "6MiB");
        RawHttp raw = RawHttp.connect(harness.port())) {
      String chunk = " ".repeat(MIB / 2);
      StringBuilder request = new StringBuilder("POST /api/chat HTTP/1.1\r\nHost: 127.0.0.1\r\n"
          + "Transfer-Encoding: chunked\r\n\r\n");
      for (int i = 0; i < 3; i++) {
        request.append(Integer.toHexString(chunk.length())).append("\r\n").append(chunk).append("\r\n");
      }
      raw.sendRaw(request.append("0\r\n\r\n").toString());

      String answer = raw.readUntil("allows (6 MiB)");

      assertThat(answer).startsWith("HTTP/1.1 413");
    }
  }

  @Test
  void bodiesThatDoNotFitBesideThoseInFlightGet503UntilTheyAreDone() {
    // Two bodies of 1 MiB take 12 MiB; the last MiB has room for a small body, not a third large one.
    try (ProxyHarness harness = ProxyHarness.start("--max-body-memory", "13MiB")) {
      harness.simulator().script().prefillDelay(Duration.ofSeconds(20));
      RawHttp first = RawHttp.connect(harness.port()).send("POST", "/api/chat", chat(MIB, true));
      RawHttp second = RawHttp.connect(harness.port()).send("POST", "/api/chat", chat(MIB, true));
      Awaitility.await().atMost(BOUND)
          .until(() -> harness.simulator().log().byPath("/v1/chat/completions").size() == 2);

      HttpResponse<String> third = harness.post("/api/chat", chat(MIB, false));
      assertThat(third.statusCode()).isEqualTo(503);
      assertThat(third.body()).isEqualTo(BUSY);
      String show = "{\"model\":\"qwen/qwen3-4b\"}";
      assertThat(harness.post("/api/show", show + " ".repeat(100_000)).statusCode()).as("a small body fits beside")
          .isEqualTo(200);

      first.hangUp();
      second.hangUp();
      harness.simulator().script().prefillDelay(Duration.ZERO);
      Awaitility.await().atMost(BOUND).until(() -> harness.post("/api/chat", chat(MIB, false)).statusCode() == 200);
    }
  }

  @Test
  void aBodyIsGivenBackAsSoonAsTheBackendAnswersNotWhenTheGenerationEnds() {
    try (ProxyHarness harness = ProxyHarness.start("--max-body-memory", "12MiB")) {
      harness.simulator().script().tokens(Collections.nCopies(50, "x")).tokenInterval(Duration.ofMillis(200));
      try (RawHttp first = RawHttp.connect(harness.port()).send("POST", "/api/chat", chat(MIB, true));
          RawHttp second = RawHttp.connect(harness.port()).send("POST", "/api/chat", chat(MIB, true))) {
        first.readUntil("\"content\":\"x\"");
        second.readUntil("\"content\":\"x\"");
        harness.simulator().script().tokens(Collections.nCopies(2, "y")).tokenInterval(Duration.ZERO);

        HttpResponse<String> third = harness.post("/api/chat", chat(MIB, false));

        assertThat(third.statusCode()).as("both streams are still generating").isEqualTo(200);
      }
    }
  }

  @Test
  void anImageLongerThanJacksonsDefaultStringLimitReachesTheBackend() {
    try (ProxyHarness harness = ProxyHarness.start()) {
      byte[] png = new byte[15_750_000];
      System.arraycopy(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A}, 0, png, 0, 8);
      String image = Base64.getEncoder().encodeToString(png);
      assertThat(image.length()).as("past Jackson's default 20,000,000").isGreaterThan(20_000_000);

      HttpResponse<String> response = harness.post("/api/chat", "{\"model\":\"google/gemma-3-4b\",\"stream\":false,"
          + "\"messages\":[{\"role\":\"user\",\"content\":\"what is this?\",\"images\":[\"" + image + "\"]}]}");

      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(Ndjson.json(response.body()).path("done").asBoolean()).isTrue();
      String sent = harness.simulator().log().byPath("/v1/chat/completions").get(0).body();
      String url = "\"url\":\"data:image/png;base64," + image + "\"";
      assertThat(sent.contains(url)).as("the whole image reached the backend as a data URL").isTrue();
    }
  }

  /** A chat body of exactly {@code bytes} bytes: JSON, then spaces. */
  private static String chat(int bytes, boolean stream) {
    String json = "{\"model\":\"qwen/qwen3-4b\",\"stream\":" + stream
        + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    return json + " ".repeat(bytes - json.length());
  }
}
