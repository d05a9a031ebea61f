package io.github.ollamalmstudioproxy.simulator;

/** Where a {@link Generation} sends its events: an SSE writer or a collector that answers with one JSON body. */
interface GenerationSink {
  /** Prefill is over (or headers go out early): a stream sends its 200 and SSE headers now. Called at most once. */
  void open();

  void piece(AnswerPlan.Piece piece);

  /** All pieces sent: finish chunk, optional usage, {@code [DONE]}; or the whole JSON body. */
  void finish(int emitted);

  /** The scripted mid-stream error. */
  void error(String message, boolean eventLine);
}
