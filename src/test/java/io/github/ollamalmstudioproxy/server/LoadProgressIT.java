package io.github.ollamalmstudioproxy.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.ollamalmstudioproxy.support.Ndjson;
import io.github.ollamalmstudioproxy.support.ProxyHarness;
import io.github.ollamalmstudioproxy.support.RawHttp;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 14, point 4: with {@code --load-progress}, a streamed chat or generate that waits for its model to load gets
 * {@code done:false} lines whose {@code thinking} says so (a line at once, one per interval, one when loaded), then
 * the answer. Without the flag, for a loaded model and for {@code stream:false} nothing extra is sent.
 */
class LoadProgressIT {
  private static final String COLD = "google/gemma-3-4b";
  private static final String WARM = "qwen/qwen3-4b";
  private static final String CREATED_AT = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d{1,9})?Z";
  private ProxyHarness harness;

  @AfterEach
  void stop() {
    if (harness != null) {
      harness.close();
    }
  }

  private void start(String... args) {
    harness = ProxyHarness.start(args);
    harness.simulator().script().tokenInterval(Duration.ofMillis(1)).loadDelay(Duration.ofMillis(1200));
  }

  private static String chat(String model, String extra) {
    return "{\"model\":\"" + model + "\"" + extra + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
  }

  /** The lines the proxy wrote while the model loaded: before the first that carries a piece of the answer. */
  private static List<JsonNode> progress(Ndjson out) {
    int first = 0;
    while (first < out.lines().size() && isProgress(out.lines().get(first))) {
      first++;
    }
    return out.lines().subList(0, first);
  }

  private static boolean isProgress(JsonNode line) {
    JsonNode body = line.has("message") ? line.get("message") : line;
    String text = line.has("message") ? body.path("content").asText() : body.path("response").asText();
    return !line.has("error") && !line.path("done").asBoolean() && text.isEmpty() && !body.has("tool_calls")
        && body.path("thinking").asText().matches("(?s)(Loading|Still loading|Loaded).*|");
  }

  @Test
  void aColdLoadStreamsThinkingLinesInOllamasChatShapeThenTheWholeAnswer() {
    start("--load-progress=300ms");

    HttpResponse<String> response = harness.post("/api/chat", chat(COLD, ""));
    Ndjson out = Ndjson.of(response).endsWithOneDone();

    assertThat(response.headers().firstValue("content-type")).hasValue("application/x-ndjson");
    List<JsonNode> progress = progress(out);
    System.out.printf("a 1.2 s load at --load-progress=300ms: %d progress lines: %s%n", progress.size(),
        out.raw().subList(0, progress.size()));
    assertThat(progress).as("a first line, ticks while the 1.2 s load runs, and the end").hasSizeGreaterThanOrEqualTo(4);
    for (JsonNode line : progress) {
      assertThat(line.path("model").asText()).isEqualTo(COLD);
      assertThat(line.path("created_at").asText()).matches(CREATED_AT);
      assertThat(line.path("message").path("role").asText()).isEqualTo("assistant");
      assertThat(line.path("message").path("content").isTextual()).as("content is \"\", not absent").isTrue();
      assertThat(line.path("done").isBoolean()).isTrue();
      assertThat(line.has("done_reason")).as("ollama-vscode ends a stream at any done_reason").isFalse();
      assertThat(line.has("error")).isFalse();
    }
    assertThat(progress.get(0).path("message").path("thinking").asText()).startsWith("Loading " + COLD);
    assertThat(progress.get(1).path("message").path("thinking").asText()).matches("Still loading: \\d+\\.\\d s\n");
    assertThat(progress.get(progress.size() - 1).path("message").path("thinking").asText())
        .matches("Loaded in \\d+\\.\\d s\\.\n\n");
    assertThat(out.last().path("load_duration").asLong()).isGreaterThanOrEqualTo(1_200_000_000L);
    Ndjson again = Ndjson.of(harness.post("/api/chat", chat(COLD, ""))).endsWithOneDone();
    assertThat(progress(again)).as("the model is loaded now").isEmpty();
    assertThat(out.joined("content")).as("the answer is whole").isNotEmpty().isEqualTo(again.joined("content"));
  }

  @Test
  void generateGetsTheSameLinesWithTopLevelResponseAndThinking() {
    start("--load-progress=300ms");

    Ndjson out = Ndjson.of(harness.post("/api/generate", "{\"model\":\"" + COLD + "\",\"prompt\":\"hi\"}"))
        .endsWithOneDone();

    List<JsonNode> progress = progress(out);
    assertThat(progress).hasSizeGreaterThanOrEqualTo(2);
    for (JsonNode line : progress) {
      assertThat(line.has("message")).isFalse();
      assertThat(line.path("response").isTextual()).isTrue();
      assertThat(line.path("thinking").asText()).isNotEmpty();
    }
    assertThat(out.joined("response")).isNotEmpty();
  }

  @Test
  void thinkFalseGetsTheLinesWithoutText() {
    start("--load-progress=300ms");

    Ndjson out = Ndjson.of(harness.post("/api/chat", chat(COLD, ",\"think\":false"))).endsWithOneDone();

    List<JsonNode> progress = progress(out);
    assertThat(progress).as("keep-alives while loading").hasSizeGreaterThanOrEqualTo(2);
    assertThat(progress).allSatisfy(line -> assertThat(line.path("message").has("thinking")).isFalse());
  }

  @Test
  void withoutTheFlagAColdLoadSendsNothingExtra() {
    start();

    Ndjson out = Ndjson.of(harness.post("/api/chat", chat(COLD, ""))).endsWithOneDone();

    assertThat(progress(out)).isEmpty();
    assertThat(out.raw()).noneMatch(line -> line.contains("oading"));
    assertThat(harness.simulator().log().loadCalls()).as("the model was loaded all the same").isEqualTo(1);
  }

  @Test
  void aLoadedModelGetsNoProgressLine() {
    start("--load-progress=300ms");

    Ndjson out = Ndjson.of(harness.post("/api/chat", chat(WARM, ""))).endsWithOneDone();

    assertThat(progress(out)).isEmpty();
    assertThat(out.raw()).noneMatch(line -> line.contains("oading"));
    assertThat(harness.simulator().log().loadCalls()).isZero();
  }

  @Test
  void aStreamFalseAnswerIsOneObjectWithoutProgress() {
    start("--load-progress=300ms");

    HttpResponse<String> response = harness.post("/api/chat", chat(COLD, ",\"stream\":false"));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type")).hasValue("application/json; charset=utf-8");
    JsonNode body = Ndjson.json(response.body());
    assertThat(body.path("done").asBoolean()).isTrue();
    assertThat(response.body()).doesNotContain("oading");
  }

  @Test
  void aLoadThatTimesOutAfterTheFirstLineEndsTheStreamWithOneErrorLine() {
    start("--load-progress=200ms", "--load-timeout=600ms");
    harness.simulator().script().loadDelay(Duration.ofSeconds(2));

    HttpResponse<String> response = harness.post("/api/chat", chat(COLD, ""));

    assertThat(response.statusCode()).as("the stream had begun: no status code is left to fail with").isEqualTo(200);
    Ndjson out = Ndjson.of(response);
    assertThat(out.endsWithOneError()).contains("timed out waiting for model", "--load-timeout");
    assertThat(progress(out)).hasSize(out.lines().size() - 1);
    assertThat(out.raw()).noneMatch(line -> line.contains("Loaded in"));
    assertThat(harness.simulator().log().byPath("/v1/chat/completions")).isEmpty();
  }

  @Test
  void aClientThatHangsUpDuringTheLoadStopsItsRequestAtOnce() {
    start("--load-progress=200ms");
    harness.simulator().script().loadDelay(Duration.ofSeconds(2));
    RawHttp client = RawHttp.connect(harness.port()).send("POST", "/api/chat", chat(COLD, ""));
    client.readUntil("Loading " + COLD);
    long hungUp = client.hangUp();

    await().pollInterval(Duration.ofMillis(1)).atMost(Duration.ofSeconds(1))
        .until(() -> harness.proxy().activeRequests() == 0);
    System.out.printf("hang-up during a load with progress lines: request released %.1f ms after the client left%n",
        (System.nanoTime() - hungUp) / 1e6);
    await().pollDelay(Duration.ofMillis(2300)).atMost(Duration.ofSeconds(4)).until(() -> true);
    assertThat(harness.simulator().log().byPath("/v1/chat/completions")).as("never sent after the load").isEmpty();
    assertThat(harness.simulator().catalog().instancesOf(COLD)).as("the shared load completed").hasSize(1);
  }
}
