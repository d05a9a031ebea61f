package io.github.ollamalmstudioproxy.simulator;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Live, thread-safe behaviour knobs: what the simulated model answers, how fast, and which named fault it shows.
 *
 * <p>Each request takes a {@link ScriptSnapshot} when it arrives, so changes apply to the next requests. Setters return
 * {@code this} for chaining; {@link #reset()} restores the defaults, which give a quick, pleasant demo answer.
 */
public final class SimulatorScript {
  /** The demo answer, one piece per word as a tokenizer would split it. */
  public static final List<String> DEFAULT_TOKENS = List.of("Hello", "!", " I", " am", " the", " LM", " Studio",
      " simulator", ",", " answering", " in", " place", " of", " a", " real", " model", ".");
  public static final Duration DEFAULT_TOKEN_INTERVAL = Duration.ofMillis(20);
  public static final Duration DEFAULT_LOAD_DELAY = Duration.ofMillis(100);
  /** LM Studio's default "Max Concurrent Predictions" ({@code lmstudio-ai/docs:0_app/5_advanced/parallel-requests.md}). */
  public static final int DEFAULT_PARALLEL = 4;

  private List<String> tokens;
  private boolean tokensExplicit;
  private Duration tokenInterval;
  private List<String> reasoning;
  private String reasoningField;
  private final List<ScriptSnapshot.ToolCall> toolCalls = new ArrayList<>();
  private Duration prefillDelay;
  private boolean headersDuringPrefill;
  private int midStreamErrorAfter;
  private String midStreamErrorMessage;
  private boolean midStreamErrorEventLine;
  private int abruptCloseAfter;
  private boolean requireLoadBeforeInference;
  private boolean evictBeforeNextInference;
  private Duration loadDelay;
  private int parallel;
  private String finishReason;
  private Integer usagePrompt;
  private Integer usageCompletion;
  private boolean omitUsage;
  private boolean omitDone;
  private boolean answerLogprobs;
  private int stallAfter;
  private Duration stall;
  private int dripAfter;
  private Duration dripInterval;
  private final Map<String, Duration> routeDelays = new HashMap<>();
  private boolean closeAfterAnswer;
  private final Deque<SimulatorFailure> nextFailures = new ArrayDeque<>();
  private SimulatorFailure alwaysFailure;
  private final Map<String, Long> paddedAnswers = new HashMap<>();

  SimulatorScript() {
    reset();
  }

  /** Back to the defaults, including an empty failure queue. */
  public synchronized SimulatorScript reset() {
    tokens = DEFAULT_TOKENS;
    tokensExplicit = false;
    tokenInterval = DEFAULT_TOKEN_INTERVAL;
    reasoning = List.of();
    reasoningField = "reasoning_content";
    toolCalls.clear();
    prefillDelay = Duration.ZERO;
    headersDuringPrefill = false;
    midStreamErrorAfter = -1;
    midStreamErrorMessage = null;
    midStreamErrorEventLine = false;
    abruptCloseAfter = -1;
    requireLoadBeforeInference = false;
    evictBeforeNextInference = false;
    loadDelay = DEFAULT_LOAD_DELAY;
    parallel = DEFAULT_PARALLEL;
    finishReason = null;
    usagePrompt = null;
    usageCompletion = null;
    omitUsage = false;
    omitDone = false;
    answerLogprobs = false;
    stallAfter = -1;
    stall = Duration.ZERO;
    dripAfter = -1;
    dripInterval = Duration.ZERO;
    routeDelays.clear();
    closeAfterAnswer = false;
    nextFailures.clear();
    alwaysFailure = null;
    paddedAnswers.clear();
    return this;
  }

  /** Content pieces, streamed one per token interval. An empty list answers with empty content. */
  public synchronized SimulatorScript tokens(List<String> pieces) {
    this.tokens = List.copyOf(pieces);
    this.tokensExplicit = true;
    return this;
  }

  /** Pause before each piece (reasoning, content and tool-call fragments alike); zero streams as fast as possible. */
  public synchronized SimulatorScript tokenInterval(Duration interval) {
    this.tokenInterval = nonNegative(interval, "tokenInterval");
    return this;
  }

  /** Reasoning pieces streamed before the content, in the field chosen by {@link #reasoningField(String)}. */
  public synchronized SimulatorScript reasoning(List<String> pieces) {
    this.reasoning = List.copyOf(pieces);
    return this;
  }

  /** {@code "reasoning_content"} (default, most models) or {@code "reasoning"} (gpt-oss since 0.3.23). */
  public synchronized SimulatorScript reasoningField(String field) {
    if (!field.equals("reasoning_content") && !field.equals("reasoning")) {
      throw new IllegalArgumentException("reasoningField must be reasoning_content or reasoning, got " + field);
    }
    this.reasoningField = field;
    return this;
  }

  /**
   * Adds one tool call (call several times for parallel calls, each with its own {@code index}). The stream sends a
   * first fragment with id, type, name and empty arguments, then argument fragments of a few characters, and ends with
   * {@code finish_reason:"tool_calls"}. While tool calls are scripted the default demo sentence is not sent; content
   * set explicitly with {@link #tokens(List)} still is, before the calls.
   */
  public synchronized SimulatorScript toolCall(String name, String argumentsJson) {
    toolCalls.add(new ScriptSnapshot.ToolCall(name, argumentsJson));
    return this;
  }

  public synchronized SimulatorScript clearToolCalls() {
    toolCalls.clear();
    return this;
  }

  /** Silence before the first byte of the answer, like prompt processing of a long prompt. */
  public synchronized SimulatorScript prefillDelay(Duration delay) {
    this.prefillDelay = nonNegative(delay, "prefillDelay");
    return this;
  }

  /**
   * Whether a streaming answer sends its 200 and SSE headers before the prefill silence. The default (false) sends
   * nothing at all during prefill, which is the hardest case for a proxy that must notice its client leaving.
   */
  public synchronized SimulatorScript headersDuringPrefill(boolean headersFirst) {
    this.headersDuringPrefill = headersFirst;
    return this;
  }

  /**
   * Queues a one-shot failure for the next inference request (chat, completions, embeddings, responses, messages).
   * The body is sent exactly as given on every route, so a test of {@code /v1/messages} that wants Anthropic's shape
   * queues {@link SimulatorFailure#anthropic}.
   */
  public synchronized SimulatorScript failNext(int status, String body) {
    return failNext(SimulatorFailure.of(status, body));
  }

  public synchronized SimulatorScript failNext(SimulatorFailure failure) {
    nextFailures.add(requireNonNull(failure, "failure"));
    return this;
  }

  /** Every inference request fails this way (after queued one-shot failures) until {@link #clearFailures()}. */
  public synchronized SimulatorScript failAlways(int status, String body) {
    return failAlways(SimulatorFailure.of(status, body));
  }

  public synchronized SimulatorScript failAlways(SimulatorFailure failure) {
    this.alwaysFailure = requireNonNull(failure, "failure");
    return this;
  }

  public synchronized SimulatorScript clearFailures() {
    nextFailures.clear();
    alwaysFailure = null;
    return this;
  }

  /** Queues {@link SimulatorFailure#noModelsLoaded()}. */
  public SimulatorScript noModelsLoaded() {
    return failNext(SimulatorFailure.noModelsLoaded());
  }

  /** Queues {@link SimulatorFailure#contextOverflow()}. */
  public SimulatorScript contextOverflow() {
    return failNext(SimulatorFailure.contextOverflow());
  }

  /** Queues {@link SimulatorFailure#invalidMessages()}. */
  public SimulatorScript invalidMessages() {
    return failNext(SimulatorFailure.invalidMessages());
  }

  /** Queues {@link SimulatorFailure#engineProtocolFailure()}. */
  public SimulatorScript engineProtocolFailure() {
    return failNext(SimulatorFailure.engineProtocolFailure());
  }

  /**
   * After {@code afterTokens} pieces, a streaming answer sends {@code data: {"error":{"message":...}}} and ends
   * without {@code [DONE]}; a non-streaming answer becomes a 400 with that error object. {@code /v1/responses} streams
   * {@code response.failed} instead and {@code /v1/messages} Anthropic's {@code error} event, each without its
   * terminal event; their non-streaming 400 is in the route's error shape.
   */
  public synchronized SimulatorScript midStreamError(int afterTokens, String message) {
    return midStreamError(afterTokens, message, false);
  }

  /**
   * As {@link #midStreamError(int, String)}, optionally preceded by an {@code event: error} line (live probe form).
   * The named-event streams ({@code /v1/responses}, {@code /v1/messages}) always have their event line.
   */
  public synchronized SimulatorScript midStreamError(int afterTokens, String message, boolean eventLine) {
    this.midStreamErrorAfter = nonNegative(afterTokens, "afterTokens");
    this.midStreamErrorMessage = requireNonNull(message, "message");
    this.midStreamErrorEventLine = eventLine;
    return this;
  }

  /**
   * After {@code tokens} pieces the server closes the connection: no error, no {@code [DONE]} (nor
   * {@code response.completed}, {@code message_stop}), no last chunk.
   */
  public synchronized SimulatorScript abruptCloseAfter(int tokens) {
    this.abruptCloseAfter = nonNegative(tokens, "tokens");
    return this;
  }

  /**
   * When true, inference for a model without a loaded instance answers 400 "No models loaded" instead of loading it
   * just in time, until a {@code POST /api/v1/models/load}: the JIT flakiness of reference §6, for retry-after-load.
   */
  public synchronized SimulatorScript requireLoadBeforeInference(boolean required) {
    this.requireLoadBeforeInference = required;
    return this;
  }

  /**
   * The next inference request (chat, completions, embeddings, responses, messages) finds the model it names unloaded: every loaded
   * instance of that model goes just before the request is handled, as when a TTL expiry, an auto-evict or another
   * client's unload lands between a proxy's load and its request. The request is then handled as usual, so it gets
   * "No models loaded" under {@link #requireLoadBeforeInference(boolean)} and a JIT load otherwise. A name that
   * resolves to no model evicts nothing. Fires once, then clears itself.
   */
  public synchronized SimulatorScript evictBeforeNextInference() {
    this.evictBeforeNextInference = true;
    return this;
  }

  /**
   * The "Max Concurrent Predictions" every loaded instance reports as {@code config.parallel} in
   * {@code /api/v1/models} (LM Studio's default is 4). Only reported: the simulator runs any number at once.
   */
  public synchronized SimulatorScript parallel(int predictions) {
    if (predictions < 1) {
      throw new IllegalArgumentException("parallel must be at least 1, got " + predictions);
    }
    this.parallel = predictions;
    return this;
  }

  synchronized int parallel() {
    return parallel;
  }

  /** How long an explicit load or a JIT load takes (the request waits, on a timer). */
  public synchronized SimulatorScript loadDelay(Duration delay) {
    this.loadDelay = nonNegative(delay, "loadDelay");
    return this;
  }

  /** Overrides the final {@code finish_reason} (e.g. {@code "length"}); null restores the computed one. */
  public synchronized SimulatorScript finishReason(String reason) {
    this.finishReason = reason;
    return this;
  }

  /** Overrides the reported usage; the total is their sum. */
  public synchronized SimulatorScript usage(int promptTokens, int completionTokens) {
    this.usagePrompt = promptTokens;
    this.usageCompletion = completionTokens;
    return this;
  }

  /**
   * When true, a streamed chat answer sends no usage chunk even with {@code include_usage}, as OpenAI-compatible
   * servers that ignore {@code stream_options} do.
   */
  public synchronized SimulatorScript omitUsage(boolean omit) {
    this.omitUsage = omit;
    return this;
  }

  /**
   * When true, a streamed chat answer ends cleanly after its last chunk but without {@code data: [DONE]};
   * {@code /v1/responses} ends without {@code response.completed} and {@code /v1/messages} without
   * {@code message_stop}, each after every other event.
   */
  public synchronized SimulatorScript omitDone(boolean omit) {
    this.omitDone = omit;
    return this;
  }

  /** After {@code tokens} pieces the stream goes silent for {@code duration}, then carries on: a stalled engine. */
  public synchronized SimulatorScript stallAfter(int tokens, Duration duration) {
    this.stallAfter = nonNegative(tokens, "tokens");
    this.stall = nonNegative(duration, "duration");
    return this;
  }

  /**
   * After {@code tokens} pieces the answer drips: one byte per {@code interval}, forever, never completing an event
   * (a streamed answer sends the start of a {@code data:} line and then letters) nor a body (a non-streamed answer
   * sends a 200 and the start of its JSON): a backend that is alive but makes no progress. It stops when the client
   * leaves.
   */
  public synchronized SimulatorScript dripAfter(int tokens, Duration interval) {
    this.dripAfter = nonNegative(tokens, "tokens");
    if (nonNegative(interval, "interval").isZero()) {
      throw new IllegalArgumentException("interval must be positive");
    }
    this.dripInterval = interval;
    return this;
  }

  /**
   * Requests to exactly {@code path} wait {@code delay} after they arrived (they are recorded at once) before they are
   * handled, as a route of a backend under load does (a {@code /v1/models} that takes seconds); zero removes it. A
   * client that leaves meanwhile gets nothing.
   */
  public synchronized SimulatorScript routeDelay(String path, Duration delay) {
    if (nonNegative(delay, "delay").isZero()) {
      routeDelays.remove(requireNonNull(path, "path"));
    } else {
      routeDelays.put(requireNonNull(path, "path"), delay);
    }
    return this;
  }

  synchronized Duration routeDelay(String path) {
    return routeDelays.getOrDefault(path, Duration.ZERO);
  }

  /**
   * When true, the connection is closed right after each inference answer ended, although the answer announced
   * keep-alive: what llama-server does after every stream, so that a client reusing the connection at once finds it
   * closed under its next request.
   */
  public synchronized SimulatorScript closeConnectionAfterEachAnswer(boolean close) {
    this.closeAfterAnswer = close;
    return this;
  }

  synchronized boolean closeAfterAnswer() {
    return closeAfterAnswer;
  }

  /**
   * Every answer on {@code path} (model lists, embeddings) is followed by spaces up to {@code totalBytes} in all, and
   * declares that length: a valid JSON answer as large as a backend with thousands of models, or a huge batch, sends.
   * Answers already longer are sent as they are; {@link #reset()} ends the padding.
   */
  public synchronized SimulatorScript padAnswers(String path, long totalBytes) {
    paddedAnswers.put(requireNonNull(path, "path"), nonNegative(totalBytes, "totalBytes"));
    return this;
  }

  /**
   * When true, chat completions that ask for {@code logprobs} get them, in llama-server's shape (see
   * {@code SimLogprobs}); by default they get {@code "logprobs":null}, as LM Studio's chat completions answer
   * (lmstudio-ai/lms#60).
   */
  public synchronized SimulatorScript answerLogprobs(boolean answer) {
    this.answerLogprobs = answer;
    return this;
  }

  /** The size answers on {@code path} are padded to, or 0. */
  synchronized long paddingFor(String path) {
    return paddedAnswers.getOrDefault(path, 0L);
  }

  synchronized ScriptSnapshot snapshot() {
    return new ScriptSnapshot(tokens, tokensExplicit, tokenInterval, reasoning, reasoningField, List.copyOf(toolCalls),
        prefillDelay, headersDuringPrefill, midStreamErrorAfter, midStreamErrorMessage, midStreamErrorEventLine,
        abruptCloseAfter, requireLoadBeforeInference, loadDelay, finishReason, usagePrompt, usageCompletion,
        omitUsage, omitDone, stallAfter, stall, dripAfter, dripInterval, answerLogprobs);
  }

  /** The failure this inference request must answer with, or null; consumes one queued failure. */
  synchronized SimulatorFailure takeFailure() {
    SimulatorFailure next = nextFailures.poll();
    return next != null ? next : alwaysFailure;
  }

  /** Whether this inference request must evict its model first; consumes {@link #evictBeforeNextInference()}. */
  synchronized boolean takeEviction() {
    boolean evict = evictBeforeNextInference;
    evictBeforeNextInference = false;
    return evict;
  }

  synchronized Duration loadDelay() {
    return loadDelay;
  }

  private static Duration nonNegative(Duration d, String name) {
    requireNonNull(d, name);
    if (d.isNegative()) {
      throw new IllegalArgumentException(name + " must not be negative: " + d);
    }
    return d;
  }

  private static long nonNegative(long n, String name) {
    if (n < 0) {
      throw new IllegalArgumentException(name + " must not be negative: " + n);
    }
    return n;
  }

  private static int nonNegative(int n, String name) {
    if (n < 0) {
      throw new IllegalArgumentException(name + " must not be negative: " + n);
    }
    return n;
  }
}
