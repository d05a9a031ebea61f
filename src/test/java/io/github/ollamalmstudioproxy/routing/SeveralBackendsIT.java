package io.github.ollamalmstudioproxy.routing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.ollamalmstudioproxy.ollama.Json;
import io.github.ollamalmstudioproxy.simulator.LmStudioSimulator;
import io.github.ollamalmstudioproxy.simulator.SimulatorModel;
import io.github.ollamalmstudioproxy.simulator.SimulatorOptions;
import io.github.ollamalmstudioproxy.support.FleetHarness;
import io.github.ollamalmstudioproxy.support.RawHttp;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Issue 15, points 1 and 2: three simulator backends behind one proxy. Every routing preference is checked from
 * what each backend received, never from the proxy's own account of it.
 */
class SeveralBackendsIT {
  private static final String CHAT_PATH = "/v1/chat/completions";

  static String chat(String model, String conversation, boolean stream, String... laterTurns) {
    StringBuilder messages = new StringBuilder("{\"role\":\"system\",\"content\":\"You are helpful.\"},"
        + "{\"role\":\"user\",\"content\":\"" + conversation + "\"}");
    for (String turn : laterTurns) {
      messages.append(",{\"role\":\"assistant\",\"content\":\"ok\"},{\"role\":\"user\",\"content\":\"")
          .append(turn).append("\"}");
    }
    return "{\"model\":\"" + model + "\",\"stream\":" + stream + ",\"messages\":[" + messages + "]}";
  }

