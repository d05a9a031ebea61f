package io.github.ollamalmstudioproxy.server;

import io.github.ollamalmstudioproxy.backend.BodyPump;
import io.github.ollamalmstudioproxy.backend.IdleWatch;
import io.github.ollamalmstudioproxy.backend.Buffers;
import io.github.ollamalmstudioproxy.backend.UpstreamStream;
import io.github.ollamalmstudioproxy.config.Durations;
import io.github.ollamalmstudioproxy.metrics.ProxyMetrics;
import io.github.ollamalmstudioproxy.ollama.OllamaError;
import io.github.ollamalmstudioproxy.translate.LoadProgressLines;
import io.github.ollamalmstudioproxy.translate.Output;
import io.github.ollamalmstudioproxy.translate.Output.Ending;
import io.github.ollamalmstudioproxy.translate.RequestTimes;
import io.github.ollamalmstudioproxy.translate.SseFeed;
import io.github.ollamalmstudioproxy.translate.StreamSettings;
import io.github.ollamalmstudioproxy.translate.StreamTranslation;
import io.github.ollamalmstudioproxy.translate.StreamTranslator;
import io.github.ollamalmstudioproxy.translate.UpstreamRequest;
import io.github.ollamalmstudioproxy.upstream.Backend;
import io.github.ollamalmstudioproxy.upstream.Route;
import io.github.ollamalmstudioproxy.upstream.Sent;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one translated request: sends the OpenAI request upstream (always streaming), feeds the SSE answer through
 * the translator, and writes what it returns: lines as they come (Ollama NDJSON, or the SSE events of the Anthropic
 * and Responses APIs), or one aggregated JSON object, framed as the client's {@link AnswerFormat} says.
 *
 * <p>The transport stays thin: every decision about content lives in the pure translator, every decision about the
 * form of an answer in the request's {@link ResponseState}. Whatever ends an answer early (a failure, a bound, the
 * {@code --aggregate-timeout} of a {@code stream:false} answer) resets the backend request.
 */
final class TranslatedRelay {
  private static final Logger log = LoggerFactory.getLogger(TranslatedRelay.class);

  /** A read of the backend body is one token's event or a few: the scratch array starts at that size. */
  private static final int SCRATCH = 512;
  private static final int MAX_SCRATCH = 64 * 1024;

  private final ProxyMetrics metrics;
  private final Duration aggregateTimeout;
  private final Duration loadProgress;
  private final Clock clock = Clock.systemUTC();

  /**
   * @param aggregateTimeout how long a {@code stream:false} answer may take to collect ({@code --aggregate-timeout})
   * @param loadProgress how often a streamed Ollama answer waiting for its model to load is told so; zero: never
   */
  TranslatedRelay(ProxyMetrics metrics, Duration aggregateTimeout, Duration loadProgress) {
    this.metrics = metrics;
    this.aggregateTimeout = aggregateTimeout;
    this.loadProgress = loadProgress;
  }

  /** What a translated route hands the relay once the backend answers: the translator and the answer's framing. */
  record Translation(StreamTranslation translator, AnswerFormat format) {}

  /**
   * A shorter request to replay after the backend refused one (Ollama's {@code truncate}), or null to answer the
   * refusal. Asked only before any byte reached the client.
   */
  interface Shorter {
    Shorter NONE = (refusal, route) -> null;

    UpstreamRequest after(OllamaError refusal, Route route);
  }

  /**
   * The backend request for the backend a route chose, in that backend's model id and dialect: built again when the
   * request moves to another backend. May throw the {@link OllamaError} of a request that cannot be translated.
   */
  interface Request {
    UpstreamRequest on(Route route);
  }

  /** Sends the request upstream on {@code route} and relays the Ollama answer, streamed or aggregated. */
  void run(RequestScope scope, Route route, Request request, StreamSettings settings, boolean stream,
      Shorter shorter) {
    // Only Ollama's own streams: the Anthropic and OpenAI APIs have no field a client would show this in.
    if (stream && !loadProgress.isZero()) {
      scope.loadListener(new LoadProgress(scope, metrics, new LoadProgressLines(settings, clock), loadProgress));
    }
    run(scope, route, request.on(route), request, stream, times -> new Translation(stream
        ? StreamTranslator.streaming(settings, times, clock)
        : StreamTranslator.aggregating(settings, times, clock), AnswerFormat.OLLAMA), shorter);
  }

