package io.github.ollamalmstudioproxy.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The scripted faults, model resolution and client hang-ups on {@code /v1/messages} and {@code /v1/responses}: the
 * router treats both as inference routes and {@link Generation} plays the script, as for chat.
 */
class NativeRoutesFaultsTest {
  /** Vert.x sees a FIN within milliseconds; the bound only absorbs a slow, shared CI machine. */
  private static final long NOTICE_BOUND_NANOS = TimeUnit.MILLISECONDS.toNanos(1_000);

  /** The two routes, each with a request body and the event its stream ends with. */
  enum Route {
    MESSAGES("/v1/messages", "\"max_tokens\":64,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]",
        "event: message_stop\n"),
    RESPONSES("/v1/responses", "\"input\":\"Hi\"", "event: response.completed\n");

    final String path;
    final String fields;
    final String lastEvent;

    Route(String path, String fields, String lastEvent) {
      this.path = path;
      this.fields = fields;
      this.lastEvent = lastEvent;
    }

    String body(String model, boolean stream) {
      return "{\"model\":\"" + model + "\"," + fields + ",\"stream\":" + stream + "}";
    }

    String body(boolean stream) {
      return body("qwen/qwen3-4b", stream);
    }
  }

  private LmStudioSimulator simulator;
  private SimHttp http;

  @BeforeEach
  void start() {
    simulator = LmStudioSimulator.start(SimulatorOptions.defaults());
    simulator.script().tokens(List.of("a", "b", "c")).tokenInterval(Duration.ZERO);
    http = new SimHttp(simulator);
  }

  @AfterEach
  void stop() {
    simulator.close();
  }

  @ParameterizedTest
  @EnumSource(Route.class)
  void aQueuedFailureIsSentAsGivenAndOnlyOnce(Route route) {
    simulator.script().contextOverflow().failNext(SimulatorFailure.anthropic(529, "overloaded_error", "Overloaded"));

    HttpResponse<String> first = http.post(route.path, route.body(true));
    HttpResponse<String> second = http.post(route.path, route.body(true));

    assertThat(first.statusCode()).isEqualTo(400);
    assertThat(first.body()).isEqualTo(SimulatorFailure.contextOverflow().body());
    assertThat(second.statusCode()).isEqualTo(529);
    assertThat(second.body())
        .isEqualTo("{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}");
    HttpResponse<String> third = http.post(route.path, route.body(true));
    assertThat(third.statusCode()).isEqualTo(200);
    assertThat(third.body()).contains(route.lastEvent);
    assertThat(simulator.log().byPath(route.path)).hasSize(3);
  }

  @Test
  void noModelsLoadedKeepsEachRoutesErrorShape() {
    simulator.script().requireLoadBeforeInference(true);

    HttpResponse<String> messages = http.post("/v1/messages", Route.MESSAGES.body("google/gemma-3-4b", false));
    HttpResponse<String> responses = http.post("/v1/responses", Route.RESPONSES.body("google/gemma-3-4b", false));

    assertThat(messages.statusCode()).isEqualTo(400);
    assertThat(messages.body()).isEqualTo("{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\","
        + "\"message\":\"" + SimulatorFailure.NO_MODELS_LOADED + "\"}}");
    assertThat(responses.statusCode()).isEqualTo(400);
    assertThat(responses.body()).isEqualTo(SimulatorFailure.noModelsLoaded().body());
  }

  @ParameterizedTest
  @EnumSource(Route.class)
  void anUnloadedModelIsLoadedJustInTimeAndAnsweredByItsInstance(Route route) {
    simulator.script().loadDelay(Duration.ofMillis(50));

    String body = http.post(route.path, route.body("google/gemma-3-4b", false)).body();

    assertThat(body).contains("\"model\":\"google/gemma-3-4b\"").contains("abc");
    assertThat(simulator.catalog().instancesOf("google/gemma-3-4b")).hasSize(1);
  }

  @ParameterizedTest
  @EnumSource(Route.class)
  void aScriptedEvictionUnloadsTheModelBeforeTheRequest(Route route) {
    simulator.script().evictBeforeNextInference().requireLoadBeforeInference(true);

    HttpResponse<String> response = http.post(route.path, route.body(false));

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("No models loaded");
    assertThat(simulator.catalog().instancesOf("qwen/qwen3-4b")).isEmpty();
  }

  @Test
  void aMidStreamErrorIsEachProtocolsErrorEventAndNoTerminalEvent() {
    simulator.script().midStreamError(2, "Error rendering prompt with jinja template");

    String messages = http.post("/v1/messages", Route.MESSAGES.body(true)).body();
    String responses = http.post("/v1/responses", Route.RESPONSES.body(true)).body();

    assertThat(messages).endsWith("event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"api_error\","
        + "\"message\":\"Error rendering prompt with jinja template\"}}\n\n").contains("\"text\":\"b\"")
        .doesNotContain("message_stop").doesNotContain("\"text\":\"c\"");
    List<String> data = SimHttp.dataLines(responses);
    assertThat(responses).contains("\nevent: response.failed\n").doesNotContain("response.completed");
    assertThat(SimHttp.parse(data.get(data.size() - 1)).at("/response/error").toString())
        .isEqualTo("{\"code\":\"server_error\",\"message\":\"Error rendering prompt with jinja template\"}");
    assertThat(SimHttp.parse(data.get(data.size() - 1)).at("/response/status").asText()).isEqualTo("failed");
  }

