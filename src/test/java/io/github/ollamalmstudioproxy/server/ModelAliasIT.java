package io.github.ollamalmstudioproxy.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.ollamalmstudioproxy.support.Ndjson;
import io.github.ollamalmstudioproxy.support.ProxyHarness;
import io.github.ollamalmstudioproxy.support.Upstream;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14, point 2: aliases made with {@code /api/create} and {@code /api/copy}, over real sockets in front of the
 * simulator, which must receive the alias's parameters and system prompt. The contract is Ollama v0.33.0-rc2:
 * {@code server/create.go} (CreateHandler 51-355), {@code server/routes.go} (CopyHandler 1647-1686, DeleteHandler
 * 1247-1292, GetModelInfo 1440-1510, modelOptions 125-146, chat 2545-2547, generate 345-346).
 */
class ModelAliasIT {
  private static final String CREATE = "{\"model\":\"mybot\",\"from\":\"qwen/qwen3-4b\",\"parameters\":"
      + "{\"num_ctx\":8192,\"temperature\":0.2,\"stop\":[\"<|end|>\"]},\"system\":\"You answer in one word.\"}";

  @TempDir
  Path dir;
  private Path file;
  private final List<ProxyHarness> started = new ArrayList<>();

  @BeforeEach
  void file() {
    file = dir.resolve("ollama-lmstudio-proxy/models.yaml");
  }

  @AfterEach
  void stop() {
    started.forEach(ProxyHarness::close);
  }

  private ProxyHarness proxy() {
    ProxyHarness h = ProxyHarness.start("--models-file", file.toString());
    started.add(h);
    return h;
  }

  private static String chat(String model, String messages) {
    return "{\"model\":\"" + model + "\",\"stream\":false,\"messages\":" + messages + "}";
  }

  /** create.go: status lines, then {@code {"status":"success"}} last (347); stream:false answers once (349-352). */
  @Test
  void createStreamsOllamasStatusLinesEndingWithSuccessAndStreamFalseAnswersOnce() {
    ProxyHarness h = proxy();
    HttpResponse<String> streamed = h.post("/api/create", CREATE);

    assertThat(streamed.statusCode()).isEqualTo(200);
    assertThat(streamed.headers().firstValue("content-type")).hasValue("application/x-ndjson");
    List<String> statuses = Ndjson.parse(streamed.body()).lines().stream().map(l -> l.path("status").asText())
        .toList();
    assertThat(statuses.get(0)).startsWith("using existing layer sha256:");
    assertThat(statuses.get(1)).startsWith("creating new layer sha256:");
    assertThat(statuses.subList(2, 4)).containsExactly("writing manifest", "success");
    assertThat(Ndjson.parse(streamed.body()).last().toString()).isEqualTo("{\"status\":\"success\"}");

    HttpResponse<String> once = h.post("/api/create", "{\"model\":\"quiet\",\"from\":\"qwen/qwen3-4b\",\"stream\":false}");
    assertThat(once.body()).isEqualTo("{\"status\":\"success\"}");
    assertThat(Upstream.inference(h)).as("creating runs no model").isEmpty();
  }

  @Test
  void chatOnAnAliasSendsItsParametersAndSystemPromptToTheBackendAndTheRequestOverridesThem() {
    ProxyHarness h = proxy();
    h.post("/api/create", CREATE);

    HttpResponse<String> answer = h.post("/api/chat", chat("mybot", "[{\"role\":\"user\",\"content\":\"hi\"}]"));

    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(Ndjson.json(answer.body()).path("model").asText()).as("echoed as the client named it")
        .isEqualTo("mybot");
    JsonNode sent = Upstream.chatBody(h);
    assertThat(sent.path("model").asText()).isEqualTo("qwen/qwen3-4b");
    assertThat(sent.path("temperature").asDouble()).isEqualTo(0.2);
    assertThat(sent.path("stop").toString()).isEqualTo("[\"<|end|>\"]");
    assertThat(sent.path("messages").toString()).isEqualTo("[{\"role\":\"system\",\"content\":\"You answer in one"
        + " word.\"},{\"role\":\"user\",\"content\":\"hi\"}]");

    h.simulator().log().clear();
    h.post("/api/chat", "{\"model\":\"mybot:latest\",\"stream\":false,\"options\":{\"temperature\":0.9},"
        + "\"messages\":[{\"role\":\"system\",\"content\":\"Mine.\"},{\"role\":\"user\",\"content\":\"hi\"}]}");
    JsonNode overridden = Upstream.chatBody(h);
    assertThat(overridden.path("temperature").asDouble()).isEqualTo(0.9);
    assertThat(overridden.path("stop").toString()).isEqualTo("[\"<|end|>\"]");
    assertThat(overridden.path("messages").get(0).path("content").asText()).isEqualTo("Mine.");
  }

