package io.github.ollamalmstudioproxy.translate;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs upstream SSE bytes through {@link SseFeed} the way the server will, and normalises the varying parts of the
 * output: {@code created_at} becomes {@code "<created_at>"} and every {@code *_duration} {@code "<ns>"}, after
 * checking that each was present with the right form.
 */
final class StreamHarness {
  static final Pattern CREATED_AT =
      Pattern.compile("\"created_at\":\"(\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(?:\\.\\d{1,9})?Z)\"");
  static final Pattern DURATION = Pattern.compile("\"(\\w+_duration)\":([^,}]*)");
  /** Fake nanoTime: starts after upstreamSent and advances one millisecond per reading. */
  static final long TICK = 1_000_000L;

  private StreamHarness() {}

  static RequestTimes times() {
    return RequestTimes.sentAt(0, TICK / 2);
  }

  /**
   * Everything a translation produced: the lines in order and its one ending (null if it never ended).
   */
  record Run(List<byte[]> lines, Output.Ending ending) {
    /**
     * What a streaming client receives once the stream has started: the lines, and a failure as one
     * {@code {"error"}} line, as the server writes it.
     */
    List<byte[]> asClientSees() {
      if (ending == null || !ending.failed()) {
        return lines;
      }
      List<byte[]> all = new ArrayList<>(lines);
      all.add(errorLine(ending.failure().getMessage()));
      return all;
    }
  }

  /** Feeds {@code bytes} in pieces of {@code piece} bytes, then ends the body; collects every output. */
  static Run run(StreamTranslation translation, byte[] bytes, int piece) {
    long[] clock = {0};
    SseFeed feed = new SseFeed(translation, () -> clock[0] += TICK);
    Collector out = new Collector();
    for (int off = 0; off < bytes.length; off += piece) {
      out.add(feed.feed(bytes, off, Math.min(piece, bytes.length - off)));
    }
    out.add(feed.end());
    return out.run();
  }

  /** Gathers outputs and checks that exactly one ending came, and nothing after it. */
  static final class Collector {
    private final List<byte[]> lines = new ArrayList<>();
    private Output.Ending ending;

    void add(Output output) {
      if (ending != null) {
        assertThat(output.lines()).as("no line after the ending").isEmpty();
        assertThat(output.ending()).as("no second ending").isNull();
        return;
      }
      lines.addAll(output.lines());
      ending = output.ending();
    }

    Run run() {
      return new Run(List.copyOf(lines), ending);
    }
  }

  static StreamTranslator translator(StreamSettings settings) {
    return StreamTranslator.streaming(settings, times(), Clock.systemUTC());
  }

  static byte[] errorLine(String message) {
    return ("{\"error\":" + JsonTestSupport.quote(message) + "}\n").getBytes(UTF_8);
  }

  /** Checks the framing of every line (one object, one trailing LF, no blank line) and joins the normalised text. */
  static String normalisedNdjson(List<byte[]> lines) {
    StringBuilder sb = new StringBuilder();
    for (byte[] line : lines) {
      String text = new String(line, UTF_8);
      assertThat(text).as("line framing").endsWith("\n").doesNotContain("\r");
      assertThat(text.indexOf('\n')).as("exactly one LF, at the end: " + text).isEqualTo(text.length() - 1);
      assertThat(text).as("no blank line").isNotEqualTo("\n").startsWith("{").endsWith("}\n");
      JsonTestSupport.json(text);
      sb.append(normalise(text));
    }
    return sb.toString();
  }

  static String normalise(String text) {
    String s = text;
    if (!s.startsWith("{\"error\"")) {
      Matcher m = CREATED_AT.matcher(s);
      assertThat(m.find()).as("created_at present and RFC 3339: " + text).isTrue();
      s = m.replaceAll("\"created_at\":\"<created_at>\"");
    }
    Matcher d = DURATION.matcher(s);
    StringBuilder sb = new StringBuilder();
    while (d.find()) {
      assertThat(d.group(2)).as(d.group(1) + " is a positive integer").matches("[1-9][0-9]*");
      d.appendReplacement(sb, "\"" + d.group(1) + "\":\"<ns>\"");
    }
    d.appendTail(sb);
    return sb.toString();
  }
}