  @Test
  void aMidStreamErrorWithoutStreamIsA400InEachRoutesShape() {
    simulator.script().midStreamError(1, "terminated");

    HttpResponse<String> messages = http.post("/v1/messages", Route.MESSAGES.body(false));
    HttpResponse<String> responses = http.post("/v1/responses", Route.RESPONSES.body(false));

    assertThat(messages.statusCode()).isEqualTo(400);
    assertThat(messages.body())
        .isEqualTo("{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\",\"message\":\"terminated\"}}");
    assertThat(responses.statusCode()).isEqualTo(400);
    assertThat(responses.body()).isEqualTo("{\"error\":{\"message\":\"terminated\"}}");
  }

  @ParameterizedTest
  @EnumSource(Route.class)
  void omitDoneEndsTheStreamCleanlyWithoutItsTerminalEvent(Route route) {
    simulator.script().omitDone(true);

    HttpResponse<String> response = http.post(route.path, route.body(true));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).doesNotContain(route.lastEvent).contains("\"c\"");
    assertThat(simulator.log().awaitRequest(route.path, SimHttp.TIMEOUT).completed()).isTrue();
  }

  @ParameterizedTest
  @EnumSource(Route.class)
  void abruptCloseDropsTheConnectionMidStream(Route route) throws Exception {
    simulator.script().abruptCloseAfter(2);
    String received;
    try (Socket socket = http.rawPost(route.path, route.body(true))) {
      received = readToEnd(socket.getInputStream());
    }

    assertThat(received).startsWith("HTTP/1.1 200").contains("\"b\"").doesNotContain("\"c\"")
        .doesNotContain(route.lastEvent).doesNotContain("\r\n0\r\n\r\n");
    RecordedRequest request = simulator.log().awaitRequest(route.path, SimHttp.TIMEOUT);
    assertThat(request.completed()).isFalse();
    assertThat(request.clientClosedNanos()).isNull();
  }

  @ParameterizedTest
  @EnumSource(Route.class)
  void headersDuringPrefillSendNoEventBeforeThePrefillEnds(Route route) throws Exception {
    simulator.script().prefillDelay(Duration.ofSeconds(3)).headersDuringPrefill(true);
    try (Socket socket = http.rawPost(route.path, route.body(true))) {
      socket.setSoTimeout(2_000);
      String head = SimHttp.readUntil(socket.getInputStream(), "\r\n\r\n");

      assertThat(head).startsWith("HTTP/1.1 200").containsIgnoringCase("content-type: text/event-stream")
          .doesNotContain("event:");
    }
  }

  @ParameterizedTest
  @EnumSource(Route.class)
  void aStallPausesTheStreamAndThenFinishesIt(Route route) {
    simulator.script().stallAfter(1, Duration.ofMillis(300));

    long start = System.nanoTime();
    String body = http.post(route.path, route.body(true)).body();

    assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(300));
    assertThat(body).contains(route.lastEvent);
  }

  @ParameterizedTest
  @EnumSource(Route.class)
  void hangUpMidStreamIsRecordedAndStopsTokenEmission(Route route) throws Exception {
    simulator.script().tokens(Collections.nCopies(200, " tok")).tokenInterval(Duration.ofMillis(10));
    RecordedRequest request;
    long closedAt;
    try (Socket socket = http.rawPost(route.path, route.body(true))) {
      InputStream in = socket.getInputStream();
      String seen = SimHttp.readUntil(in, "HTTP/1.1 200");
      while (seen.split("\" tok\"", -1).length <= 3) {
        seen += SimHttp.readUntil(in, "\" tok\"");
      }
      request = simulator.log().awaitRequest(route.path, SimHttp.TIMEOUT);
      closedAt = System.nanoTime();
    }

    long noticed = simulator.log().awaitClientClose(request, SimHttp.TIMEOUT);
    int atClose = request.tokensEmitted();
    Thread.sleep(150);

    assertThat(noticed - closedAt).isLessThan(NOTICE_BOUND_NANOS);
    assertThat(request.tokensEmitted()).isEqualTo(atClose).isLessThan(200);
    assertThat(request.completed()).isFalse();
  }

  @ParameterizedTest
  @EnumSource(Route.class)
  void hangUpDuringSilentPrefillIsRecordedAndNothingIsGenerated(Route route) throws Exception {
    simulator.script().prefillDelay(Duration.ofSeconds(5));
    RecordedRequest request;
    try (Socket socket = http.rawPost(route.path, route.body(true))) {
      request = simulator.log().awaitRequest(route.path, SimHttp.TIMEOUT);
    }

    simulator.log().awaitClientClose(request, SimHttp.TIMEOUT);
    Thread.sleep(100);

    assertThat(request.tokensEmitted()).isZero();
    assertThat(request.completed()).isFalse();
  }

  @ParameterizedTest
  @EnumSource(Route.class)
  void aCompletedStreamIsNotAHangUp(Route route) {
    http.post(route.path, route.body(true));

    RecordedRequest request = simulator.log().awaitRequest(route.path, SimHttp.TIMEOUT);
    assertThat(request.completed()).isTrue();
    assertThat(request.clientClosedNanos()).isNull();
    assertThat(request.tokensEmitted()).isEqualTo(3);
    assertThat(request.method()).isEqualTo("POST");
    assertThat(request.body()).isEqualTo(route.body(true));
  }

  private static String readToEnd(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    in.transferTo(out);
    return out.toString(StandardCharsets.UTF_8);
  }
}
