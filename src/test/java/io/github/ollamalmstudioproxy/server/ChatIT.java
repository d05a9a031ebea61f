package io.github.ollamalmstudioproxy.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.ollamalmstudioproxy.simulator.RecordedRequest;
import io.github.ollamalmstudioproxy.support.Ndjson;
import io.github.ollamalmstudioproxy.support.RawHttp;
import io.github.ollamalmstudioproxy.support.SimulatorBackedTest;
import io.github.ollamalmstudioproxy.support.Upstream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code /api/chat} end to end: what the backend receives, and the NDJSON or JSON the client gets back. */
class ChatIT extends SimulatorBackedTest {
  private static final String CREATED_AT = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d{1,9})?Z";
  private static final String HI = "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";
  private static final List<String> TOKENS = List.of("The", " sky", " is", " blue", " ✓");
  @BeforeEach
  void script() {
    harness.simulator().script().tokens(TOKENS).tokenInterval(Duration.ofMillis(1));
  }

  @Test
  void streamAbsentMeansOneCompactObjectPerLineEndingInExactlyOneDone() {
    Ndjson out = Ndjson.of(chat("{\"model\":\"qwen/qwen3-4b\"," + HI + "}")).endsWithOneDone();

    assertThat(out.joined("content")).isEqualTo(String.join("", TOKENS));
    for (JsonNode line : out.body()) {
      assertThat(line.path("done").asBoolean(true)).isFalse();
      assertThat(line.path("message").path("role").asText()).isEqualTo("assistant");
      assertThat(line.path("message").path("content").asText()).as("no empty chunks (role-only delta)").isNotEmpty();
      assertThat(line.path("created_at").asText()).matches(CREATED_AT);
      assertThat(line.has("done_reason")).isFalse();
    }
    JsonNode done = out.last();
    assertThat(done.path("done_reason").asText()).isEqualTo("stop");
    assertThat(done.path("message").path("role").asText()).isEqualTo("assistant");
    assertThat(done.path("message").has("content")).isTrue();
    assertThat(done.path("created_at").asText()).matches(CREATED_AT);
  }

  @Test
  void eachLineLeavesAsSoonAsItIsProducedNotWhenTheAnswerEnds() {
    harness.simulator().script().tokenInterval(Duration.ofMillis(150));
    HttpResponse<Stream<String>> response = harness.sendLines(HttpRequest.newBuilder(harness.url("/api/chat"))
        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"qwen/qwen3-4b\"," + HI + "}")).build());
    RecordedRequest upstream = harness.simulator().log().awaitRequest("/v1/chat/completions", Upstream.WAIT);
    Iterator<String> lines = response.body().iterator();

    assertThat(Ndjson.json(lines.next()).path("message").path("content").asText()).isEqualTo("The");
    assertThat(upstream.completed()).as("first line arrived while the backend was still generating").isFalse();
    lines.forEachRemaining(l -> { });
  }

  @Test
  void concurrentStreamsStayWholeAndSeparate() throws Exception {
    harness.simulator().script().tokenInterval(Duration.ofMillis(5));
    List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      String body = "{\"model\":\"qwen/qwen3-4b\",\"options\":{\"seed\":" + i + "}," + HI + "}";
      answers.add(CompletableFuture.supplyAsync(() -> chat(body)));
    }
    for (CompletableFuture<HttpResponse<String>> answer : answers) {
      Ndjson out = Ndjson.of(answer.get(10, TimeUnit.SECONDS)).endsWithOneDone();
      assertThat(out.joined("content")).isEqualTo(String.join("", TOKENS));
    }
    await().atMost(Upstream.WAIT).until(() -> harness.proxy().activeRequests() == 0);
  }

  @Test
  void modelIsEchoedExactlyAsSentWhileTheBackendGetsItsOwnId() {
    Ndjson out = Ndjson.of(chat("{\"model\":\"Qwen/QWEN3-4b:latest\"," + HI + "}")).endsWithOneDone();

    assertThat(out.lines()).allSatisfy(l -> assertThat(l.path("model").asText()).isEqualTo("Qwen/QWEN3-4b:latest"));
    assertThat(Upstream.chatBody(harness).path("model").asText()).isEqualTo("qwen/qwen3-4b");
  }

  @Test
  void upstreamAlwaysStreamsWithUsageAndStreamFalseGetsOneAggregatedJsonObject() {
    HttpResponse<String> response = chat("{\"model\":\"qwen/qwen3-4b\",\"stream\":false," + HI + "}");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type")).hasValue("application/json; charset=utf-8");
    assertThat(response.body()).doesNotContain("\n");
    JsonNode body = Ndjson.json(response.body());
    assertThat(body.path("message").path("content").asText()).isEqualTo(String.join("", TOKENS));
    assertThat(body.path("done").asBoolean()).isTrue();
    assertThat(body.path("done_reason").asText()).isEqualTo("stop");
    assertThat(body.path("eval_count").asLong()).isEqualTo(TOKENS.size());
    JsonNode sent = Upstream.chatBody(harness);
    assertThat(sent.path("stream").asBoolean()).isTrue();
    assertThat(sent.path("stream_options").path("include_usage").asBoolean()).isTrue();
  }

  @Test
  void numPredictBecomesMaxTokensAndACutAnswerEndsWithDoneReasonLength() {
    Ndjson out = Ndjson.of(chat("{\"model\":\"qwen/qwen3-4b\",\"options\":{\"num_predict\":2}," + HI + "}"))
        .endsWithOneDone();

    assertThat(Upstream.chatBody(harness).path("max_tokens").asInt()).isEqualTo(2);
    assertThat(out.joined("content")).isEqualTo("The sky");
    assertThat(out.last().path("done_reason").asText()).isEqualTo("length");
    assertThat(out.last().path("eval_count").asInt()).isEqualTo(2);
  }

  @Test
  void negativeNumPredictIsNotForwarded() {
    Ndjson.of(chat("{\"model\":\"qwen/qwen3-4b\",\"options\":{\"num_predict\":-1}," + HI + "}")).endsWithOneDone();

    assertThat(Upstream.chatBody(harness).has("max_tokens")).isFalse();
  }

  @Test
  void samplingOptionsReachTheBackendUnderOpenAiNamesAndTheRestIsDropped() {
    Ndjson.of(chat("{\"model\":\"qwen/qwen3-4b\",\"options\":{\"temperature\":0.2,\"top_p\":0.9,\"top_k\":40,"
        + "\"min_p\":0.05,\"seed\":42,\"stop\":[\"\\n\\n\",\"END\"],\"repeat_penalty\":1.1,\"presence_penalty\":0.3,"
        + "\"frequency_penalty\":0.4,\"num_ctx\":8192,\"mirostat\":1}," + HI + "}")).endsWithOneDone();

    JsonNode sent = Upstream.chatBody(harness);
    assertThat(sent.path("temperature").asDouble()).isEqualTo(0.2);
    assertThat(sent.path("top_p").asDouble()).isEqualTo(0.9);
    assertThat(sent.path("top_k").asInt()).isEqualTo(40);
    assertThat(sent.path("min_p").asDouble()).isEqualTo(0.05);
    assertThat(sent.path("seed").asInt()).isEqualTo(42);
    assertThat(sent.path("stop").toString()).isEqualTo("[\"\\n\\n\",\"END\"]");
    assertThat(sent.path("repeat_penalty").asDouble()).isEqualTo(1.1);
    assertThat(sent.path("presence_penalty").asDouble()).isEqualTo(0.3);
    assertThat(sent.path("frequency_penalty").asDouble()).isEqualTo(0.4);
    assertThat(sent.has("num_ctx")).isFalse();
    assertThat(sent.has("mirostat")).isFalse();
    assertThat(sent.has("options")).isFalse();
  }

  @Test
  void formatJsonBecomesAJsonSchemaForAnyObjectWhichLmStudioAccepts() {
    Ndjson.of(chat("{\"model\":\"qwen/qwen3-4b\",\"format\":\"json\"," + HI + "}")).endsWithOneDone();

    JsonNode format = Upstream.chatBody(harness).path("response_format");
    assertThat(format.path("type").asText()).isEqualTo("json_schema");
    assertThat(format.path("json_schema").path("schema").toString()).isEqualTo("{\"type\":\"object\"}");
  }

  @Test
  void formatSchemaObjectIsForwardedAsThatJsonSchema() {
    String schema = "{\"type\":\"object\",\"properties\":{\"age\":{\"type\":\"integer\"}},\"required\":[\"age\"]}";
    Ndjson.of(chat("{\"model\":\"qwen/qwen3-4b\",\"format\":" + schema + "," + HI + "}")).endsWithOneDone();

    JsonNode format = Upstream.chatBody(harness).path("response_format");
    assertThat(format.path("type").asText()).isEqualTo("json_schema");
    assertThat(format.path("json_schema").path("schema")).isEqualTo(Ndjson.json(schema));
  }

  @Test
  void emptyFormatNullOptionsAndEmptyToolsAreNotForwarded() {
    Ndjson.of(chat("{\"model\":\"qwen/qwen3-4b\",\"format\":\"\",\"options\":null,\"tools\":[],\"stream\":true,"
        + HI + "}")).endsWithOneDone();

    JsonNode sent = Upstream.chatBody(harness);
    assertThat(sent.has("response_format")).isFalse();
    assertThat(sent.has("tools")).isFalse();
  }

  @Test
  void invalidFormatIs400AndNothingIsSent() {
    HttpResponse<String> response = chat("{\"model\":\"qwen/qwen3-4b\",\"format\":\"yaml\"," + HI + "}");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(Ndjson.json(response.body()).path("error").asText()).startsWith("invalid format: ")
        .endsWith("expected \"json\" or a valid JSON Schema object");
    assertThat(Upstream.inference(harness)).isEmpty();
  }

  @Test
  void imagesBecomeImageUrlPartsWithTheirSniffedMimeType() {
    String png = b64(0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0);
    String gif = b64('G', 'I', 'F', '8', '9', 'a', 1, 0);
    String webp = b64('R', 'I', 'F', 'F', 0, 0, 0, 0, 'W', 'E', 'B', 'P', 'V', 'P');
    String jpeg = b64(0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10);
    String unknown = b64(1, 2, 3, 4);
    Ndjson.of(chat("{\"model\":\"google/gemma-3-4b\",\"messages\":[{\"role\":\"user\",\"content\":\"what is this\","
        + "\"images\":[\"" + png + "\",\"" + gif + "\",\"" + webp + "\",\"" + jpeg + "\",\"" + unknown + "\","
        + "\"data:image/png;base64," + png + "\"]},{\"role\":\"user\",\"content\":\"\",\"images\":[\"" + png
        + "\"]}]}")).endsWithOneDone();

    JsonNode messages = Upstream.chatBody(harness).path("messages");
    JsonNode parts = messages.path(0).path("content");
    assertThat(parts.path(0).toString()).isEqualTo("{\"type\":\"text\",\"text\":\"what is this\"}");
    assertThat(Stream.of(1, 2, 3, 4, 5, 6).map(i -> parts.path(i).path("image_url").path("url").asText()).toList())
        .containsExactly("data:image/png;base64," + png, "data:image/gif;base64," + gif,
            "data:image/webp;base64," + webp, "data:image/jpeg;base64," + jpeg, "data:image/jpeg;base64," + unknown,
            "data:image/png;base64," + png);
    assertThat(parts.path(1).path("type").asText()).isEqualTo("image_url");
    // The second user turn follows as parts of the same message (Gemma's template wants alternating roles), and its
    // empty text adds no text part.
    assertThat(messages.size()).isEqualTo(1);
    assertThat(parts.size()).as("no text part for empty text").isEqualTo(8);
    assertThat(parts.path(7).path("type").asText()).isEqualTo("image_url");
  }

  @Test
  void invalidBase64ImageIs400AndNothingIsSent() {
    HttpResponse<String> response = chat("{\"model\":\"google/gemma-3-4b\",\"messages\":[{\"role\":\"user\","
        + "\"content\":\"x\",\"images\":[\"not base64!\"]}]}");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(Ndjson.json(response.body()).path("error").asText()).contains("messages[0].images[0]", "base64");
    assertThat(Upstream.inference(harness)).isEmpty();
  }

  static Stream<Arguments> keepAlives() {
    return Stream.of(Arguments.of("\"10m\"", 600), Arguments.of("90", 90), Arguments.of("1.5", 2),
        Arguments.of("\"1h30m\"", 5400), Arguments.of("\"5m0s\"", 300), Arguments.of("-1", null),
        Arguments.of("\"-1\"", null), Arguments.of("0", null));
  }

  @ParameterizedTest(name = "keep_alive {0} -> ttl {1}")
  @MethodSource("keepAlives")
  void keepAliveBecomesLmStudioTtlInWholeSeconds(String keepAlive, Integer ttl) {
    Ndjson.of(chat("{\"model\":\"qwen/qwen3-4b\",\"keep_alive\":" + keepAlive + "," + HI + "}")).endsWithOneDone();

    JsonNode sent = Upstream.chatBody(harness);
    if (ttl == null) {
      assertThat(sent.has("ttl")).isFalse();
    } else {
      assertThat(sent.path("ttl").asLong()).isEqualTo(ttl.longValue());
    }
  }

  @Test
  void keepAliveNumberInAStringWithoutUnitIs400() {
    HttpResponse<String> response = chat("{\"model\":\"qwen/qwen3-4b\",\"keep_alive\":\"300\"," + HI + "}");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(Upstream.inference(harness)).isEmpty();
  }

  @Test
  void thinkingInHistoryIsNotForwardedAndRolesAreLowerCased() {
    Ndjson.of(chat("{\"model\":\"qwen/qwen3-4b\",\"messages\":[{\"role\":\"SYSTEM\",\"content\":\"be brief\"},"
        + "{\"role\":\"user\",\"content\":\"hi\"},{\"role\":\"assistant\",\"content\":\"hello\","
        + "\"thinking\":\"they greet me\"},{\"role\":\"user\",\"content\":\"again\"}]}")).endsWithOneDone();

    JsonNode messages = Upstream.chatBody(harness).path("messages");
    assertThat(messages.toString()).isEqualTo("[{\"role\":\"system\",\"content\":\"be brief\"},"
        + "{\"role\":\"user\",\"content\":\"hi\"},{\"role\":\"assistant\",\"content\":\"hello\"},"
        + "{\"role\":\"user\",\"content\":\"again\"}]");
  }

  @Test
  void countsComeFromTheBackendsUsage() {
    harness.simulator().script().usage(123, 45);
    Ndjson out = Ndjson.of(chat("{\"model\":\"qwen/qwen3-4b\"," + HI + "}")).endsWithOneDone();

    assertThat(out.last().path("prompt_eval_count").asLong()).isEqualTo(123);
    assertThat(out.last().path("eval_count").asLong()).isEqualTo(45);
  }

  @Test
  void countsAreOmittedWhenTheBackendReportsNoUsage() {
    harness.simulator().script().omitUsage(true);
    Ndjson out = Ndjson.of(chat("{\"model\":\"qwen/qwen3-4b\"," + HI + "}")).endsWithOneDone();
    JsonNode aggregated = Ndjson.json(chat("{\"model\":\"qwen/qwen3-4b\",\"stream\":false," + HI + "}").body());

    for (JsonNode done : List.of(out.last(), aggregated)) {
      assertThat(done.has("prompt_eval_count")).as(done.toString()).isFalse();
      assertThat(done.has("eval_count")).as(done.toString()).isFalse();
      assertThat(done.path("total_duration").asLong()).isPositive();
    }
  }

  @Test
  /**
   * {@code load_duration} is on every final line, as in Ollama, where it is {@code checkpointLoaded -
   * checkpointStart} ({@code ollama/ollama@v0.33.0-rc2:server/routes.go:2643, 2804}): the time until the model was
   * ready for the prompt. The proxy measures request arrival → backend request sent, loads included; without a load
   * it is small, never absent.
   */
  void durationsAreMeasuredNanosecondsAndLoadDurationIsAlwaysThere() {
    harness.simulator().script().prefillDelay(Duration.ofMillis(60)).tokenInterval(Duration.ofMillis(10));
    Ndjson out = Ndjson.of(chat("{\"model\":\"qwen/qwen3-4b\"," + HI + "}")).endsWithOneDone();

    JsonNode done = out.last();
    long total = done.path("total_duration").asLong();
    long prompt = done.path("prompt_eval_duration").asLong();
    long eval = done.path("eval_duration").asLong();
    System.out.printf("chat durations: total %.1f ms, prompt_eval %.1f ms, eval %.1f ms%n", total / 1e6, prompt / 1e6,
        eval / 1e6);
    assertThat(prompt).as("prefill 60 ms plus the first token interval").isGreaterThanOrEqualTo(60_000_000L);
    assertThat(eval).as("four token intervals of 10 ms").isGreaterThanOrEqualTo(30_000_000L);
    long load = done.path("load_duration").asLong();
    assertThat(done.has("load_duration")).as(done.toString()).isTrue();
    assertThat(load).as("no load: well below the prefill").isGreaterThanOrEqualTo(0L).isLessThan(prompt);
    assertThat(total).isGreaterThanOrEqualTo(load + prompt + eval).isLessThan(10_000_000_000L);
    for (String field : List.of("total_duration", "load_duration", "prompt_eval_duration", "eval_duration")) {
      assertThat(done.get(field).isIntegralNumber()).as(field).isTrue();
    }
  }

  @Test
  void chatWithoutModelIs400ModelIsRequiredAndNothingIsSent() {
    for (String body : List.of("{" + HI + "}", "{\"model\":\"\"," + HI + "}", "{\"model\":null," + HI + "}")) {
      HttpResponse<String> response = chat(body);
      assertThat(response.statusCode()).as(body).isEqualTo(400);
      assertThat(response.body()).isEqualTo("{\"error\":\"model is required\"}");
      assertThat(response.headers().firstValue("content-type")).hasValue("application/json; charset=utf-8");
    }
    assertThat(Upstream.inference(harness)).isEmpty();
  }

  @Test
  void wrongTypesAre400WithTheFieldNamedAndNothingIsSent() {
    for (String body : List.of("{\"model\":\"qwen/qwen3-4b\",\"messages\":\"hi\"}",
        "{\"model\":\"qwen/qwen3-4b\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\"}]}]}",
        "{\"model\":\"qwen/qwen3-4b\",\"stream\":\"yes\"," + HI + "}",
        "{\"model\":\"qwen/qwen3-4b\",\"options\":{\"temperature\":\"hot\"}," + HI + "}", "[1,2]", "{not json")) {
      HttpResponse<String> response = chat(body);
      assertThat(response.statusCode()).as(body).isEqualTo(400);
      assertThat(Ndjson.json(response.body()).path("error").asText()).as(body).isNotBlank();
    }
    assertThat(Upstream.inference(harness)).isEmpty();
  }

  @Test
  void unknownFieldsAreIgnoredAndAnyContentTypeIsAccepted() {
    String body = "{\"model\":\"qwen/qwen3-4b\",\"stream\":false,\"truncate\":true,\"shift\":false,\"whatever\":{},"
        + HI + "}";
    HttpResponse<String> form = harness.send(HttpRequest.newBuilder(harness.url("/api/chat"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    assertThat(form.statusCode()).isEqualTo(200);

    try (RawHttp raw = RawHttp.connect(harness.port())) {
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      raw.sendRaw("POST /api/chat HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Length: " + bytes.length
          + "\r\n\r\n" + body);
      assertThat(raw.readAll()).startsWith("HTTP/1.1 200").contains("\"done\":true");
    }
  }

  private static HttpResponse<String> chat(String body) {
    return harness.post("/api/chat", body);
  }

  private static String b64(int... bytes) {
    byte[] out = new byte[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      out[i] = (byte) bytes[i];
    }
    return Base64.getEncoder().encodeToString(out);
  }
}
