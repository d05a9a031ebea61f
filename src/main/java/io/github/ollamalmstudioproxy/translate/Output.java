package io.github.ollamalmstudioproxy.translate;

import static java.util.Objects.requireNonNull;

import io.github.ollamalmstudioproxy.ollama.OllamaError;
import java.util.ArrayList;
import java.util.List;

/**
 * What one step of a stream translation produced: complete lines to send now, in order, and, when the answer is
 * over, how it ended. The transport writes the lines and acts on the ending; it never reads the lines back.
 *
 * @param lines each one complete line (JSON plus {@code '\n'}), owned by the caller
 * @param ending null while the answer goes on
 */
public record Output(List<byte[]> lines, Ending ending) {
  public static final Output NONE = new Output(List.of(), null);

  public Output {
    requireNonNull(lines, "lines");
  }

  /**
   * How a translated answer ended: completed, with the aggregated body when the client asked for one, or failed.
   *
   * @param body the whole {@code application/json} answer of a non-streaming translation; null when streamed (the
   *     final line was among the lines)
   * @param failure the error to report, null when the answer completed; the transport decides its form: a status
   *     before the client got any byte, one {@code {"error"}} line after
   */
  public record Ending(byte[] body, OllamaError failure) {
    static Ending completed(byte[] body) {
      return new Ending(body, null);
    }

    static Ending failed(OllamaError failure) {
      return new Ending(null, requireNonNull(failure, "failure"));
    }

    public boolean failed() {
      return failure != null;
    }
  }

  static Output line(byte[] line) {
    return new Output(List.of(line), null);
  }

  static Output ended(List<byte[]> lines, Ending ending) {
    return new Output(lines, requireNonNull(ending, "ending"));
  }

  public boolean ended() {
    return ending != null;
  }

  /** This output followed by {@code next}; the first ending wins (nothing follows an ending anyway). */
  public Output then(Output next) {
    if (next.lines.isEmpty() && (ending != null || next.ending == null)) {
      return this;
    }
    if (lines.isEmpty() && ending == null) {
      return next;
    }
    List<byte[]> joined = new ArrayList<>(lines.size() + next.lines.size());
    joined.addAll(lines);
    joined.addAll(next.lines);
    return new Output(joined, ending != null ? ending : next.ending);
  }
}