  /** The same for any client API: {@code translation} makes the translator once the request's times are known. */
  void run(RequestScope scope, Route route, Request request, boolean stream,
      Function<RequestTimes, Translation> translation) {
    run(scope, route, request.on(route), request, stream, translation, Shorter.NONE);
  }

  private void run(RequestScope scope, Route route, UpstreamRequest upstream, Request request, boolean stream,
      Function<RequestTimes, Translation> translation, Shorter shorter) {
    if (!upstream.ignored().isEmpty() && log.isDebugEnabled()) {
      log.debug("{} ignored (the backend cannot honour them): {}", scope.id(),
          LogText.escape(String.join(", ", upstream.ignored())));
    }
    Backend backend = route.backend();
    Runnable answered = () -> backend.answered(route.snapshot(), route.model(), upstream.ttlSeconds());
    backend.stream(scope, route.snapshot(), route.model(), upstream.path(), upstream.body(), upstream.numCtx())
        .onSuccess(sent -> relay(scope, backend, sent, stream, translation, answered))
        .onFailure(e -> {
          if (scope.cancelled()) {
            Replies.fail(scope, e);
            return;
          }
          UpstreamRequest shorterOne = e instanceof OllamaError refusal ? shorter.after(refusal, route) : null;
          if (shorterOne != null) {
            run(scope, route, shorterOne, request, stream, translation, shorter);
            return;
          }
          Route next = route.failover(e);
          if (next == null) {
            Replies.fail(scope, e);
            return;
          }
          UpstreamRequest again;
          try {
            again = request.on(next);
          } catch (RuntimeException bad) {
            Replies.fail(scope, bad);
            return;
          }
          run(scope, next, again, request, stream, translation, shorter);
        });
  }

  private void relay(RequestScope scope, Backend backend, Sent<UpstreamStream> sent, boolean stream,
      Function<RequestTimes, Translation> translation, Runnable answered) {
    UpstreamStream upstream = sent.value();
    // The backend took the request and answers: the body and what was built from it are garbage now.
    scope.releaseBody();
    if (scope.cancelled()) {
      upstream.abort();
      return;
    }
    RequestTimes times = RequestTimes.sentAt(scope.startNanos(), upstream.sentNanos());
    Relay relay = new Relay(scope, backend, translation.apply(times), answered);
    relay.pump = upstream.pump(scope.response(), scope, relay);
    if (stream) {
      scope.onShutdownCutOff(relay::cutOff);
    } else {
      relay.bound(scope.context().owner());
    }
    relay.pump.start();
  }

  /** One answer in flight: the body pump's sink, writing what the translator returns. */
  private final class Relay implements BodyPump.Sink {
    private final RequestScope scope;
    private final Backend backend;
    private final StreamTranslation translator;
    private final AnswerFormat format;
    private final SseFeed feed;
    private final LineResponse out;
    /** Tells the backend's bookkeeping (idle expiries) that an answer ended normally. */
    private final Runnable answered;
    private BodyPump pump;
    /** The bytes of the current read; grows with the reads up to {@link #MAX_SCRATCH}, larger ones are copied alone. */
    private byte[] scratch = new byte[SCRATCH];
    private Vertx timers;
    private long timer = -1;

    Relay(RequestScope scope, Backend backend, Translation translation, Runnable answered) {
      this.scope = scope;
      this.backend = backend;
      this.answered = answered;
      this.translator = translation.translator();
      this.format = translation.format();
      this.feed = new SseFeed(translator, System::nanoTime);
      this.out = new LineResponse(scope, metrics, format.streamContentType());
    }

