package io.github.ollamalmstudioproxy.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.ollamalmstudioproxy.simulator.RecordedRequest;
import io.github.ollamalmstudioproxy.support.Ndjson;
import io.github.ollamalmstudioproxy.support.SimulatorBackedTest;
import io.github.ollamalmstudioproxy.support.Upstream;
import io.github.ollamalmstudioproxy.translate.embed.EmbedRequest;
import io.github.ollamalmstudioproxy.translate.embed.OpenAiEmbeddings;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code /api/embed} (batch, normalised, {@code dimensions}) and the legacy {@code /api/embeddings}. */
class EmbedIT extends SimulatorBackedTest {
  private static final String MODEL = "text-embedding-nomic-embed-text-v1.5";
  @Test
  void embedAnswersOneUnitVectorPerInputInOrderFromOneBackendCall() {
    HttpResponse<String> response = harness.post("/api/embed",
        "{\"model\":\"" + MODEL + "\",\"input\":[\"alpha\",\"beta\",\"gamma\"]}");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type")).hasValue("application/json; charset=utf-8");
    JsonNode body = Ndjson.json(response.body());
    assertThat(body.path("model").asText()).isEqualTo(MODEL);
    // Always present (ollama/ollama@v0.33.0-rc2:server/routes.go:1016-1022 fills all three; the Vercel AI SDK
    // provider rejects an answer without them): measured durations, and the backend's own count (LM Studio: 0).
    long total = body.path("total_duration").asLong();
    assertThat(total).isPositive();
    assertThat(body.path("load_duration").isIntegralNumber()).as(body.toString()).isTrue();
    assertThat(body.path("load_duration").asLong()).isBetween(0L, total);
    assertThat(body.path("prompt_eval_count").isIntegralNumber()).as(body.toString()).isTrue();
    assertThat(body.path("prompt_eval_count").asLong()).as("the backend reported 0 tokens").isZero();
    assertThat(harness.simulator().log().byPath("/v1/embeddings")).hasSize(1);
    JsonNode sent = Upstream.body(harness, "/v1/embeddings");
    assertThat(sent.path("model").asText()).isEqualTo(MODEL);
    assertThat(sent.path("input").toString()).isEqualTo("[\"alpha\",\"beta\",\"gamma\"]");
    JsonNode vectors = body.path("embeddings");
    assertThat(vectors.size()).isEqualTo(3);
    List<String> inputs = List.of("alpha", "beta", "gamma");
    for (int i = 0; i < 3; i++) {
      assertThat(norm(vectors.path(i))).isCloseTo(1.0, within(1e-6));
      assertThat(doubles(vectors.path(i))).as("vector %d is the backend's vector for its input", i)
          .containsExactly(direct(inputs.get(i)), within(1e-6));
    }
  }

  @Test
  void embedAcceptsASingleStringAndEchoesTheModelAsSent() {
    JsonNode body = Ndjson.json(harness.post("/api/embed", "{\"model\":\"Text-Embedding-Nomic-Embed-Text-v1.5:latest\","
        + "\"input\":\"alpha\"}").body());

    assertThat(body.path("model").asText()).isEqualTo("Text-Embedding-Nomic-Embed-Text-v1.5:latest");
    assertThat(body.path("embeddings").size()).isEqualTo(1);
    assertThat(doubles(body.path("embeddings").path(0))).containsExactly(direct("alpha"), within(1e-6));
  }

  @Test
  void dimensionsTruncatesThenRenormalises() {
    JsonNode body = Ndjson.json(harness.post("/api/embed", "{\"model\":\"" + MODEL + "\",\"input\":[\"alpha\"],"
        + "\"dimensions\":8}").body());

    JsonNode vector = body.path("embeddings").path(0);
    assertThat(vector.size()).isEqualTo(8);
    assertThat(norm(vector)).isCloseTo(1.0, within(1e-6));
    double[] full = direct("alpha");
    double head = 0;
    for (int i = 0; i < 8; i++) {
      head += full[i] * full[i];
    }
    double scale = Math.sqrt(head);
    for (int i = 0; i < 8; i++) {
      assertThat(vector.path(i).asDouble()).isCloseTo(full[i] / scale, within(1e-6));
    }
  }

  @Test
  void emptyInputAnswersAnEmptyListWithoutRunningTheModel() {
    for (String input : List.of("\"\"", "[]", "null")) {
      HttpResponse<String> response = harness.post("/api/embed", "{\"model\":\"" + MODEL + "\",\"input\":" + input
          + "}");
      assertThat(response.statusCode()).as(input).isEqualTo(200);
      JsonNode body = Ndjson.json(response.body());
      assertThat(body.path("model").asText()).isEqualTo(MODEL);
      assertThat(body.path("embeddings").toString()).as(input).isEqualTo("[]");
      assertThat(body.path("load_duration").asLong()).as("nothing loaded").isZero();
      assertThat(body.path("prompt_eval_count").asLong()).as("no input, no tokens").isZero();
      assertThat(body.has("total_duration")).as(input).isTrue();
    }
    assertThat(harness.simulator().log().byPath("/v1/embeddings")).isEmpty();
  }

  @Test
  void invalidInputTypeIs400() {
    for (String input : List.of("42", "{}", "[\"a\",1]")) {
      HttpResponse<String> response = harness.post("/api/embed", "{\"model\":\"" + MODEL + "\",\"input\":" + input
          + "}");
      assertThat(response.statusCode()).as(input).isEqualTo(400);
      assertThat(response.body()).isEqualTo("{\"error\":\"invalid input type\"}");
    }
    assertThat(harness.simulator().log().byPath("/v1/embeddings")).isEmpty();
  }

