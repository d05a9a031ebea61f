package io.github.ollamalmstudioproxy.routing;

import static io.github.ollamalmstudioproxy.routing.SeveralBackendsIT.chat;
import static io.github.ollamalmstudioproxy.routing.SeveralBackendsIT.chats;
import static io.github.ollamalmstudioproxy.routing.SeveralBackendsIT.tree;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.ollamalmstudioproxy.simulator.SimulatorModel;
import io.github.ollamalmstudioproxy.simulator.SimulatorOptions;
import io.github.ollamalmstudioproxy.support.FleetHarness;
import io.github.ollamalmstudioproxy.support.RawHttp;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Issue 15, points 3 and 7: a backend that dies. Requests that had not streamed a byte move to another backend and
 * are answered; streams that had started end with an error line; the breaker takes the dead backend out of routing
 * and puts it back once it answers again.
 */
class BackendFailoverIT {
  private static final String[] FAST_BREAKER = {"--breaker-failures", "1", "--breaker-cooldown", "500ms",
      "--probe-interval", "200ms"};

  private static List<SimulatorOptions> three() {
    return List.of(SimulatorOptions.defaults(), SimulatorOptions.defaults(), SimulatorOptions.defaults());
  }

  private static String state(FleetHarness fleet, int backend) {
    return tree(fleet.get("/api/backends").body()).path("backends").get(backend).path("state").asText();
  }

  @Test
  void aBackendKilledMidLoadLosesNoRequestAndItsBreakerOpensAndLaterCloses() {
    String model = "meta-llama-3.1-8b-instruct";
    try (FleetHarness fleet = FleetHarness.start(three(), FAST_BREAKER)) {
      for (int i = 0; i < 3; i++) {
        fleet.simulator(i).script().loadDelay(Duration.ofMillis(1500));
      }
      CompletableFuture<HttpResponse<String>> answer = fleet.http().sendAsync(HttpRequest.newBuilder(
              fleet.url("/api/chat")).POST(HttpRequest.BodyPublishers.ofString(chat(model, "load me", false))).build(),
          HttpResponse.BodyHandlers.ofString());
      int[] loading = new int[1];
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> {
        for (int i = 0; i < 3; i++) {
          if (fleet.simulator(i).log().loadCalls() > 0) {
            loading[0] = i;
            return true;
          }
        }
        return false;
      });
      fleet.kill(loading[0]);

      HttpResponse<String> served = answer.join();
      assertThat(served.statusCode()).as(served.body()).isEqualTo(200);
      assertThat(tree(served.body()).path("message").path("content").asText()).isNotEmpty();
      int others = 0;
      for (int i = 0; i < 3; i++) {
        if (i != loading[0]) {
          others += chats(fleet.simulator(i));
        }
      }
      assertThat(others).as("the chat was served by another backend").isEqualTo(1);
      Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> state(fleet, loading[0]).equals("open"));
      assertThat(tree(fleet.get("/api/backends").body()).path("backends").get(loading[0]).path("last_failure")
          .asText()).isNotEmpty();
      assertThat(fleet.get("/readyz").statusCode()).as("ready while two backends are").isEqualTo(200);

      fleet.restart(loading[0]);
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> state(fleet, loading[0]).equals("closed"));
    }
  }

  @Test
  void requestsWaitingOnADeadBackendMoveOnAndStartedStreamsEndWithAnErrorLine() {
    try (FleetHarness fleet = FleetHarness.start(three(), FAST_BREAKER)) {
      // Every backend is slow to start answering, and streams slowly once it does.
      for (int i = 0; i < 3; i++) {
        fleet.simulator(i).script().tokenInterval(Duration.ofMillis(150));
      }
      RawHttp started = RawHttp.connect(fleet.port()).send("POST", "/api/chat", chat("qwen/qwen3-4b", "long", true));
      try {
        started.readUntil("\"done\":false");
        int victim = IntStream.range(0, 3).filter(i -> chats(fleet.simulator(i)) == 1).findFirst().orElseThrow();
        for (int i = 0; i < 3; i++) {
          fleet.simulator(i).script().prefillDelay(Duration.ofMillis(800));
        }
        List<CompletableFuture<HttpResponse<String>>> waiting = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
          waiting.add(fleet.http().sendAsync(HttpRequest.newBuilder(fleet.url("/api/chat"))
                  .POST(HttpRequest.BodyPublishers.ofString(chat("qwen/qwen3-4b", "waiting " + i, false))).build(),
              HttpResponse.BodyHandlers.ofString()));
        }
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> chats(fleet.simulator(victim)) > 1);
        fleet.kill(victim);

        String rest = started.readAll();
        assertThat(rest).as("the started stream ends with an error line, never done:true")
            .contains("{\"error\":").doesNotContain("\"done\":true");
        for (CompletableFuture<HttpResponse<String>> one : waiting) {
          HttpResponse<String> response = one.join();
          assertThat(response.statusCode()).as("no request that had not streamed a byte is lost: " + response.body())
              .isEqualTo(200);
          JsonNode body = tree(response.body());
          assertThat(body.path("done").asBoolean()).isTrue();
        }
      } finally {
        started.close();
      }
    }
  }

  /** A name no reachable catalog has, while a backend could not be asked: a 503 to retry, not a 404 "pull it". */
  @Test
  void aModelMissingWhileABackendIsDownIsA503NotA404() {
    List<SimulatorModel> withExtra = new ArrayList<>(SimulatorModel.defaults());
    withExtra.add(SimulatorModel.llm("acme/only-on-b", 1_000_000_000L));
    try (FleetHarness fleet = FleetHarness.start(List.of(SimulatorOptions.defaults(),
        SimulatorOptions.builder().models(withExtra).build()))) {
      fleet.kill(1);
      HttpResponse<String> missing = fleet.post("/api/chat", chat("acme/only-on-b", "x", false));
      assertThat(missing.statusCode()).as(missing.body()).isEqualTo(503);
      assertThat(missing.body()).contains("model 'acme/only-on-b' not found on the backends that answer")
          .contains("out of reach");
      HttpResponse<String> served = fleet.post("/api/chat", chat("qwen/qwen3-4b", "x", false));
      assertThat(served.statusCode()).as("a model the live backend has is served").isEqualTo(200);
    }
  }
}
