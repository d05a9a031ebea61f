package io.github.ollamalmstudioproxy.clients.llama;

import static io.github.ollamalmstudioproxy.clients.llama.LlamaFleet.JSON;
import static io.github.ollamalmstudioproxy.clients.llama.LlamaFleet.chats;
import static io.github.ollamalmstudioproxy.clients.llama.LlamaFleet.until;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.ollamalmstudioproxy.simulator.LmStudioSimulator;
import io.github.ollamalmstudioproxy.simulator.SimulatorModel;
import io.github.ollamalmstudioproxy.simulator.SimulatorOptions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15, point 7: the proxy in front of three LM Studio simulators and a real llama-server. Where each request
 * went is read from what each backend received (a simulator's request log, llama-server's {@code /metrics}), never
 * from the proxy's own account of it. Skipped like {@link LlamaServerBackendTest} when llama-server is not built,
 * failed when {@code REQUIRE_LLAMA_SERVER=1}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LlamaFleetBackendTest {
  private static final String MODEL = LlamaServer.MODEL_ID;
  /** One failure opens a breaker, and probes run often, so that a dead backend leaves routing within a second. */
  private static final String[] FAST_BREAKER = {"--breaker-failures", "1", "--breaker-cooldown", "500ms",
      "--probe-interval", "200ms"};
  @TempDir
  static Path work;
  private static LlamaFleet fleet;

  @BeforeAll
  static void start() throws Exception {
    LlamaServer.requireOrSkip();
    fleet = LlamaFleet.start(work, List.of(SimulatorOptions.defaults(), SimulatorOptions.defaults(),
        SimulatorOptions.defaults()));
  }

  @AfterAll
  static void stop() throws Exception {
    if (fleet != null) {
      fleet.close();
    }
  }

  /** First, while each simulator has only its preloaded model: the later tests load more. */
  @Test
  @Order(1)
  void tagsListEveryModelOncePsListsTheLoadedModelsOfAllFourAndAllFourBreakersAreClosed() throws Exception {
    List<String> tags = new ArrayList<>();
    fleet.getJson("/api/tags").path("models").forEach(m -> tags.add(m.path("name").asText()));
    assertThat(tags).as("one entry per model").doesNotHaveDuplicates()
        .hasSize(SimulatorModel.defaults().size() + 1);
    assertThat(named(tags, MODEL)).as("llama-server's model in " + tags).isEqualTo(1);
    for (SimulatorModel model : SimulatorModel.defaults()) {
      assertThat(named(tags, model.key())).as(model.key() + " in " + tags).isEqualTo(1);
    }

    List<String> loaded = new ArrayList<>();
    fleet.getJson("/api/ps").path("models").forEach(m -> loaded.add(m.path("name").asText().replaceAll(":latest$", "")));
    List<String> instances = new ArrayList<>(List.of(MODEL));
    fleet.simulators().forEach(s -> s.catalog().instances().forEach(i -> instances.add(i.modelKey())));
    assertThat(instances).as("each simulator's preloaded qwen/qwen3-4b and llama-server's model").hasSize(4);
    assertThat(loaded).as("what the four backends have loaded").containsExactlyInAnyOrderElementsOf(instances);

    JsonNode backends = fleet.getJson("/api/backends").path("backends");
    Set<String> urls = new HashSet<>();
    backends.forEach(b -> urls.add(b.path("url").asText().replaceAll("/$", "")));
    Set<String> expected = new HashSet<>();
    fleet.simulators().forEach(s -> expected.add(s.baseUrl()));
    expected.add(fleet.llama().baseUrl().toString());
    assertThat(urls).isEqualTo(expected);
    assertThat(backends.findValuesAsText("state")).as(backends.toString()).containsExactly("closed", "closed",
        "closed", "closed");
    assertThat(fleet.backend(fleet.llama().baseUrl()).path("loaded").toString()).contains(MODEL);
  }

  /**
   * Only llama-server has its model, so its chat goes there: llama-server counts the tokens it predicted, and the
   * text is the one llama-server gives for the same greedy request asked directly.
   */
  @Test
  void aChatForLlamaServersModelIsStreamedByLlamaServerAndReachesNoSimulator() throws Exception {
    double predicted = fleet.llama().metric("tokens_predicted_total");
    String question = "Hello from the fleet";

    HttpResponse<String> response = fleet.post("/api/chat", "{\"model\":\"" + MODEL + "\",\"stream\":true,"
        + "\"options\":{\"temperature\":0,\"seed\":7,\"num_predict\":8},"
        + "\"messages\":[{\"role\":\"user\",\"content\":\"" + question + "\"}]}");

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    List<JsonNode> lines = new ArrayList<>();
    for (String line : response.body().split("\n")) {
      lines.add(JSON.readTree(line));
    }
    assertThat(lines.size()).as("streamed: several lines").isGreaterThanOrEqualTo(2);
    JsonNode last = lines.get(lines.size() - 1);
    assertThat(last.path("done").asBoolean()).as(last.toString()).isTrue();
    assertThat(last.path("eval_count").asInt()).isEqualTo(8);
    String content = lines.stream().map(l -> l.path("message").path("content").asText()).reduce("", String::concat);
    assertThat(content).isNotEmpty();
    assertThat(lines).allSatisfy(l -> assertThat(l.has("error")).as(l.toString()).isFalse());
    // llama-server counts a request's tokens once it ends, which can be just after the proxy's last line.
    until("llama-server predicted the 8 tokens", Duration.ofSeconds(5),
        () -> fleet.llama().metric("tokens_predicted_total") == predicted + 8);
    for (LmStudioSimulator simulator : fleet.simulators()) {
      assertThat(chats(simulator, question)).isZero();
    }
    assertThat(content).as("the very tokens llama-server gives for the same request").isEqualTo(direct(question, 8));
  }

  /**
   * llama-server answers any model name, so a chat for a simulator's model that strayed there would be answered
   * (and its prompt counted): none does. Each chat reached exactly one simulator, once.
   */
  @Test
  void chatsAndEmbeddingsForSimulatorModelsNeverReachLlamaServer() throws Exception {
    double prompts = fleet.llama().metric("prompt_tokens_total");
    double decodes = fleet.llama().metric("n_decode_total");
    List<String> models = List.of("qwen/qwen3-4b", "meta-llama-3.1-8b-instruct", "google/gemma-3-4b");
    List<String> markers = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      String marker = "simulator chat " + i;
      markers.add(marker);
      HttpResponse<String> response = fleet.post("/api/chat", "{\"model\":\"" + models.get(i % models.size())
          + "\",\"stream\":" + (i % 2 == 0) + ",\"messages\":[{\"role\":\"user\",\"content\":\"" + marker + "\"}]}");
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      assertThat(response.body()).contains("\"done\":true").doesNotContain("\"error\"");
    }
    HttpResponse<String> embed = fleet.post("/api/embed",
        "{\"model\":\"text-embedding-nomic-embed-text-v1.5\",\"input\":[\"simulator embedding\"]}");
    assertThat(embed.statusCode()).as(embed.body()).isEqualTo(200);

    for (String marker : markers) {
      long received = 0;
      for (LmStudioSimulator simulator : fleet.simulators()) {
        received += chats(simulator, marker);
      }
      assertThat(received).as("simulators that received '" + marker + "'").isEqualTo(1);
    }
    assertThat(fleet.llama().metric("prompt_tokens_total")).isEqualTo(prompts);
    assertThat(fleet.llama().metric("n_decode_total")).isEqualTo(decodes);
    assertThat(fleet.llama().requestsProcessing()).isZero();
  }

  /**
   * A model both llama-server and a simulator have (the simulator's copy not loaded, so routing prefers
   * llama-server's loaded one). A long stream holds llama-server's only slot; a second request waits behind it
   * inside llama-server, so nothing of it has reached the client, when llama-server is killed. The waiting request
   * moves to the simulator and is answered; the started stream ends with an error line; llama-server's breaker
   * opens, and closes again once llama-server runs again on its port.
   */
  @Test
  void llamaServerKilledBeforeTheFirstByteLeavesTheRequestToASimulatorAndItsBreakerOpensThenCloses(
      @TempDir Path dir) throws Exception {
    List<SimulatorModel> withLlamasModel = new ArrayList<>(SimulatorModel.defaults());
    withLlamasModel.add(SimulatorModel.llm(MODEL, Files.size(work.resolve("tiny.gguf"))));
    try (LlamaFleet own = LlamaFleet.start(dir, List.of(SimulatorOptions.defaults(), SimulatorOptions.defaults(),
        SimulatorOptions.builder().models(withLlamasModel).build()), FAST_BREAKER)) {
      LmStudioSimulator twin = own.simulator(2);
      URI llamaUrl = own.llama().baseUrl();
      try (RawStream started = RawStream.chat(own.port(), "{\"model\":\"" + MODEL + "\",\"stream\":true,"
          + "\"options\":{\"temperature\":0,\"seed\":7,\"num_predict\":60000},"
          + "\"messages\":[{\"role\":\"user\",\"content\":\"Tell me a long story\"}]}")) {
        started.readUntil("\"done\":false");
        assertThat(own.llama().requestsProcessing()).as("the long stream runs on llama-server").isEqualTo(1);

        CompletableFuture<HttpResponse<String>> waiting = own.postAsync("/api/chat", "{\"model\":\"" + MODEL
            + "\",\"stream\":false,\"options\":{\"temperature\":0,\"seed\":7,\"num_predict\":5},"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"waiting behind the story\"}]}");
        until("the second request waits for llama-server's slot", Duration.ofSeconds(10),
            () -> own.llama().metric("requests_deferred") == 1);
        assertThat(waiting).isNotDone();
        assertThat(chats(twin, "waiting behind")).as("the second request went to llama-server").isZero();

        own.llama().kill();

        HttpResponse<String> answered = waiting.get(60, TimeUnit.SECONDS);
        assertThat(answered.statusCode()).as(answered.body()).isEqualTo(200);
        JsonNode body = JSON.readTree(answered.body());
        assertThat(body.path("done").asBoolean()).as(body.toString()).isTrue();
        assertThat(body.path("message").path("content").asText()).isNotEmpty();
        assertThat(chats(twin, "waiting behind")).as("the simulator with the model answered it").isEqualTo(1);
        for (int i = 0; i < 2; i++) {
          assertThat(chats(own.simulator(i), "waiting behind")).isZero();
        }
        assertThat(started.readAll()).as("the started stream cannot move: it ends with an error line")
            .contains("{\"error\":").doesNotContain("\"done\":true");
      }
      until("llama-server's breaker opens", Duration.ofSeconds(5),
          () -> own.backend(llamaUrl).path("state").asText().equals("open"));
      assertThat(own.backend(llamaUrl).path("last_failure").asText()).isNotEmpty();
      assertThat(own.get("/readyz").statusCode()).as("ready while the simulators are").isEqualTo(200);

      own.restartLlama();
      until("llama-server's breaker closes once it runs again", Duration.ofSeconds(20),
          () -> own.backend(llamaUrl).path("state").asText().equals("closed"));
    }
  }

  /** How many of {@code names} name {@code model} (bare, or with a {@code :tag}). */
  private static long named(List<String> names, String model) {
    return names.stream().filter(n -> n.equals(model) || n.startsWith(model + ":")).count();
  }

  /** llama-server's own greedy answer to {@code question}, asked directly (not through the proxy). */
  private static String direct(String question, int tokens) throws Exception {
    HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            fleet.llama().baseUrl().resolve("/v1/chat/completions")).timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + MODEL
            + "\",\"temperature\":0,\"seed\":7,\"max_tokens\":" + tokens
            + ",\"messages\":[{\"role\":\"user\",\"content\":\"" + question + "\"}]}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return JSON.readTree(response.body()).path("choices").get(0).path("message").path("content").asText();
  }

  /**
   * A streamed chat on a raw socket, read as it arrives; {@code Connection: close}, so the answer's end is the
   * socket's. Every read is bounded by the socket timeout.
   */
  private static final class RawStream implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final ByteArrayOutputStream seen = new ByteArrayOutputStream();

    private RawStream(Socket socket) throws IOException {
      this.socket = socket;
      this.in = socket.getInputStream();
    }

    static RawStream chat(int port, String json) throws IOException {
      Socket socket = new Socket("127.0.0.1", port);
      socket.setSoTimeout(30_000);
      byte[] body = json.getBytes(StandardCharsets.UTF_8);
      OutputStream out = socket.getOutputStream();
      out.write(("POST /api/chat HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
          + "Connection: close\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.write(body);
      out.flush();
      return new RawStream(socket);
    }

    /** Reads until {@code text} arrived; fails at the end of the answer. */
    void readUntil(String text) throws IOException {
      byte[] buffer = new byte[8192];
      while (!seen.toString(StandardCharsets.UTF_8).contains(text)) {
        int n = in.read(buffer);
        if (n < 0) {
          throw new AssertionError("the answer ended before " + text + ": " + seen.toString(StandardCharsets.UTF_8));
        }
        seen.write(buffer, 0, n);
      }
    }

    /** What arrives from now until the proxy closes the connection. */
    String readAll() throws IOException {
      int from = seen.size();
      in.transferTo(seen);
      return new String(seen.toByteArray(), from, seen.size() - from, StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
