package io.github.ollamalmstudioproxy.translate;

import static io.github.ollamalmstudioproxy.translate.JsonTestSupport.json;
import static io.github.ollamalmstudioproxy.translate.JsonTestSupport.read;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.ollamalmstudioproxy.ollama.OllamaError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Stream golden files: {@code golden/<chat|generate>-stream/<case>/} holds the client's {@code ollama-request.json},
 * the backend's {@code upstream.sse} and the {@code expected.ndjson} the client must receive; optionally the
 * non-streaming answer, exactly one of {@code expected.json} or {@code expected-error.txt} ({@code <status> <message>}).
 * A case without either fails: the aggregating path is where streaming and non-streaming answers can differ. An
 * {@code upstream-path.txt} of {@code /infill} says the upstream body is llama-server's native stream.
 */
class GoldenStreamTest {

  static Stream<Arguments> cases() {
    return Stream.concat(JsonTestSupport.cases("chat-stream").stream(), JsonTestSupport.cases("generate-stream").stream())
        .map(dir -> Arguments.of(Named.of(dir.getParent().getFileName() + "/" + dir.getFileName(), dir)));
  }

  /** Whole body in one read, one byte per read, and 7 bytes per read give the same lines. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void streamsExpectedNdjson(Path dir) throws IOException {
    byte[] upstream = Files.readAllBytes(dir.resolve("upstream.sse"));
    String expected = read(dir.resolve("expected.ndjson"));
    for (int piece : new int[] {upstream.length, 1, 7}) {
      StreamHarness.Run run = StreamHarness.run(StreamHarness.translator(settings(dir)), upstream, piece);
      assertThat(run.ending()).as("the stream ended").isNotNull();
      assertThat(StreamHarness.normalisedNdjson(run.asClientSees())).as("pieces of %d bytes", piece)
          .isEqualTo(expected);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void aggregatesNonStreamingAnswer(Path dir) throws IOException {
    Path body = dir.resolve("expected.json");
    Path error = dir.resolve("expected-error.txt");
    assertThat(Files.exists(body) ^ Files.exists(error))
        .as("%s needs exactly one of expected.json and expected-error.txt", dir)
        .isTrue();
    StreamTranslator aggregator =
        StreamTranslator.aggregating(settings(dir), StreamHarness.times(), Clock.systemUTC());
    StreamHarness.Run run = StreamHarness.run(aggregator, Files.readAllBytes(dir.resolve("upstream.sse")), 5);
    assertThat(run.lines()).isEmpty();
    assertThat(run.ending()).as("the answer ended").isNotNull();
    if (Files.exists(error)) {
      OllamaError failure = run.ending().failure();
      assertThat(failure).isNotNull();
      assertThat(failure.status() + " " + failure.getMessage()).isEqualTo(read(error).strip());
      assertThat(run.ending().body()).isNull();
    } else {
      assertThat(run.ending().failure()).isNull();
      String text = new String(run.ending().body(), UTF_8);
      assertThat(text).doesNotContain("\n");
      assertThat(StreamHarness.normalise(text)).isEqualTo(read(body).strip());
    }
  }

  private static StreamSettings settings(Path dir) {
    var request = json(read(dir.resolve("ollama-request.json")));
    StreamSettings settings = dir.getParent().getFileName().toString().startsWith("chat")
        ? StreamSettings.of(ChatRequest.parse(request))
        : StreamSettings.of(GenerateRequest.parse(request));
    Path path = dir.resolve("upstream-path.txt");
    boolean infill = Files.exists(path) && read(path).strip().equals(UpstreamRequest.INFILL);
    return infill ? settings.forNativeLlamaStream() : settings;
  }
}