  @Test
  void generateAndV1ChatCompletionsApplyTheAliasToo() {
    ProxyHarness h = proxy();
    h.post("/api/create", CREATE);

    h.post("/api/generate", "{\"model\":\"mybot\",\"prompt\":\"hi\",\"stream\":false}");
    JsonNode generated = Upstream.chatBody(h);
    assertThat(generated.path("messages").get(0).toString())
        .isEqualTo("{\"role\":\"system\",\"content\":\"You answer in one word.\"}");
    assertThat(generated.path("temperature").asDouble()).isEqualTo(0.2);

    h.simulator().log().clear();
    HttpResponse<String> v1 = h.post("/v1/chat/completions", "{\"model\":\"mybot\",\"messages\":[{\"role\":\"user\","
        + "\"content\":\"hi\"}]}");
    assertThat(v1.statusCode()).isEqualTo(200);
    JsonNode sent = Upstream.chatBody(h);
    assertThat(sent.path("model").asText()).isEqualTo("qwen/qwen3-4b");
    assertThat(sent.path("temperature").asDouble()).isEqualTo(0.2);
    assertThat(sent.path("messages").get(0).path("role").asText()).isEqualTo("system");
  }

  @Test
  void embedAndV1ModelsKnowTheAliasToo() {
    ProxyHarness h = proxy();
    h.post("/api/create", "{\"model\":\"embedder\",\"from\":\"text-embedding-nomic-embed-text-v1.5\"}");

    HttpResponse<String> embed = h.post("/api/embed", "{\"model\":\"embedder\",\"input\":[\"a\"]}");

    assertThat(embed.statusCode()).as(embed.body()).isEqualTo(200);
    assertThat(Ndjson.json(embed.body()).path("model").asText()).isEqualTo("embedder");
    assertThat(Upstream.body(h, "/v1/embeddings").path("model").asText())
        .isEqualTo("text-embedding-nomic-embed-text-v1.5");
    JsonNode models = Ndjson.json(h.get("/v1/models").body()).path("data");
    assertThat(models.findValuesAsText("id")).contains("embedder:latest");
    assertThat(h.get("/v1/models/embedder:latest").statusCode()).isEqualTo(200);
  }

  @Test
  void tagsListsTheAliasWithItsTargetsDetailsAndShowGivesItsModelfileParametersAndSystem() {
    ProxyHarness h = proxy();
    h.post("/api/create", CREATE);

    JsonNode tags = Ndjson.json(h.get("/api/tags").body()).path("models");
    JsonNode alias = find(tags, "mybot:latest");
    JsonNode target = find(tags, "qwen/qwen3-4b:latest");
    assertThat(alias.path("model").asText()).isEqualTo("mybot:latest");
    assertThat(alias.path("details").path("family")).isEqualTo(target.path("details").path("family"));
    assertThat(alias.path("details").path("parent_model").asText()).isEqualTo("qwen/qwen3-4b:latest");
    assertThat(alias.path("capabilities")).isEqualTo(target.path("capabilities"));
    assertThat(alias.path("digest").asText()).matches("[0-9a-f]{64}").isNotEqualTo(target.path("digest").asText());

    JsonNode show = Ndjson.json(h.post("/api/show", "{\"model\":\"mybot\"}").body());
    assertThat(show.path("system").asText()).isEqualTo("You answer in one word.");
    assertThat(show.path("parameters").asText()).isEqualTo(String.join("\n",
        "num_ctx                        8192",
        "stop                           \"<|end|>\"",
        "temperature                    0.2"));
    assertThat(show.path("modelfile").asText()).contains("FROM qwen/qwen3-4b:latest\n",
        "SYSTEM You answer in one word.\n", "PARAMETER num_ctx 8192\n", "PARAMETER stop <|end|>\n");
    JsonNode targetShow = Ndjson.json(h.post("/api/show", "{\"model\":\"qwen/qwen3-4b\"}").body());
    assertThat(show.path("model_info")).isEqualTo(targetShow.path("model_info"));
    assertThat(show.path("capabilities")).isEqualTo(targetShow.path("capabilities"));
  }

