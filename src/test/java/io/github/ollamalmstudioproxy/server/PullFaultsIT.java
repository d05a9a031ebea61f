package io.github.ollamalmstudioproxy.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.ollamalmstudioproxy.simulator.RecordedRequest;
import io.github.ollamalmstudioproxy.simulator.SimulatorModel;
import io.github.ollamalmstudioproxy.simulator.SimulatorOptions;
import io.github.ollamalmstudioproxy.support.Ndjson;
import io.github.ollamalmstudioproxy.support.ProxyHarness;
import io.github.ollamalmstudioproxy.support.RawHttp;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * How a pull ends when the download does not: a failed job, a job that vanishes, a backend that cannot be asked (one
 * {@code {"error"}} line after the first, as Ollama's streamResponse writes it, routes.go:2109-2126), a paused job
 * (the stream stays alive), a client that hangs up (its stream and the polling stop; LM Studio keeps downloading),
 * bad names (400, routes.go:1119-1123 and writeModelRefParseError:66-75) and backends without a download API (501).
 */
class PullFaultsIT {
  private static final String MODEL = "ibm/granite-4-micro";
  private static final long SIZE = 4_000_000;
  private ProxyHarness harness;

  @BeforeEach
  void start() {
    harness = ProxyHarness.start();
    harness.simulator().downloads().offer(MODEL, null, SimulatorModel.llm(MODEL, SIZE), SIZE, 4_000_000);
  }

  @AfterEach
  void stop() {
    harness.close();
  }

  @Test
  void failedDownloadEndsTheStreamWithOneErrorLineCarryingLmStudiosReason() {
    harness.simulator().downloads().failAt(MODEL, 1_000_000, "ENOSPC: no space left on device");

    HttpResponse<String> response = harness.post("/api/pull", "{\"model\":\"" + MODEL + "\"}");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(Ndjson.of(response).endsWithOneError())
        .isEqualTo("LM Studio could not download \"" + MODEL + "\": ENOSPC: no space left on device");
    assertThat(response.body()).doesNotContain("success");
    assertThat(harness.get("/api/tags").body()).doesNotContain(MODEL);
  }

  /** waitForStream answers an error without a status of its own with 500 (routes.go:2077-2087). */
  @Test
  void failedDownloadWithStreamFalseIsA500() {
    harness.simulator().downloads().failAt(MODEL, 1_000_000, "ENOSPC: no space left on device");

    HttpResponse<String> response = harness.post("/api/pull", "{\"model\":\"" + MODEL + "\",\"stream\":false}");

    assertThat(response.statusCode()).isEqualTo(500);
    assertThat(response.body()).isEqualTo("{\"error\":\"LM Studio could not download \\\"" + MODEL
        + "\\\": ENOSPC: no space left on device\"}");
  }

  @Test
  void jobThatVanishesEndsTheStreamWithOneErrorLine() {
    harness.simulator().downloads().pauseAt(MODEL, 1_000_000);
    RawHttp client = RawHttp.connect(harness.port()).send("POST", "/api/pull", "{\"model\":\"" + MODEL + "\"}");
    client.readUntil("\"completed\":1000000");

    harness.simulator().downloads().forget(MODEL);

    String all = client.readAll();
    assertThat(all).contains("{\"error\":\"the backend no longer knows the download of \\\"" + MODEL + "\\\" (job ")
        .contains("vanished)\"}").doesNotContain("success");
  }

  @Test
  void modelTheBackendCannotFindEndsWithItsErrorAfterPullingManifest() {
    HttpResponse<String> response = harness.post("/api/pull", "{\"model\":\"nobody/nothing\"}");

    assertThat(Ndjson.of(response).raw().get(0)).isEqualTo("{\"status\":\"pulling manifest\"}");
    assertThat(Ndjson.of(response).endsWithOneError()).contains("nobody/nothing");
  }

  @Test
  void pausedDownloadKeepsTheStreamAliveAndGoesOnWhenResumed() {
    harness.simulator().downloads().pauseAt(MODEL, 1_000_000);
    RawHttp client = RawHttp.connect(harness.port()).send("POST", "/api/pull", "{\"model\":\"" + MODEL + "\"}");
    int atPause = client.readUntil("\"completed\":1000000").length();

    // Several more lines while it stays paused: the client sees a live stream, not a silent socket.
    String during = client.readSome(atPause + 3 * 130);
    assertThat(during.substring(atPause)).doesNotContain("success").doesNotContain("error");
    assertThat(harness.simulator().downloads().jobs()).singleElement()
        .satisfies(job -> assertThat(job.state()).isEqualTo("paused"));

    harness.simulator().downloads().resume(MODEL);
    assertThat(client.readAll()).contains("\"completed\":" + SIZE).endsWith("{\"status\":\"success\"}\n\r\n0\r\n\r\n");
  }

  @Test
  void clientThatHangsUpStopsItsStreamAndThePollingWhileLmStudioDownloadsOn() throws Exception {
    harness.simulator().downloads().pauseAt(MODEL, 1_000_000);
    RawHttp client = RawHttp.connect(harness.port()).send("POST", "/api/pull", "{\"model\":\"" + MODEL + "\"}");
    client.readUntil("\"completed\":1000000");

    client.hangUp();

    // At most one poll in flight when the client left; after that none.
    await().atMost(Duration.ofSeconds(2)).pollDelay(Duration.ofMillis(300)).until(() -> {
      int before = statusPolls().size();
      Thread.sleep(600);
      return statusPolls().size() == before;
    });
    assertThat(harness.simulator().downloads().jobs()).singleElement()
        .satisfies(job -> assertThat(job.state()).isEqualTo("paused"));
  }

  @Test
  void backendWithoutADownloadApiIs501InOllamasShape() {
    try (ProxyHarness legacy = ProxyHarness.start(SimulatorOptions.builder().version("0.3").build())) {
      HttpResponse<String> response = legacy.post("/api/pull", "{\"model\":\"" + MODEL + "\"}");

      assertThat(response.statusCode()).isEqualTo(501);
      assertThat(response.body()).isEqualTo("{\"error\":\"pulling models is not supported by this backend: it has "
          + "no download API (LM Studio 0.4 or later has one); download the model in LM Studio or with lms get\"}");
      assertThat(legacy.simulator().log().all()).noneMatch(r -> r.pathOnly().contains("download"));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"{\"model\":\"\"}", "{}", "{\"name\":\"two words\"}"})
  void emptyOrMalformedNameIs400InvalidModelNameBeforeTheBackendHearsAnything(String body) {
    HttpResponse<String> response = harness.post("/api/pull", body);

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).isEqualTo("{\"error\":\"invalid model name\"}");
    assertThat(harness.simulator().log().all()).noneMatch(r -> r.pathOnly().contains("download"));
  }

  @Test
  void bareOllamaLibraryNameIs400SayingWhichFormToUse() {
    HttpResponse<String> response = harness.post("/api/pull", "{\"model\":\"qwen3:8b\"}");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(Ndjson.json(response.body()).path("error").asText()).isEqualTo("pull model \"qwen3:8b\": the Ollama "
        + "library is not available through LM Studio; pull an LM Studio catalog id ({publisher}/{model}, e.g. "
        + "openai/gpt-oss-20b) or a Hugging Face reference (hf.co/{user}/{repo}:{quant})");
    assertThat(harness.simulator().log().all()).noneMatch(r -> r.pathOnly().contains("download"));
  }

  private List<RecordedRequest> statusPolls() {
    return harness.simulator().log().all().stream()
        .filter(r -> r.pathOnly().startsWith("/api/v1/models/download/status/")).toList();
  }
}
