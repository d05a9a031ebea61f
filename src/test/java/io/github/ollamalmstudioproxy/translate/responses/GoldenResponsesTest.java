package io.github.ollamalmstudioproxy.translate.responses;

import static io.github.ollamalmstudioproxy.translate.ClientApiGoldens.BACKEND_MODEL;
import static io.github.ollamalmstudioproxy.translate.ClientApiGoldens.assertFile;
import static io.github.ollamalmstudioproxy.translate.ClientApiGoldens.assertJsonEquals;
import static io.github.ollamalmstudioproxy.translate.ClientApiGoldens.bytes;
import static io.github.ollamalmstudioproxy.translate.ClientApiGoldens.json;
import static io.github.ollamalmstudioproxy.translate.ClientApiGoldens.read;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.github.ollamalmstudioproxy.ollama.OllamaError;
import io.github.ollamalmstudioproxy.translate.ClientApiGoldens;
import io.github.ollamalmstudioproxy.translate.ClientApiGoldens.Run;
import io.github.ollamalmstudioproxy.translate.UpstreamRequest;
import java.nio.file.Files;
import java.time.Clock;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * OpenAI Responses golden folders, laid out as {@code GoldenAnthropicTest}'s.
 *
 * <p>{@code golden/responses-request/<case>/}: {@code request.json} translates to {@code openai-request.json}
 * (for LM Studio unless {@code dialect.txt} says {@code openai}), or fails as {@code error.txt} says
 * ({@code <status> <message>}) and as {@code error-body.json} shows when present; {@code ignored.txt}, when present,
 * lists what the debug log names.
 *
 * <p>{@code golden/responses-stream/<case>/}: {@code request.json}, {@code upstream.sse}, {@code expected.sse} (the
 * same at every read size) and exactly one of {@code expected.json} or {@code expected-error.txt}. A failure is shown
 * as the transport writes it: after the first event, {@link ResponsesStream#failureEvent}; with no event yet,
 * {@code HTTP <status>} and {@link ResponsesErrors#body}. The {@code resp_} id is checked (24 hex digits, one per
 * answer, the same digits in every item id) and its digits written {@code <id>}; {@code created_at} and
 * {@code completed_at} are checked (epoch seconds, not before the run) and written {@code <t>}.
 */
class GoldenResponsesTest {
  static final Pattern RESPONSE_ID = Pattern.compile("resp_([0-9a-f]{24})");
  static final Pattern TIMES = Pattern.compile("\"(created_at|completed_at)\":(\\d+)");

  static Stream<Arguments> requestCases() {
    return ClientApiGoldens.cases("responses-request");
  }

  static Stream<Arguments> streamCases() {
    return ClientApiGoldens.cases("responses-stream");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("requestCases")
  void request(Path dir) {
    var body = json(read(dir.resolve("request.json")));
    Path error = dir.resolve("error.txt");
    if (Files.exists(error)) {
      OllamaError e = catchThrowableOfType(OllamaError.class,
          () -> ResponsesToOpenAi.chat(ResponsesRequest.parse(body), BACKEND_MODEL, ClientApiGoldens.dialect(dir)));
      assertThat(e).as("expected an error").isNotNull();
      assertThat(e.status() + " " + e.getMessage()).isEqualTo(read(error).strip());
      Path errorBody = dir.resolve("error-body.json");
      if (Files.exists(errorBody)) {
        assertThat(new String(ResponsesErrors.body(e), UTF_8)).isEqualTo(read(errorBody).strip());
      }
      return;
    }
    ResponsesRequest request = ResponsesRequest.parse(body);
    UpstreamRequest out = ResponsesToOpenAi.chat(request, BACKEND_MODEL, ClientApiGoldens.dialect(dir));
    assertThat(out.path()).isEqualTo(UpstreamRequest.CHAT_COMPLETIONS);
    Path expected = dir.resolve("openai-request.json");
    if (ClientApiGoldens.writing()) {
      assertFile(expected, ClientApiGoldens.pretty(json(new String(out.body(), UTF_8))) + "\n", s -> s);
    } else {
      assertJsonEquals(json(read(expected)), json(new String(out.body(), UTF_8)));
    }
    Path ignored = dir.resolve("ignored.txt");
    if (Files.exists(ignored)) {
      assertThat(out.ignored()).isEqualTo(read(ignored).lines().toList());
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("streamCases")
  void streams(Path dir) {
    ResponsesRequest request = ResponsesRequest.parse(json(read(dir.resolve("request.json"))));
    byte[] upstream = bytes(dir.resolve("upstream.sse"));
    for (int piece : ClientApiGoldens.PIECES) {
      ResponsesStream stream = ResponsesStream.streaming(request, ClientApiGoldens.times(), Clock.systemUTC());
      Run run = ClientApiGoldens.run(stream, upstream, piece);
      assertThat(run.ending()).as("the stream ended").isNotNull();
      for (byte[] line : run.lines()) {
        assertEvent(new String(line, UTF_8));
      }
      String seen = asClientSees(stream, run);
      if (!seen.startsWith("HTTP ")) {
        String[] events = seen.split("(?<=\n\n)");
        for (int i = 0; i < events.length; i++) {
          String data = events[i].substring(events[i].indexOf("data: ") + 6).strip();
          assertThat(json(data).path("sequence_number").asInt(-1)).as("sequence_number of " + events[i]).isEqualTo(i);
        }
      }
      assertFile(dir.resolve("expected.sse"), normalise(seen), s -> s);
      if (ClientApiGoldens.writing()) {
        break;
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("streamCases")
  void aggregates(Path dir) {
    ResponsesRequest request = ResponsesRequest.parse(json(read(dir.resolve("request.json"))));
    Path body = dir.resolve("expected.json");
    Path error = dir.resolve("expected-error.txt");
    assertThat(Files.exists(body) ^ Files.exists(error) || ClientApiGoldens.writing())
        .as("%s needs exactly one of expected.json and expected-error.txt", dir).isTrue();
    Run run = ClientApiGoldens.run(ResponsesStream.aggregating(request, ClientApiGoldens.times(), Clock.systemUTC()),
        bytes(dir.resolve("upstream.sse")), 5);
    assertThat(run.lines()).isEmpty();
    assertThat(run.ending()).as("the answer ended").isNotNull();
    if (run.ending().failed()) {
      OllamaError failure = run.ending().failure();
      assertThat(run.ending().body()).isNull();
      assertFile(error, failure.status() + " " + failure.getMessage() + "\n", s -> s);
      return;
    }
    String text = new String(run.ending().body(), UTF_8);
    assertThat(text).doesNotContain("\n");
    json(text);
    assertFile(body, normalise(text) + "\n", s -> s);
  }

  static String asClientSees(ResponsesStream stream, Run run) {
    String text = ClientApiGoldens.text(run.lines());
    if (!run.ending().failed()) {
      return text;
    }
    OllamaError failure = run.ending().failure();
    if (run.lines().isEmpty()) {
      return "HTTP " + failure.status() + "\n" + new String(ResponsesErrors.body(failure), UTF_8) + "\n";
    }
    String events = new String(stream.failureEvent(failure), UTF_8);
    for (String event : events.split("(?<=\n\n)")) {
      assertEvent(event);
    }
    return text + events;
  }

  /**
   * One SSE event: {@code event: <type>}, one {@code data:} line holding a JSON object of that type, a blank line;
   * the sequence numbers of a run count up from 0 without a gap.
   */
  static void assertEvent(String event) {
    assertThat(event).as("event framing").matches("(?s)event: [a-z_.]+\ndata: \\{[^\n]*\\}\n\n");
    String type = event.substring("event: ".length(), event.indexOf('\n'));
    String data = event.substring(event.indexOf("data: ") + 6, event.length() - 2);
    assertThat(json(data).path("type").asText()).as("data.type of " + event).isEqualTo(type);
    // The OpenAI SDK throws on any event whose data has a truthy top-level "error".
    assertThat(json(data).has("error")).as("no top-level error in " + event).isFalse();
  }

  /** Checks the ids and times, and writes them {@code <id>} and {@code <t>}. */
  static String normalise(String text) {
    Matcher m = RESPONSE_ID.matcher(text);
    Set<String> ids = new HashSet<>();
    while (m.find()) {
      ids.add(m.group(1));
    }
    assertThat(ids.size()).as("one response id in " + text).isLessThanOrEqualTo(1);
    String s = text;
    for (String id : ids) {
      assertThat(s.replaceAll("(resp|rs|msg|fc)_" + id, "")).as("the id's digits only in ids").doesNotContain(id);
      s = s.replace(id, "<id>");
    }
    Matcher t = TIMES.matcher(s);
    StringBuilder sb = new StringBuilder();
    long now = System.currentTimeMillis() / 1000;
    while (t.find()) {
      assertThat(Long.parseLong(t.group(2))).as(t.group(1)).isBetween(now - 600, now + 600);
      t.appendReplacement(sb, "\"" + t.group(1) + "\":\"<t>\"");
    }
    t.appendTail(sb);
    return sb.toString();
  }
}