    @Override
    public void chunk(Buffer chunk) {
      int length = chunk.length();
      byte[] bytes;
      if (length <= MAX_SCRATCH) {
        if (scratch.length < length) {
          scratch = new byte[Math.min(MAX_SCRATCH, Math.max(length, 2 * scratch.length))];
        }
        // Copied into the relay's own array (the decoder keeps nothing of it past the call): no array per read.
        chunk.getBytes(0, length, scratch, 0);
        bytes = scratch;
      } else {
        bytes = chunk.getBytes();
      }
      long events = feed.events();
      Output output = feed.feed(bytes, 0, length);
      if (feed.events() != events) {
        // --idle-timeout counts complete events, not bytes: a backend dripping a never-ending event is silent.
        pump.progressed();
      }
      deliver(output);
    }

    @Override
    public void end() {
      deliver(feed.end());
    }

    @Override
    public void broken(Throwable cause) {
      backend.streamBroke(cause);
      deliver(feed.fail(brokenOff(cause)));
    }

    /**
     * A {@code stream:false} answer is collected for at most {@code --aggregate-timeout}; then it ends with a 500
     * and the backend is stopped. A client that leaves first stops the clock.
     */
    void bound(Vertx vertx) {
      timers = vertx;
      timer = vertx.setTimer(Math.max(1, aggregateTimeout.toMillis()), t -> {
        timer = -1;
        pump.finish(true);
        deliver(feed.fail(new OllamaError(500, "the answer took longer than " + Durations.format(aggregateTimeout)
            + ", the most the proxy collects a \"stream\":false answer for (--aggregate-timeout); ask with"
            + " \"stream\":true for longer answers")));
      });
      scope.onCancel(this::stopClock);
    }

    private void stopClock() {
      if (timer >= 0) {
        timers.cancelTimer(timer);
        timer = -1;
      }
    }

    /** A graceful shutdown's drain time is over: the final "cancelled" line, and the backend is stopped. */
    void cutOff() {
      pump.finish(true);
      deliver(feed.cancel());
    }

    private void deliver(Output output) {
      Ending ending = output.ending();
      // The final line of a streamed answer goes out with the end of the body, in one write.
      boolean endsWithLast = ending != null && !ending.failed() && ending.body() == null && output.count() > 0;
      int lines = endsWithLast ? output.count() - 1 : output.count();
      for (int i = 0; i < lines; i++) {
        out.write(output.line(i));
      }
      if (ending == null) {
        return;
      }
      stopClock();
      // After a failure the backend must stop generating; after a normal end only its [DONE] is left to read.
      pump.finish(ending.failed());
      recordTokens();
      if (ending.failed()) {
        failed(ending.failure());
        return;
      }
      answered.run();
      if (ending.body() != null) {
        Replies.json(scope, Buffers.wrap(ending.body()));
      } else if (endsWithLast) {
        out.writeLastAndEnd(output.line(lines));
      } else {
        out.end();
      }
    }

    /** A failure: under its own status before the client got a byte, as the stream's last line after it. */
    private void failed(OllamaError failure) {
      if (scope.cancelled() || scope.response().closed()) {
        return;
      }
      if (scope.state().notStarted()) {
        Replies.send(scope, failure.status(), Replies.JSON, Buffer.buffer(format.failureBody(failure)));
      } else {
        out.end(format.failureLine(failure));
      }
    }

    /**
     * The words for a body that broke off. Before the client got a byte, silence is a timeout like any other (504);
     * after it the message says what happened in the middle of the answer.
     */
    private OllamaError brokenOff(Throwable cause) {
      // The exception's own text goes to the log (through the error's cause), never into the client's answer.
      if (cause instanceof TimeoutException) {
        return scope.state().notStarted() ? backend.transportFailure(cause)
            : new OllamaError(504, cause instanceof IdleWatch.Silence ? "the backend went silent: " + cause.getMessage()
                : "the backend went silent", cause);
      }
      log.warn("{} backend response broke off: {}", scope.id(), LogText.escape(cause.toString()));
      return new OllamaError(500, "the backend connection broke off mid-response", cause);
    }

    private void recordTokens() {
      long prompt = translator.promptTokens();
      long completion = translator.completionTokens();
      metrics.tokens(prompt >= 0 ? prompt : null, completion >= 0 ? completion : null);
    }
  }
}
