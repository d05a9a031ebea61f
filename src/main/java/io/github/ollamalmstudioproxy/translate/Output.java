package io.github.ollamalmstudioproxy.translate;

import static java.util.Objects.requireNonNull;

import io.github.ollamalmstudioproxy.ollama.OllamaError;
import java.util.ArrayList;
import java.util.List;

/**
 * What one step of a stream translation produced: complete lines to send now, in order, and, when the answer is
 * over, how it ended. The transport writes the lines and acts on the ending; it never reads the lines back.
 *
 * <p>Each line is one complete unit of the client's wire format, owned by the caller: for Ollama's NDJSON one JSON
 * object plus {@code '\n'}; for the Anthropic and Responses translators ({@code translate/anthropic},
 * {@code translate/responses}) one complete SSE event, {@code event: <type>\ndata: <json>\n\n}. One line is by far
 * the common case (one per token), so it is held without a list.
 */
public final class Output {
  public static final Output NONE = new Output(null, List.of(), null);

  /** The only line when there is exactly one, else null. */
  private final byte[] single;
  /** Every line when there is not exactly one. */
  private final List<byte[]> many;
  private final Ending ending;

  private Output(byte[] single, List<byte[]> many, Ending ending) {
    this.single = single;
    this.many = many;
    this.ending = ending;
  }

  /**
   * How a translated answer ended: completed, with the aggregated body when the client asked for one, or failed.
   *
   * @param body the whole {@code application/json} answer of a non-streaming translation; null when streamed (the
   *     final line was among the lines)
   * @param failure the error to report, null when the answer completed; the transport decides its form: a status
   *     before the client got any byte, one {@code {"error"}} line (or the client API's error event) after
   */
  public record Ending(byte[] body, OllamaError failure) {
    public static Ending completed(byte[] body) {
      return new Ending(body, null);
    }

    public static Ending failed(OllamaError failure) {
      return new Ending(null, requireNonNull(failure, "failure"));
    }

    public boolean failed() {
      return failure != null;
    }
  }

  public static Output line(byte[] line) {
    return new Output(requireNonNull(line, "line"), null, null);
  }

  public static Output ended(List<byte[]> lines, Ending ending) {
    return of(lines, requireNonNull(ending, "ending"));
  }

  private static Output of(List<byte[]> lines, Ending ending) {
    return lines.size() == 1 ? new Output(lines.get(0), null, ending) : new Output(null, List.copyOf(lines), ending);
  }

  /** How many lines to write. */
  public int count() {
    return single != null ? 1 : many.size();
  }

  /** Line {@code i}, in order. */
  public byte[] line(int i) {
    if (single != null) {
      if (i != 0) {
        throw new IndexOutOfBoundsException(i);
      }
      return single;
    }
    return many.get(i);
  }

  /** The lines as a list (made on demand: the transport reads them with {@link #count} and {@link #line}). */
  public List<byte[]> lines() {
    return single != null ? List.of(single) : many;
  }

  /** Null while the answer goes on. */
  public Ending ending() {
    return ending;
  }

  public boolean ended() {
    return ending != null;
  }

  /** This output followed by {@code next}; the first ending wins (nothing follows an ending anyway). */
  public Output then(Output next) {
    if (next.count() == 0 && (ending != null || next.ending == null)) {
      return this;
    }
    if (count() == 0 && ending == null) {
      return next;
    }
    List<byte[]> joined = new ArrayList<>(count() + next.count());
    joined.addAll(lines());
    joined.addAll(next.lines());
    return of(joined, ending != null ? ending : next.ending);
  }
}
