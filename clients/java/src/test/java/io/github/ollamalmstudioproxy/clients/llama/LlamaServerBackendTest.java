package io.github.ollamalmstudioproxy.clients.llama;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.ollamalmstudioproxy.config.CommandLineConfig;
import io.github.ollamalmstudioproxy.config.ListenAddress;
import io.github.ollamalmstudioproxy.config.ProxyConfig;
import io.github.ollamalmstudioproxy.server.ProxyServer;
import io.vertx.core.Vertx;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The proxy in front of a real llama.cpp {@code llama-server} (tiny random model: the text is gibberish, so these
 * tests check shapes, counts and behaviour). Skipped with a message when the server has not been built
 * ({@code scripts/llama-server/build.sh}); CI sets {@code REQUIRE_LLAMA_SERVER=1} so that a missing build fails.
 *
 * <p>Every request is greedy ({@code temperature 0}, fixed seed): sampled gibberish sometimes ends in half a UTF-8
 * character, and llama-server's own chat parser then fails the request ("The model produced output that does not
 * match the expected peg-native format"), which made these tests flaky for reasons that are not the proxy's.
 */
class LlamaServerBackendTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String MODEL = LlamaServer.MODEL_ID;
  @TempDir
  static Path work;
  private static LlamaServer llama;
  private static Vertx vertx;
  private static ProxyServer proxy;
  private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  static void start() throws Exception {
    LlamaServer.requireOrSkip();
    llama = LlamaServer.start(work);
    ProxyConfig config = CommandLineConfig.parse(new String[0], Map.of())
        .withListen(new ListenAddress("127.0.0.1", 0)).withBackend(llama.baseUrl());
    vertx = Vertx.vertx();
    proxy = ProxyServer.start(vertx, config).await(10, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    if (proxy != null) {
      proxy.shutdown(Duration.ZERO).await(10, TimeUnit.SECONDS);
    }
    if (vertx != null) {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
    if (llama != null) {
      llama.close();
    }
  }

  @AfterEach
  void backendIdle() throws Exception {
    // -np 1: a test that left a generation running would make the next one wait behind it.
    awaitProcessing(0, Duration.ofSeconds(5));
  }

  @Test
  void listsAndShowsTheServedModel() throws Exception {
    JsonNode tags = getJson("/api/tags");
    assertThat(tags.path("models").findValuesAsText("model")).contains(MODEL + ":latest");

    HttpResponse<String> show = post("/api/show", "{\"model\":\"" + MODEL + "\"}");
    assertThat(show.statusCode()).as(show.body()).isEqualTo(200);
    assertThat(JSON.readTree(show.body()).has("model_info")).isTrue();
  }

  @Test
  void chatsWithoutStreamingHonouringNumPredict() throws Exception {
    HttpResponse<String> response = post("/api/chat", chat(false, 8));

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(
        v -> assertThat(v).startsWith("application/json"));
    JsonNode body = JSON.readTree(response.body());
    assertThat(body.path("message").path("role").asText()).isEqualTo("assistant");
    assertThat(body.path("message").path("content").isTextual()).isTrue();
    assertThat(body.path("done").asBoolean()).isTrue();
    assertThat(body.path("done_reason").asText()).isEqualTo("length");
    assertThat(body.path("eval_count").asInt()).isEqualTo(8);
    assertThat(body.path("prompt_eval_count").asInt()).isPositive();
  }

  @Test
  void chatsStreamingOneObjectPerLineEndingWithDone() throws Exception {
    List<JsonNode> lines = ndjson(post("/api/chat", chat(true, 8)));

    assertThat(lines).hasSizeGreaterThanOrEqualTo(2);
    for (JsonNode line : lines.subList(0, lines.size() - 1)) {
      assertThat(line.has("error")).as(line.toString()).isFalse();
      assertThat(line.path("done").asBoolean()).as(line.toString()).isFalse();
      assertThat(line.path("message").path("content").isTextual()).as(line.toString()).isTrue();
    }
    JsonNode last = lines.get(lines.size() - 1);
    assertThat(last.path("done").asBoolean()).as(last.toString()).isTrue();
    assertThat(last.path("done_reason").asText()).isEqualTo("length");
    assertThat(last.path("eval_count").asInt()).isEqualTo(8);
    String content = lines.stream().map(l -> l.path("message").path("content").asText()).reduce("", String::concat);
    assertThat(content).isNotEmpty();
  }

  @Test
  void generatesWithAndWithoutStreaming() throws Exception {
    String body = "{\"model\":\"" + MODEL + "\",\"prompt\":\"Once upon a time\",\"options\":{\"temperature\":0,\"seed\":7,\"num_predict\":6}";
    HttpResponse<String> whole = post("/api/generate", body + ",\"stream\":false}");
    assertThat(whole.statusCode()).as(whole.body()).isEqualTo(200);
    JsonNode result = JSON.readTree(whole.body());
    assertThat(result.path("response").isTextual()).isTrue();
    assertThat(result.path("done").asBoolean()).isTrue();
    assertThat(result.path("eval_count").asInt()).isEqualTo(6);

    List<JsonNode> lines = ndjson(post("/api/generate", body + ",\"stream\":true}"));
    assertThat(lines.get(lines.size() - 1).path("done").asBoolean()).isTrue();
    assertThat(lines.get(lines.size() - 1).path("eval_count").asInt()).isEqualTo(6);
    assertThat(lines).allSatisfy(l -> assertThat(l.has("error")).as(l.toString()).isFalse());
  }

  /**
   * Log probabilities from a real backend, in Ollama's {@code Logprob} shape ({@code api/types.go} lines 497-516 at
   * v0.33.0-rc2): one entry per generated token across the streamed lines ({@code server/routes.go} line 2832 sends a
   * line for logprobs alone), each with llama-server's bytes and as many alternatives as asked for.
   */
  @Test
  void streamedChatCarriesOneLogprobPerTokenWithTheAskedAlternatives() throws Exception {
    List<JsonNode> lines = ndjson(post("/api/chat", "{\"model\":\"" + MODEL + "\",\"logprobs\":true,\"top_logprobs\":2,"
        + "\"options\":{\"temperature\":0,\"seed\":7,\"num_predict\":4},\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}"));

    List<JsonNode> entries = new ArrayList<>();
    lines.forEach(l -> l.path("logprobs").forEach(entries::add));
    assertThat(entries).hasSize(lines.get(lines.size() - 1).path("eval_count").asInt()).hasSize(4);
    for (JsonNode e : entries) {
      assertThat(e.path("token").isTextual()).as(e.toString()).isTrue();
      assertThat(e.path("logprob").isNumber() && e.path("logprob").asDouble() <= 0).as(e.toString()).isTrue();
      assertThat(e.path("bytes").isArray()).as(e.toString()).isTrue();
      assertThat(e.path("top_logprobs").size()).as(e.toString()).isEqualTo(2);
      assertThat(e.path("top_logprobs").get(0).path("logprob").asDouble())
          .isGreaterThanOrEqualTo(e.path("top_logprobs").get(1).path("logprob").asDouble());
    }
    String content = lines.stream().map(l -> l.path("message").path("content").asText()).reduce("", String::concat);
    String tokens = entries.stream().map(e -> e.path("token").asText()).reduce("", String::concat);
    assertThat(tokens).isEqualTo(content);
  }

  /** Raw generate goes to {@code /v1/completions}; without {@code top_logprobs} no alternatives are given. */
  @Test
  void rawGenerateWithoutStreamingConcatenatesTheLogprobsWithoutAlternatives() throws Exception {
    HttpResponse<String> response = post("/api/generate", "{\"model\":\"" + MODEL + "\",\"raw\":true,\"stream\":false,"
        + "\"prompt\":\"Once upon a time\",\"logprobs\":true,\"options\":{\"temperature\":0,\"seed\":7,\"num_predict\":3}}");

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JsonNode body = JSON.readTree(response.body());
    assertThat(body.path("logprobs").size()).isEqualTo(3);
    assertThat(body.path("logprobs").findValues("top_logprobs")).isEmpty();
    String tokens = "";
    for (JsonNode e : body.path("logprobs")) {
      tokens += e.path("token").asText();
    }
    assertThat(tokens).isEqualTo(body.path("response").asText());
  }

  /**
   * A {@code suffix} goes to llama-server's {@code /infill}, which knows the model's FIM tokens; this model has none,
   * and llama-server's own refusal (its 501, "Infill is not supported by this model") comes back as the 400 Ollama
   * answers for a model without {@code insert} ({@code server/routes.go} lines 449-451 at v0.33.0-rc2).
   */
  @Test
  void suffixOnAModelWithoutFimTokensPassesLlamaServersRefusalOnAsA400() throws Exception {
    HttpResponse<String> response = post("/api/generate", "{\"model\":\"" + MODEL + "\",\"prompt\":\"def f(\","
        + "\"suffix\":\"\\n  return x\",\"options\":{\"num_predict\":3}}");

    assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
    assertThat(JSON.readTree(response.body()).path("error").asText())
        .startsWith("Infill is not supported by this model: prefix token is missing.");
  }

  /**
   * The same through a llama-server whose model has CodeLlama's infill tokens ({@code make_tiny_model.py --fim}):
   * {@code /infill} answers in llama-server's native stream (no {@code [DONE]}), translated like any other, with
   * the middle's log probabilities when asked.
   */
  @Test
  void suffixOnAModelWithFimTokensIsFilledThroughInfill() throws Exception {
    Path dir = java.nio.file.Files.createDirectories(work.resolve("fim"));
    try (LlamaServer fim = LlamaServer.start(dir, true)) {
      ProxyConfig config = CommandLineConfig.parse(new String[0], Map.of())
          .withListen(new ListenAddress("127.0.0.1", 0)).withBackend(fim.baseUrl());
      ProxyServer fimProxy = ProxyServer.start(vertx, config).await(10, TimeUnit.SECONDS);
      try {
        String ask = "{\"model\":\"" + LlamaServer.FIM_MODEL_ID + "\",\"prompt\":\"def f(\",\"suffix\":\"\\n  return x\","
            + "\"logprobs\":true,\"options\":{\"temperature\":0,\"seed\":7,\"num_predict\":3}";
        List<JsonNode> lines = ndjson(post(fimProxy.port(), "/api/generate", ask + "}"));
        JsonNode last = lines.get(lines.size() - 1);
        assertThat(last.path("done").asBoolean()).as(last.toString()).isTrue();
        assertThat(last.path("done_reason").asText()).isEqualTo("length");
        assertThat(last.path("eval_count").asInt()).isEqualTo(3);
        List<JsonNode> entries = new ArrayList<>();
        lines.forEach(l -> l.path("logprobs").forEach(entries::add));
        assertThat(entries).hasSize(3);

        HttpResponse<String> whole = post(fimProxy.port(), "/api/generate", ask + ",\"stream\":false}");
        assertThat(whole.statusCode()).as(whole.body()).isEqualTo(200);
        JsonNode body = JSON.readTree(whole.body());
        String streamed = lines.stream().map(l -> l.path("response").asText()).reduce("", String::concat);
        assertThat(body.path("response").asText()).isEqualTo(streamed).isNotEmpty();
        assertThat(body.path("logprobs").size()).isEqualTo(3);
      } finally {
        fimProxy.shutdown(Duration.ZERO).await(10, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void embedsNormalisedVectorsOnBothEndpoints() throws Exception {
    HttpResponse<String> embed = post("/api/embed",
        "{\"model\":\"" + MODEL + "\",\"input\":[\"hello\",\"world wide\"]}");
    assertThat(embed.statusCode()).as(embed.body()).isEqualTo(200);
    JsonNode vectors = JSON.readTree(embed.body()).path("embeddings");
    assertThat(vectors.size()).isEqualTo(2);
    for (JsonNode vector : vectors) {
      assertThat(vector.size()).isEqualTo(64);
      assertThat(norm(vector)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-3));
    }

    HttpResponse<String> legacy = post("/api/embeddings", "{\"model\":\"" + MODEL + "\",\"prompt\":\"hello\"}");
    assertThat(legacy.statusCode()).as(legacy.body()).isEqualTo(200);
    assertThat(JSON.readTree(legacy.body()).path("embedding").size()).isEqualTo(64);
  }

  @Test
  void passesV1ChatCompletionsThrough() throws Exception {
    String request = "{\"model\":\"" + MODEL + "\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";
    HttpResponse<String> whole = post("/v1/chat/completions", request + "}");
    assertThat(whole.statusCode()).as(whole.body()).isEqualTo(200);
    JsonNode completion = JSON.readTree(whole.body());
    assertThat(completion.path("usage").path("completion_tokens").asInt()).isEqualTo(5);
    assertThat(completion.path("choices").get(0).path("finish_reason").asText()).isEqualTo("length");

    HttpResponse<String> stream = post("/v1/chat/completions", request + ",\"stream\":true}");
    assertThat(stream.statusCode()).isEqualTo(200);
    assertThat(stream.headers().firstValue("content-type")).hasValueSatisfying(
        v -> assertThat(v).startsWith("text/event-stream"));
    List<String> events = stream.body().lines().filter(l -> l.startsWith("data: ")).toList();
    assertThat(events).last().isEqualTo("data: [DONE]");
    assertThat(events.size()).isGreaterThanOrEqualTo(6);
  }

  @Test
  void clientHangUpMidStreamStopsGenerationWithinASecond() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", proxy.port())) {
      socket.setSoTimeout(10_000);
      sendChat(socket, true);
      BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      int objects = 0;
      for (String line; objects < 5 && (line = in.readLine()) != null; ) {
        if (line.contains("\"done\":false")) {
          objects++;
        }
      }
      assertThat(objects).as("NDJSON objects read before hanging up").isEqualTo(5);
      assertThat(llama.requestsProcessing()).as("llama-server busy while the client reads").isEqualTo(1);
    }
    long closed = System.nanoTime();

    awaitProcessing(0, Duration.ofSeconds(1));
    System.out.printf("llama-server idle %d ms after the client hung up%n",
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - closed));
  }

  @Test
  void clientHangUpDuringANonStreamingChatStopsGenerationWithinASecond() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", proxy.port())) {
      sendChat(socket, false);
      awaitProcessing(1, Duration.ofSeconds(5));
      Thread.sleep(200);
    }
    // llama-server itself only notices a non-streaming client once per second; the proxy streams upstream anyway, so
    // the backend sees the close at its next token.
    awaitProcessing(0, Duration.ofSeconds(1));
  }

  @Test
  void unknownModelNamesAreRefusedAlthoughLlamaServerAcceptsAnyName() throws Exception {
    HttpResponse<String> response = post("/api/chat",
        "{\"model\":\"gpt-4o\",\"stream\":false,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

    assertThat(response.statusCode()).as(response.body()).isEqualTo(404);
    assertThat(JSON.readTree(response.body()).path("error").asText()).isEqualTo("model 'gpt-4o' not found");
  }

  /**
   * llama-server serves exactly the models it lists and has no load/unload API, so they are always loaded and
   * {@code /api/ps} lists them: ollama-vscode polls it for {@code context_length} while a request runs.
   */
  @Test
  void psListsTheAlwaysLoadedModelOfABackendWithoutLoadState() throws Exception {
    JsonNode ps = getJson("/api/ps");

    assertThat(ps.path("models").findValuesAsText("model")).containsExactly(MODEL + ":latest");
    assertThat(ps.path("models").get(0).path("context_length").asInt()).isEqualTo(65536);
  }

  /**
   * {@code format:"json"} must reach a generic OpenAI server as {@code json_object}: this llama-server build answers
   * every {@code json_schema} with 400 "Failed to initialize samplers: std::exception" (LM Studio needs the schema).
   */
  @Test
  void formatJsonIsAnsweredByABackendThatOnlyTakesJsonObject() throws Exception {
    HttpResponse<String> response = post("/api/chat", "{\"model\":\"" + MODEL + "\",\"stream\":false,\"format\":\"json\","
        + "\"options\":{\"temperature\":0,\"seed\":7,\"num_predict\":5},\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
  }

  /**
   * This llama-server build answers every streamed response with {@code Keep-Alive: timeout=5, max=100} but closes the
   * connection right after the last chunk, so a request that follows at once can be sent on a closing pooled
   * connection; the proxy must replay it on a fresh one instead of answering 502.
   */
  @Test
  void backToBackRequestsDoNotHitTheConnectionLlamaServerJustClosed() throws Exception {
    List<Integer> statuses = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      statuses.add(post("/api/chat", chat(false, 2)).statusCode());
    }

    assertThat(statuses).containsOnly(200);
  }

  /**
   * llama-server closes its connection right after every streamed answer although it announced keep-alive, so a
   * passthrough request that follows at once can be written on that closing pooled connection. Its body is the
   * client's, streamed through, so it cannot simply be sent again: once this answered 502 "connection closed by the
   * backend" with "IllegalStateException: Request already complete" in the log. Many back-to-back streamed requests on
   * both streaming APIs this build serves must all complete.
   */
  @Test
  void manyBackToBackStreamedPassthroughRequestsAllComplete() throws Exception {
    String chat = "{\"model\":\"" + MODEL + "\",\"max_tokens\":2,\"temperature\":0,\"seed\":7,\"stream\":true,"
        + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    String responses = "{\"model\":\"" + MODEL + "\",\"max_output_tokens\":2,\"temperature\":0,\"seed\":7,"
        + "\"stream\":true,\"input\":\"hi\"}";
    List<String> failures = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      boolean useChat = i % 2 == 0;
      HttpResponse<String> response = post(useChat ? "/v1/chat/completions" : "/v1/responses",
          useChat ? chat : responses);
      String body = response.body();
      boolean complete = response.statusCode() == 200
          && (useChat ? body.stripTrailing().endsWith("data: [DONE]") : body.contains("event: response.completed"));
      if (!complete) {
        failures.add("#" + i + " " + (useChat ? "chat" : "responses") + ": " + response.statusCode() + " "
            + body.substring(0, Math.min(300, body.length())));
      }
    }

    assertThat(failures).as(llama.logTail()).isEmpty();
  }

  private static void sendChat(Socket socket, boolean stream) throws Exception {
    byte[] body = ("{\"model\":\"" + MODEL + "\",\"stream\":" + stream + ",\"options\":{\"temperature\":0,\"seed\":7,\"num_predict\":60000},"
        + "\"messages\":[{\"role\":\"user\",\"content\":\"Tell me a long story\"}]}").getBytes(StandardCharsets.UTF_8);
    OutputStream out = socket.getOutputStream();
    out.write(("POST /api/chat HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: "
        + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    out.write(body);
    out.flush();
  }

  private static void awaitProcessing(int expected, Duration within) throws Exception {
    if (llama == null) {
      return;
    }
    long deadline = System.nanoTime() + within.toNanos();
    int seen;
    while ((seen = llama.requestsProcessing()) != expected) {
      if (System.nanoTime() > deadline) {
        fail("llamacpp:requests_processing is " + seen + ", not " + expected + ", after " + within.toMillis()
            + " ms\n" + llama.logTail());
      }
      Thread.sleep(20);
    }
  }

  private static String chat(boolean stream, int numPredict) {
    return "{\"model\":\"" + MODEL + "\",\"stream\":" + stream + ",\"options\":{\"temperature\":0,\"seed\":7,\"num_predict\":" + numPredict
        + "},\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}";
  }

  private static List<JsonNode> ndjson(HttpResponse<String> response) throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(
        v -> assertThat(v).startsWith("application/x-ndjson"));
    assertThat(response.body()).endsWith("\n").doesNotContain("\n\n");
    List<JsonNode> lines = new ArrayList<>();
    for (String line : response.body().split("\n")) {
      lines.add(JSON.readTree(line));
    }
    return lines;
  }

  private static double norm(JsonNode vector) {
    double sum = 0;
    for (JsonNode v : vector) {
      sum += v.asDouble() * v.asDouble();
    }
    return Math.sqrt(sum);
  }

  private static JsonNode getJson(String path) throws Exception {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(url(path)).timeout(Duration.ofSeconds(30))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  private static HttpResponse<String> post(String path, String json) throws Exception {
    return post(proxy.port(), path, json);
  }

  private static HttpResponse<String> post(int port, String path, String json) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static URI url(String path) {
    return URI.create("http://127.0.0.1:" + proxy.port() + path);
  }
}