  /** What {@code /api/show} prints is a Modelfile {@code /api/create} reads back (its TEMPLATE included). */
  @Test
  void theShownModelfileCreatesTheSameAliasAgain() {
    ProxyHarness h = proxy();
    h.post("/api/create", CREATE);
    String modelfile = Ndjson.json(h.post("/api/show", "{\"model\":\"mybot\"}").body()).path("modelfile").asText();

    HttpResponse<String> again = h.post("/api/create", Ndjson.JSON.createObjectNode().put("name", "again")
        .put("modelfile", modelfile).put("stream", false).toString());

    assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
    JsonNode show = Ndjson.json(h.post("/api/show", "{\"model\":\"again\"}").body());
    assertThat(show.path("parameters")).isEqualTo(Ndjson.json(h.post("/api/show", "{\"model\":\"mybot\"}").body())
        .path("parameters"));
    assertThat(show.path("system").asText()).isEqualTo("You answer in one word.");
  }

  @Test
  void copyOfAnAliasOrABackendModelMakesAnAliasAndDeleteRemovesOnlyAliases() {
    ProxyHarness h = proxy();
    h.post("/api/create", CREATE);

    assertThat(h.post("/api/copy", "{\"source\":\"mybot\",\"destination\":\"mybot2\"}").statusCode()).isEqualTo(200);
    assertThat(h.post("/api/copy", "{\"source\":\"qwen/qwen3-4b\",\"destination\":\"q\"}").statusCode())
        .isEqualTo(200);
    h.post("/api/chat", chat("mybot2", "[{\"role\":\"user\",\"content\":\"hi\"}]"));
    assertThat(Upstream.chatBody(h).path("temperature").asDouble()).isEqualTo(0.2);
    assertThat(Ndjson.json(h.post("/api/show", "{\"model\":\"q\"}").body()).path("details").path("parent_model")
        .asText()).isEqualTo("qwen/qwen3-4b:latest");

    HttpResponse<String> deleted = h.send(delete("{\"model\":\"mybot2\"}"));
    assertThat(deleted.statusCode()).isEqualTo(200);
    assertThat(h.post("/api/show", "{\"model\":\"mybot2\"}").statusCode()).isEqualTo(404);

    HttpResponse<String> backend = h.send(delete("{\"name\":\"qwen/qwen3-4b\"}"));
    assertThat(backend.statusCode()).isEqualTo(400);
    assertThat(Ndjson.json(backend.body()).path("error").asText()).startsWith(
        "model 'qwen/qwen3-4b' is managed in LM Studio: delete it there");
    assertThat(h.simulator().catalog().instancesOf("qwen/qwen3-4b")).as("still there").isNotNull();
    assertThat(find(Ndjson.json(h.get("/api/tags").body()).path("models"), "qwen/qwen3-4b:latest")).isNotNull();

    HttpResponse<String> unknown = h.send(delete("{\"model\":\"nothing\"}"));
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(Ndjson.json(unknown.body()).path("error").asText()).isEqualTo("model 'nothing' not found");
    HttpResponse<String> noSource = h.post("/api/copy", "{\"source\":\"nothing\",\"destination\":\"x\"}");
    assertThat(noSource.statusCode()).isEqualTo(404);
    assertThat(Ndjson.json(noSource.body()).path("error").asText()).isEqualTo("model \"nothing\" not found");
  }

  @Test
  void anAliasSurvivesAProxyRestart() {
    ProxyHarness first = proxy();
    first.post("/api/create", CREATE);
    first.close();
    started.remove(first);

    ProxyHarness second = proxy();
    second.post("/api/chat", chat("mybot", "[{\"role\":\"user\",\"content\":\"hi\"}]"));

    JsonNode sent = Upstream.chatBody(second);
    assertThat(sent.path("temperature").asDouble()).isEqualTo(0.2);
    assertThat(sent.path("messages").get(0).path("content").asText()).isEqualTo("You answer in one word.");
  }

