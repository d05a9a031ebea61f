package io.github.ollamalmstudioproxy.translate;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.provider.Arguments;

/**
 * The golden-folder support of {@link GoldenRequestTest} and {@link GoldenStreamTest}, opened to the tests of the
 * other client APIs ({@code translate/anthropic}, {@code translate/responses}): case discovery, JSON comparison, the
 * dialect file, and a run of upstream SSE bytes through {@link SseFeed} at a chosen read size.
 *
 * <p>With {@code -Dgolden.write=true} a test writes the expected file it would compare with instead of comparing
 * (for a new case; the result must be read before it is committed).
 */
public final class ClientApiGoldens {
  public static final String BACKEND_MODEL = GoldenRequestTest.BACKEND_MODEL;
  /** The read sizes {@link GoldenStreamTest} uses: whole (0 stands for the body's length), 1 byte, 7 bytes. */
  public static final int[] PIECES = {0, 1, 7};

  private ClientApiGoldens() {}

  /** One translation run: the lines in order and the one ending (null if none came). */
  public record Run(List<byte[]> lines, Output.Ending ending) {}

  public static Stream<Arguments> cases(String endpoint) {
    return JsonTestSupport.cases(endpoint).stream()
        .map(dir -> Arguments.of(Named.of(dir.getFileName().toString(), dir)));
  }

  public static JsonNode json(String text) {
    return JsonTestSupport.json(text);
  }

  public static String read(Path file) {
    return JsonTestSupport.read(file);
  }

  public static byte[] bytes(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static void assertJsonEquals(JsonNode expected, JsonNode actual) {
    JsonTestSupport.assertJsonEquals(expected, actual);
  }

  public static String pretty(JsonNode node) {
    return JsonTestSupport.pretty(node);
  }

  /** {@code dialect.txt}: {@code lmstudio} (the default) or {@code openai}. */
  public static BackendDialect dialect(Path dir) {
    Path file = dir.resolve("dialect.txt");
    if (!Files.exists(file)) {
      return BackendDialect.LM_STUDIO;
    }
    String name = read(file).strip();
    assertThat(name).as("dialect.txt").isIn("lmstudio", "openai");
    return name.equals("openai") ? BackendDialect.OPENAI : BackendDialect.LM_STUDIO;
  }

  public static RequestTimes times() {
    return StreamHarness.times();
  }

  /** Feeds {@code bytes} in pieces of {@code piece} bytes (0: all at once), ends the body, collects every output. */
  public static Run run(StreamTranslation translation, byte[] bytes, int piece) {
    StreamHarness.Run run = StreamHarness.run(translation, bytes, piece == 0 ? Math.max(1, bytes.length) : piece);
    return new Run(run.lines(), run.ending());
  }

  public static String text(List<byte[]> lines) {
    StringBuilder sb = new StringBuilder();
    for (byte[] line : lines) {
      sb.append(new String(line, UTF_8));
    }
    return sb.toString();
  }

  public static boolean writing() {
    return Boolean.getBoolean("golden.write");
  }

  /** Compares {@code actual} with the file, or writes it there when {@link #writing()}. */
  public static void assertFile(Path file, String actual, Function<String, String> normalise) {
    if (writing()) {
      try {
        Files.writeString(file, actual);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return;
    }
    assertThat(actual).as(file.toString()).isEqualTo(normalise.apply(read(file)));
  }
}