  /** The backend of each chat request whose body contains {@code marker}, one entry per request. */
  static List<Integer> receivers(FleetHarness fleet, String marker) {
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < fleet.size(); i++) {
      long count = fleet.simulator(i).log().byPath(CHAT_PATH).stream().filter(r -> r.body().contains(marker)).count();
      for (long n = 0; n < count; n++) {
        out.add(i);
      }
    }
    return out;
  }

  static JsonNode tree(String json) {
    try {
      return Json.MAPPER.readTree(json);
    } catch (Exception e) {
      throw new AssertionError("not JSON: " + json, e);
    }
  }

  static int chats(LmStudioSimulator simulator) {
    return simulator.log().byPath(CHAT_PATH).size();
  }

  @Test
  void tagsAreTheUnionAndPsListsTheLoadedInstancesOfEveryBackend() {
    List<SimulatorModel> withExtra = new ArrayList<>(SimulatorModel.defaults());
    withExtra.add(SimulatorModel.llm("acme/only-on-b", 1_000_000_000L));
    try (FleetHarness fleet = FleetHarness.start(List.of(SimulatorOptions.defaults(),
        SimulatorOptions.builder().models(withExtra).preload("qwen/qwen3-4b", 4096).build(),
        SimulatorOptions.defaults()))) {
      JsonNode tags = tree(fleet.get("/api/tags").body());
      List<String> names = new ArrayList<>();
      tags.path("models").forEach(m -> names.add(m.path("name").asText()));
      assertThat(names).as("one entry per name").doesNotHaveDuplicates();
      assertThat(names).anyMatch(n -> n.contains("only-on-b")).anyMatch(n -> n.startsWith("qwen/qwen3-4b"));
      assertThat(names).hasSize(SimulatorModel.defaults().size() + 1);

      JsonNode ps = tree(fleet.get("/api/ps").body());
      assertThat(ps.path("models")).as("qwen/qwen3-4b is loaded on each of the three").hasSize(3);

      HttpResponse<String> show = fleet.post("/api/show", "{\"model\":\"acme/only-on-b\"}");
      assertThat(show.statusCode()).isEqualTo(200);
      HttpResponse<String> onlyB = fleet.post("/api/chat", chat("acme/only-on-b", "where", false));
      assertThat(onlyB.statusCode()).as(onlyB.body()).isEqualTo(200);
      assertThat(chats(fleet.simulator(1))).isEqualTo(1);
      assertThat(chats(fleet.simulator(0)) + chats(fleet.simulator(2))).as("only b has the model").isZero();

      HttpResponse<String> unknown = fleet.post("/api/chat", chat("nobody/has-this", "x", false));
      assertThat(unknown.statusCode()).isEqualTo(404);

      JsonNode backends = tree(fleet.get("/api/backends").body());
      assertThat(backends.path("backends")).hasSize(3);
      assertThat(backends.path("backends").get(1).path("name").asText()).isEqualTo("b");
      assertThat(backends.path("backends").get(1).path("state").asText()).isEqualTo("closed");
    }
  }

  @Test
  void aModelLoadedOnOneBackendIsServedThereAndNeverLoadedOnTheOthers() {
    String model = "meta-llama-3.1-8b-instruct";
    try (FleetHarness fleet = FleetHarness.start(List.of(SimulatorOptions.defaults(),
        SimulatorOptions.builder().preload(model, 8192).build(), SimulatorOptions.defaults()))) {
      for (int i = 0; i < 9; i++) {
        HttpResponse<String> answer = fleet.post("/api/chat", chat(model, "conversation " + i, false));
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
      }
      assertThat(chats(fleet.simulator(1))).isEqualTo(9);
      assertThat(chats(fleet.simulator(0)) + chats(fleet.simulator(2))).isZero();
      assertThat(fleet.simulator(0).log().loadCalls() + fleet.simulator(2).log().loadCalls())
          .as("no load on a backend while another has the model loaded and free").isZero();
    }
  }

  @Test
  void aConversationStaysOnOneBackendAndConversationsSpreadOverAll() {
    try (FleetHarness fleet = FleetHarness.start(List.of(SimulatorOptions.defaults(), SimulatorOptions.defaults(),
        SimulatorOptions.defaults()))) {
      Set<Integer> used = new HashSet<>();
      for (int i = 0; i < 24; i++) {
        String marker = "conversation-" + i;
        assertThat(fleet.post("/api/chat", chat("qwen/qwen3-4b", marker, false)).statusCode()).isEqualTo(200);
        assertThat(fleet.post("/api/chat", chat("qwen/qwen3-4b", marker, false, "and then?")).statusCode())
            .isEqualTo(200);
        assertThat(fleet.post(CHAT_PATH, chat("qwen/qwen3-4b", marker, false, "and then?", "more")).statusCode())
            .as("the /v1 route keys the same prefix").isEqualTo(200);
        List<Integer> receivers = receivers(fleet, "\"" + marker + "\"");
        assertThat(receivers).as(marker + ": every turn on the same backend").hasSize(3);
        assertThat(new HashSet<>(receivers)).as(marker + ": every turn on the same backend").hasSize(1);
        used.add(receivers.get(0));
      }
      assertThat(used).as("24 conversations over 3 equal backends").hasSize(3);
    }
  }

  @Test
  void oneConversationPastItsBackendsCapacitySpillsToTheLeastBusyOthers() {
    List<SimulatorOptions> options = List.of(SimulatorOptions.defaults(), SimulatorOptions.defaults(),
        SimulatorOptions.defaults());
    try (FleetHarness fleet = FleetHarness.start(options)) {
      for (int i = 0; i < 3; i++) {
        fleet.simulator(i).script().parallel(1).prefillDelay(Duration.ofSeconds(2));
      }
      // The catalog is read again: the capacity of one prediction at a time is what routing weighs.
      fleet.get("/api/backends");
      List<RawHttp> streams = new ArrayList<>();
      try {
        for (int i = 0; i < 3; i++) {
          streams.add(RawHttp.connect(fleet.port()).send("POST", "/api/chat", chat("qwen/qwen3-4b", "same", true)));
          int sent = i + 1;
          Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> chats(fleet.simulator(0))
              + chats(fleet.simulator(1)) + chats(fleet.simulator(2)) == sent);
        }
        for (int i = 0; i < 3; i++) {
          assertThat(chats(fleet.simulator(i))).as("backend " + i + " runs one of the three").isEqualTo(1);
        }
        for (RawHttp stream : streams) {
          assertThat(stream.readUntil("\"done\":true")).contains("\"done\":true");
        }
      } finally {
        streams.forEach(RawHttp::close);
      }
    }
  }
}
