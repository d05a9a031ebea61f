package io.github.ollamalmstudioproxy.translate.anthropic;

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
 * Anthropic Messages golden folders.
 *
 * <p>{@code golden/anthropic-request/<case>/}: {@code request.json} translates to {@code openai-request.json}
 * (for LM Studio unless {@code dialect.txt} says {@code openai}), or fails as {@code error.txt} says
 * ({@code <status> <message>}) and as {@code error-body.json} shows when present; {@code ignored.txt}, when present,
 * lists what the debug log names, one per line.
 *
 * <p>{@code golden/anthropic-stream/<case>/}: the client's {@code request.json}, the backend's {@code upstream.sse},
 * the bytes a streaming client receives, {@code expected.sse} (the same at every read size: whole, 1 byte, 7
 * bytes), and exactly one of {@code expected.json} (the non-streaming body) or {@code expected-error.txt}. A failure
 * is shown as the transport writes it: after the first event, {@link AnthropicStream#failureEvent}; with no event
 * yet, {@code HTTP <status>} and {@link AnthropicErrors#body} on the next line. The {@code msg_} id is checked (24
 * hex digits, one per answer) and written {@code msg_<id>}; nothing else is normalised.
 */
class GoldenAnthropicTest {
  static final Pattern MESSAGE_ID = Pattern.compile("msg_([0-9a-f]{24})");

  static Stream<Arguments> requestCases() {
    return ClientApiGoldens.cases("anthropic-request");
  }

  static Stream<Arguments> streamCases() {
    return ClientApiGoldens.cases("anthropic-stream");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("requestCases")
  void request(Path dir) {
    var body = json(read(dir.resolve("request.json")));
    Path error = dir.resolve("error.txt");
    if (Files.exists(error)) {
      OllamaError e = catchThrowableOfType(OllamaError.class,
          () -> AnthropicToOpenAi.chat(MessagesRequest.parse(body), BACKEND_MODEL, ClientApiGoldens.dialect(dir)));
      assertThat(e).as("expected an error").isNotNull();
      assertThat(e.status() + " " + e.getMessage()).isEqualTo(read(error).strip());
      Path errorBody = dir.resolve("error-body.json");
      if (Files.exists(errorBody)) {
        assertThat(new String(AnthropicErrors.body(e), UTF_8)).isEqualTo(read(errorBody).strip());
      }
      return;
    }
    MessagesRequest request = MessagesRequest.parse(body);
    UpstreamRequest out = AnthropicToOpenAi.chat(request, BACKEND_MODEL, ClientApiGoldens.dialect(dir));
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
    MessagesRequest request = MessagesRequest.parse(json(read(dir.resolve("request.json"))));
    byte[] upstream = bytes(dir.resolve("upstream.sse"));
    for (int piece : ClientApiGoldens.PIECES) {
      AnthropicStream stream = AnthropicStream.streaming(request, ClientApiGoldens.times());
      Run run = ClientApiGoldens.run(stream, upstream, piece);
      assertThat(run.ending()).as("the stream ended").isNotNull();
      for (byte[] line : run.lines()) {
        assertEvent(new String(line, UTF_8));
      }
      assertFile(dir.resolve("expected.sse"), normalise(asClientSees(stream, run)), s -> s);
      if (ClientApiGoldens.writing()) {
        break;
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("streamCases")
  void aggregates(Path dir) {
    MessagesRequest request = MessagesRequest.parse(json(read(dir.resolve("request.json"))));
    Path body = dir.resolve("expected.json");
    Path error = dir.resolve("expected-error.txt");
    assertThat(Files.exists(body) ^ Files.exists(error) || ClientApiGoldens.writing())
        .as("%s needs exactly one of expected.json and expected-error.txt", dir).isTrue();
    Run run = ClientApiGoldens.run(AnthropicStream.aggregating(request, ClientApiGoldens.times()),
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

  static String asClientSees(AnthropicStream stream, Run run) {
    String text = ClientApiGoldens.text(run.lines());
    if (!run.ending().failed()) {
      return text;
    }
    OllamaError failure = run.ending().failure();
    if (run.lines().isEmpty()) {
      return "HTTP " + failure.status() + "\n" + new String(AnthropicErrors.body(failure), UTF_8) + "\n";
    }
    String event = new String(stream.failureEvent(failure), UTF_8);
    assertEvent(event);
    return text + event;
  }

  /** One SSE event: {@code event: <type>}, one {@code data:} line holding a JSON object of that type, a blank line. */
  static void assertEvent(String event) {
    assertThat(event).as("event framing").matches("(?s)event: [a-z_]+\ndata: \\{[^\n]*\\}\n\n");
    String type = event.substring("event: ".length(), event.indexOf('\n'));
    String data = event.substring(event.indexOf("data: ") + 6, event.length() - 2);
    assertThat(json(data).path("type").asText()).as("data.type of " + event).isEqualTo(type);
  }

  /** Checks that one {@code msg_} id is used throughout and writes it {@code msg_<id>}. */
  static String normalise(String text) {
    Matcher m = MESSAGE_ID.matcher(text);
    Set<String> ids = new HashSet<>();
    while (m.find()) {
      ids.add(m.group(1));
    }
    assertThat(ids.size()).as("one message id in " + text).isLessThanOrEqualTo(1);
    return MESSAGE_ID.matcher(text).replaceAll("msg_<id>");
  }
}
