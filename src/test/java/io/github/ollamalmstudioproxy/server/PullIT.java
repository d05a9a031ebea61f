package io.github.ollamalmstudioproxy.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.ollamalmstudioproxy.simulator.RecordedRequest;
import io.github.ollamalmstudioproxy.simulator.SimulatorModel;
import io.github.ollamalmstudioproxy.support.Ndjson;
import io.github.ollamalmstudioproxy.support.ProxyHarness;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /api/pull} over LM Studio's download API: Ollama's sequence of progress lines with the job's own bytes,
 * the forms of name, already downloaded models, {@code stream:false}, and pulls of one model sharing one job. The
 * contract is Ollama v0.33.0-rc2: {@code server/routes.go} PullHandler (1102-1161), waitForStream (2070-2095),
 * {@code server/images.go} PullModel (1021, 1073, 1097, 1122), {@code server/download.go} blobDownload.Wait (456-461).
 * A fresh harness per test: a pull adds a model to the simulator's catalog.
 */
class PullIT {
  private static final String MODEL = "ibm/granite-4-micro";
  private static final long SIZE = 3_000_000;
  private ProxyHarness harness;

  @BeforeEach
  void start() {
    harness = ProxyHarness.start();
    // About 0.75 s of download: several polls (250 ms apart) see it grow.
    harness.simulator().downloads().offer(MODEL, null, SimulatorModel.llm(MODEL, SIZE), SIZE, 4_000_000);
  }

  @AfterEach
  void stop() {
    harness.close();
  }

  /** PullModel's order (images.go:1021, 1073, 1097, 1122); each progress line as blobDownload.Wait writes it. */
  @Test
  void pullStreamsOllamasSequenceWithTheJobsBytesAndTheModelIsListedAtOnce() {
    assertThat(harness.get("/api/tags").body()).as("cached before the pull").doesNotContain(MODEL);

    HttpResponse<String> response = harness.post("/api/pull", "{\"model\":\"" + MODEL + "\"}");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type")).hasValue("application/x-ndjson");
    List<String> raw = Ndjson.of(response).raw();
    assertThat(raw.get(0)).isEqualTo("{\"status\":\"pulling manifest\"}");
    assertThat(raw.subList(raw.size() - 3, raw.size())).containsExactly("{\"status\":\"verifying sha256 digest\"}",
        "{\"status\":\"writing manifest\"}", "{\"status\":\"success\"}");
    List<JsonNode> progress = Ndjson.of(response).lines().subList(1, raw.size() - 3);
    assertThat(progress).isNotEmpty().allSatisfy(line -> {
      assertThat(line.path("digest").asText()).matches("sha256:[0-9a-f]{64}");
      assertThat(line.path("status").asText()).isEqualTo("pulling " + line.path("digest").asText().substring(7, 19));
      assertThat(line.path("total").asLong()).isEqualTo(SIZE);
    });
    List<Long> completed = progress.stream().map(l -> l.path("completed").asLong()).toList();
    assertThat(completed).isSorted().last().isEqualTo(SIZE);
    assertThat(completed.stream().distinct().count()).as("the job's bytes as polled: %s", completed)
        .isGreaterThan(1);
    assertThat(harness.get("/api/tags").body()).contains("\"name\":\"" + MODEL + ":latest\"");
    assertThat(harness.simulator().log().byPath("/api/v1/models/download")).singleElement()
        .extracting(RecordedRequest::body).isEqualTo("{\"model\":\"" + MODEL + "\"}");
  }

  @Test
  void huggingFaceReferenceIsDownloadedAsTheRepositoryLinkWithItsQuantization() {
    String link = "https://huggingface.co/unsloth/Phi-4-mini-instruct-GGUF";
    harness.simulator().downloads().offer(link, "Q4_K_M", SimulatorModel.llm("unsloth/phi-4-mini-instruct", SIZE),
        SIZE, 12_000_000);

    HttpResponse<String> response = harness.post("/api/pull",
        "{\"name\":\"hf.co/unsloth/Phi-4-mini-instruct-GGUF:q4_k_m\"}");

    assertThat(Ndjson.of(response).last().toString()).isEqualTo("{\"status\":\"success\"}");
    assertThat(harness.simulator().log().byPath("/api/v1/models/download")).singleElement()
        .extracting(RecordedRequest::body)
        .isEqualTo("{\"model\":\"" + link + "\",\"quantization\":\"Q4_K_M\"}");
    assertThat(harness.get("/api/tags").body()).contains("unsloth/phi-4-mini-instruct:latest");
  }

  @Test
  void alreadyDownloadedModelAnswersSuccessAtOnce() {
    HttpResponse<String> response = harness.post("/api/pull", "{\"model\":\"qwen/qwen3-4b\"}");

    assertThat(Ndjson.of(response).raw()).containsExactly("{\"status\":\"pulling manifest\"}",
        "{\"status\":\"success\"}");
    assertThat(harness.simulator().log().byPath("/api/v1/models/download")).hasSize(1);
    assertThat(statusPolls()).isEmpty();
  }

  /** Home Assistant pulls the name it cannot find in /api/tags; one the catalog resolves is already there. */
  @Test
  void nameTheCatalogResolvesButLmStudioCouldNotDownloadIsAlreadyThere() {
    HttpResponse<String> response = harness.post("/api/pull", "{\"model\":\"qwen3-4b:latest\"}");

    assertThat(Ndjson.of(response).raw()).containsExactly("{\"status\":\"pulling manifest\"}",
        "{\"status\":\"success\"}");
    assertThat(harness.simulator().log().byPath("/api/v1/models/download")).isEmpty();
  }

  /** waitForStream (routes.go:2070-2095): one object, the last progress, as application/json. */
  @Test
  void streamFalseBlocksUntilTheEndAndAnswersTheBareSuccess() {
    HttpResponse<String> response = harness.post("/api/pull", "{\"model\":\"" + MODEL + "\",\"stream\":false}");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type")).hasValue("application/json; charset=utf-8");
    assertThat(response.body()).isEqualTo("{\"status\":\"success\"}");
    assertThat(harness.simulator().catalog().model(MODEL)).isPresent();
  }

  /** Ollama's pulls of one blob share one download (download.go:502, blobDownloadManager.LoadOrStore). */
  @Test
  void secondPullOfTheSameModelJoinsTheRunningJob() {
    CompletableFuture<HttpResponse<String>> first = CompletableFuture.supplyAsync(() ->
        harness.post("/api/pull", "{\"model\":\"" + MODEL + "\"}"));
    harness.simulator().log().awaitRequest("/api/v1/models/download", java.time.Duration.ofSeconds(5));
    HttpResponse<String> second = harness.post("/api/pull", "{\"model\":\"" + MODEL + "\"}");

    List<String> ends = new ArrayList<>();
    ends.add(Ndjson.of(first.join()).last().toString());
    ends.add(Ndjson.of(second).last().toString());
    assertThat(ends).containsOnly("{\"status\":\"success\"}");
    assertThat(Ndjson.of(second).raw()).anyMatch(line -> line.contains("\"completed\":" + SIZE));
    assertThat(harness.simulator().log().byPath("/api/v1/models/download")).hasSize(1);
    assertThat(harness.simulator().downloads().jobs()).hasSize(1);
  }

  private List<RecordedRequest> statusPolls() {
    return harness.simulator().log().all().stream()
        .filter(r -> r.pathOnly().startsWith("/api/v1/models/download/status/")).toList();
  }
}