  @Test
  void badModelfilesAndFromsAre400NamingTheLineAndBlobsStay501() {
    ProxyHarness h = proxy();

    HttpResponse<String> unknown = h.post("/api/create",
        "{\"model\":\"x\",\"modelfile\":\"FROM qwen/qwen3-4b\\nPARAMETER temperature 0.5\\nFOO bar\\n\"}");
    assertThat(unknown.statusCode()).isEqualTo(400);
    assertThat(Ndjson.json(unknown.body()).path("error").asText()).startsWith("(line 3): command must be one of");

    HttpResponse<String> from = h.post("/api/create", "{\"model\":\"x\",\"modelfile\":\"# mine\\nFROM llama3.2\\n\"}");
    assertThat(from.statusCode()).isEqualTo(400);
    assertThat(Ndjson.json(from.body()).path("error").asText()).isEqualTo("(line 2): model 'llama3.2' not found:"
        + " FROM must name a model the backend lists (see /api/tags) or an alias");

    HttpResponse<String> template = h.post("/api/create",
        "{\"model\":\"x\",\"from\":\"qwen/qwen3-4b\",\"template\":\"{{ .System }} {{ .Prompt }}\"}");
    assertThat(template.statusCode()).isEqualTo(400);
    assertThat(Ndjson.json(template.body()).path("error").asText()).startsWith("TEMPLATE is not supported: the"
        + " backend applies the model's own chat template");

    HttpResponse<String> taken = h.post("/api/create", "{\"model\":\"qwen/qwen3-4b\",\"from\":\"qwen/qwen3-4b\"}");
    assertThat(taken.statusCode()).isEqualTo(400);

    for (HttpResponse<String> r : List.of(
        h.post("/api/create", "{\"model\":\"x\",\"files\":{\"m.gguf\":\"sha256:" + "a".repeat(64) + "\"}}"),
        h.post("/api/blobs/sha256:" + "a".repeat(64), "x"))) {
      assertThat(r.statusCode()).isEqualTo(501);
      assertThat(Ndjson.json(r.body()).path("error").asText()).startsWith("creating a model from GGUF files or"
          + " blobs is not supported: models are downloaded and managed in LM Studio");
    }
    assertThat(Files.exists(file)).as("nothing written").isFalse();
  }

  /** Replicas sharing one file: a write by one is served by the other once the file's time changes. */
  @Test
  void aReplicaSharingTheFileServesAnAliasTheOtherCreated() throws Exception {
    ProxyHarness one = proxy();
    ProxyHarness two = proxy();
    assertThat(two.post("/api/show", "{\"model\":\"mybot\"}").statusCode()).isEqualTo(404);

    one.post("/api/create", CREATE);

    long deadline = System.nanoTime() + 5_000_000_000L;
    int status;
    do {
      Thread.sleep(100);
      status = two.post("/api/show", "{\"model\":\"mybot\"}").statusCode();
    } while (status != 200 && System.nanoTime() < deadline);
    assertThat(status).isEqualTo(200);
  }

  /** A models file that cannot be written: 500 with the reason, the old file intact (here: a directory in its way). */
  @Test
  void aModelsFileThatCannotBeWrittenAnswers500WithTheReason() throws IOException {
    Path parentIsAFile = dir.resolve("not-a-directory");
    Files.writeString(parentIsAFile, "x");
    file = parentIsAFile.resolve("models.yaml");
    ProxyHarness h = proxy();

    HttpResponse<String> r = h.post("/api/create", CREATE);

    assertThat(r.statusCode()).isEqualTo(500);
    assertThat(Ndjson.json(r.body()).path("error").asText()).startsWith("cannot write the models file " + file + ": ")
        .endsWith("; nothing was changed");
    assertThat(Files.readString(parentIsAFile)).isEqualTo("x");
    assertThat(h.post("/api/show", "{\"model\":\"mybot\"}").statusCode()).isEqualTo(404);
  }

  private HttpRequest delete(String body) {
    return HttpRequest.newBuilder(started.get(started.size() - 1).url("/api/delete"))
        .method("DELETE", HttpRequest.BodyPublishers.ofString(body)).build();
  }

  private static JsonNode find(JsonNode models, String name) {
    for (JsonNode m : models) {
      if (m.path("name").asText().equals(name)) {
        return m;
      }
    }
    throw new AssertionError(name + " not listed in " + models);
  }
}