  @Test
  void legacyEmbeddingsAnswersOnlyTheEmbeddingField() {
    HttpResponse<String> response = harness.post("/api/embeddings", "{\"model\":\"" + MODEL + "\",\"prompt\":\"alpha\"}");

    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode body = Ndjson.json(response.body());
    List<String> fields = new ArrayList<>();
    body.fieldNames().forEachRemaining(fields::add);
    assertThat(fields).containsExactly("embedding");
    assertThat(doubles(body.path("embedding"))).containsExactly(direct("alpha"), within(1e-6));
    assertThat(Upstream.body(harness, "/v1/embeddings").path("input").toString()).isEqualTo("[\"alpha\"]");

    JsonNode empty = Ndjson.json(harness.post("/api/embeddings", "{\"model\":\"" + MODEL + "\",\"prompt\":\"\"}")
        .body());
    assertThat(empty.toString()).isEqualTo("{\"embedding\":[]}");
  }

  @Test
  void embedWithoutModelIs400() {
    HttpResponse<String> response = harness.post("/api/embed", "{\"input\":\"x\"}");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).isEqualTo("{\"error\":\"model is required\"}");
  }

  @Test
  void backendEmbeddingErrorKeepsItsMessage() {
    harness.simulator().script().failNext(400, "{\"error\":{\"message\":\"Input is too long\",\"type\":"
        + "\"invalid_request_error\"}}");
    HttpResponse<String> response = harness.post("/api/embed", "{\"model\":\"" + MODEL + "\",\"input\":\"x\"}");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).isEqualTo("{\"error\":\"Input is too long\"}");
  }

  @Test
  void theMostInputsARequestMayHaveAreEmbeddedInOneBackendCall() {
    HttpResponse<String> response = harness.post("/api/embed", embedBody(EmbedRequest.MAX_INPUTS));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(Ndjson.json(response.body()).path("embeddings").size()).isEqualTo(2048);
    assertThat(harness.simulator().log().byPath("/v1/embeddings")).hasSize(1);
  }

  @Test
  void oneInputMoreIsA400BeforeAnythingReachesTheBackend() {
    HttpResponse<String> response = harness.post("/api/embed", embedBody(EmbedRequest.MAX_INPUTS + 1));

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).isEqualTo(
        "{\"error\":\"too many inputs: 2049 (at most 2048 per request; send them in batches)\"}");
    assertThat(harness.simulator().log().byPath("/v1/embeddings")).isEmpty();
  }

  @Test
  void anAnswerOfExactlyTheCapIsRead() {
    harness.simulator().script().padAnswers("/v1/embeddings", OpenAiEmbeddings.MAX_ANSWER_BYTES);

    HttpResponse<String> response = harness.post("/api/embed", "{\"model\":\"" + MODEL + "\",\"input\":[\"alpha\"]}");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(doubles(Ndjson.json(response.body()).path("embeddings").path(0)))
        .containsExactly(direct("alpha"), within(1e-6));
  }

  @Test
  void anAnswerPastTheCapIsA502NamingTheLimitAndTheBackendIsReset() {
    harness.simulator().script().padAnswers("/v1/embeddings", OpenAiEmbeddings.MAX_ANSWER_BYTES + 1);

    HttpResponse<String> response = harness.post("/api/embed", "{\"model\":\"" + MODEL + "\",\"input\":[\"alpha\"]}");

    assertThat(response.statusCode()).isEqualTo(502);
    assertThat(response.body()).isEqualTo("{\"error\":\"the backend's embeddings answer (POST /v1/embeddings) is larger"
        + " than 64 MiB, the most the proxy reads; embed fewer inputs per request\"}");
    RecordedRequest call = harness.simulator().log().byPath("/v1/embeddings").get(0);
    harness.simulator().log().awaitClientClose(call, Duration.ofSeconds(10));
    assertThat(call.completed()).isFalse();
  }

  private static String embedBody(int inputs) {
    StringBuilder body = new StringBuilder("{\"model\":\"" + MODEL + "\",\"input\":[");
    for (int i = 0; i < inputs; i++) {
      body.append(i == 0 ? "" : ",").append("\"text number ").append(i).append('"');
    }
    return body.append("]}").toString();
  }

  /** The simulator's own vector for {@code input}, asked for directly. */
  private static double[] direct(String input) {
    HttpResponse<String> response = harness.send(HttpRequest.newBuilder(harness.direct("/v1/embeddings"))
        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + MODEL + "\",\"input\":\"" + input + "\"}"))
        .build());
    double[] v = doubles(Ndjson.json(response.body()).path("data").path(0).path("embedding"));
    double n = 0;
    for (double x : v) {
      n += x * x;
    }
    n = Math.sqrt(n);
    for (int i = 0; i < v.length; i++) {
      v[i] /= n;
    }
    return v;
  }

  private static double[] doubles(JsonNode array) {
    double[] out = new double[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = array.path(i).asDouble();
    }
    return out;
  }

  private static double norm(JsonNode vector) {
    double sum = 0;
    for (JsonNode x : vector) {
      sum += x.asDouble() * x.asDouble();
    }
    return Math.sqrt(sum);
  }
}
