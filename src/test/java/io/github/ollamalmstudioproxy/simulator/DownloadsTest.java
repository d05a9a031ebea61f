package io.github.ollamalmstudioproxy.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The simulated download API against LM Studio's docs ({@code lmstudio-ai/docs:1_developer/2_rest/download.md} and
 * {@code download-status.md}): a job whose bytes grow over time, completed with the model listed, already downloaded,
 * failure, pause, and a job that vanishes.
 */
class DownloadsTest {
  private static final String MODEL = "ibm/granite-4-micro";
  private LmStudioSimulator simulator;
  private SimHttp http;

  @BeforeEach
  void start() {
    simulator = LmStudioSimulator.start(SimulatorOptions.defaults());
    http = new SimHttp(simulator);
    simulator.downloads().offer(MODEL, null, SimulatorModel.llm(MODEL, 4_000_000), 4_000_000, 8_000_000);
  }

  @AfterEach
  void stop() {
    simulator.close();
  }

  @Test
  void jobGrowsOverTimeThenCompletesAndTheModelIsListed() {
    JsonNode started = SimHttp.json(http.post("/api/v1/models/download", "{\"model\":\"" + MODEL + "\"}"));
    assertThat(started.path("status").asText()).isEqualTo("downloading");
    assertThat(started.path("job_id").asText()).startsWith("job_");
    assertThat(started.path("total_size_bytes").asLong()).isEqualTo(4_000_000);
    assertThat(started.has("started_at")).isTrue();

    List<Long> seen = new ArrayList<>();
    await().atMost(Duration.ofSeconds(5)).until(() -> {
      JsonNode job = status(started.path("job_id").asText());
      seen.add(job.path("downloaded_bytes").asLong());
      return job.path("status").asText().equals("completed") && job.has("completed_at");
    });
    assertThat(seen).isSorted().last().isEqualTo(4_000_000L);
    assertThat(seen.stream().distinct().count()).as("bytes grew in steps: %s", seen).isGreaterThan(2);
    assertThat(http.get("/api/v1/models").body()).contains("\"key\":\"" + MODEL + "\"");
    assertThat(http.get("/v1/models").body()).contains("\"id\":\"" + MODEL + "\"");
  }

  @Test
  void modelInTheCatalogIsAlreadyDownloadedWithoutAJob() {
    HttpResponse<String> answer = http.post("/api/v1/models/download", "{\"model\":\"qwen/qwen3-4b\"}");

    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.body()).isEqualTo("{\"status\":\"already_downloaded\"}");
  }

  @Test
  void scriptedFailureEndsTheJobFailedWithItsReason() {
    simulator.downloads().failAt(MODEL, 1_000_000, "ENOSPC: no space left on device");
    String id = SimHttp.json(http.post("/api/v1/models/download", "{\"model\":\"" + MODEL + "\"}"))
        .path("job_id").asText();

    await().atMost(Duration.ofSeconds(5)).until(() -> status(id).path("status").asText().equals("failed"));
    assertThat(status(id).path("downloaded_bytes").asLong()).isEqualTo(1_000_000);
    assertThat(status(id).path("error_message").asText()).isEqualTo("ENOSPC: no space left on device");
    assertThat(http.get("/api/v1/models").body()).doesNotContain(MODEL);
  }

  @Test
  void pausedJobStandsStillUntilResumedAndASecondRequestAnswersTheSameJob() throws Exception {
    simulator.downloads().pauseAt(MODEL, 2_000_000);
    String id = SimHttp.json(http.post("/api/v1/models/download", "{\"model\":\"" + MODEL + "\"}"))
        .path("job_id").asText();
    await().atMost(Duration.ofSeconds(5)).until(() -> status(id).path("status").asText().equals("paused"));
    Thread.sleep(100);
    assertThat(status(id).path("downloaded_bytes").asLong()).isEqualTo(2_000_000);
    assertThat(SimHttp.json(http.post("/api/v1/models/download", "{\"model\":\"" + MODEL + "\"}"))
        .path("job_id").asText()).isEqualTo(id);
    assertThat(SimHttp.json(http.get("/api/v1/models/download/status")).path("paused").get(0).path("job_id")
        .asText()).isEqualTo(id);

    simulator.downloads().resume(MODEL);
    await().atMost(Duration.ofSeconds(5)).until(() -> status(id).path("status").asText().equals("completed"));
  }

  @Test
  void forgottenJobIsJobNotFound() {
    String id = SimHttp.json(http.post("/api/v1/models/download", "{\"model\":\"" + MODEL + "\"}"))
        .path("job_id").asText();
    simulator.downloads().forget(MODEL);

    HttpResponse<String> answer = http.get("/api/v1/models/download/status/" + id);
    assertThat(answer.statusCode()).isEqualTo(404);
    assertThat(SimHttp.json(answer).path("error").path("type").asText()).isEqualTo("job_not_found");
  }

  @Test
  void modelNobodyOffersIsModelNotFound() {
    HttpResponse<String> answer = http.post("/api/v1/models/download", "{\"model\":\"nobody/nothing\"}");

    assertThat(answer.statusCode()).isEqualTo(404);
    assertThat(SimHttp.json(answer).path("error").path("code").asText()).isEqualTo("model_not_found");
  }

  private JsonNode status(String id) {
    return SimHttp.json(http.get("/api/v1/models/download/status/" + id));
  }
}
