package io.github.ollamalmstudioproxy.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.ollamalmstudioproxy.api.OllamaError;
import io.github.ollamalmstudioproxy.backend.IdleWatch;
import io.github.ollamalmstudioproxy.backend.StreamingPost;
import io.github.ollamalmstudioproxy.catalog.ResolvedModel;
import io.github.ollamalmstudioproxy.backend.UpstreamStream;
import io.github.ollamalmstudioproxy.metrics.ProxyMetrics;
import io.github.ollamalmstudioproxy.translate.BackendErrors;
import io.github.ollamalmstudioproxy.translate.RequestTimes;
import io.github.ollamalmstudioproxy.translate.ResponseAggregator;
import io.github.ollamalmstudioproxy.translate.SsePipe;
import io.github.ollamalmstudioproxy.translate.StreamSettings;
import io.github.ollamalmstudioproxy.translate.StreamTranslator;
import io.github.ollamalmstudioproxy.translate.UpstreamHandler;
import io.github.ollamalmstudioproxy.translate.UpstreamRequest;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one translated request: sends the OpenAI request upstream (always streaming), feeds the SSE answer through
 * the translator, and writes Ollama NDJSON lines as they come, or one aggregated JSON object.
 *
 * <p>The transport stays thin: every decision about content lives in the pure translator.
 */
final class TranslatedRelay {
  private static final Logger log = LoggerFactory.getLogger(TranslatedRelay.class);

  private final StreamingPost post;
  private final BackendAttempts attempts;
  private final OllamaReplies replies;
  private final ObjectMapper json;
  private final ProxyMetrics metrics;
  private final Clock clock = Clock.systemUTC();

  TranslatedRelay(StreamingPost post, BackendAttempts attempts, OllamaReplies replies, ObjectMapper json,
      ProxyMetrics metrics) {
    this.post = post;
    this.attempts = attempts;
    this.replies = replies;
    this.json = json;
    this.metrics = metrics;
  }

  /** Sends {@code request} upstream and relays the answer; {@code loadNanos} is the time already spent loading. */
  void run(RequestScope scope, ResolvedModel model, UpstreamRequest request, StreamSettings settings, boolean stream,
      long loadNanos) {
    if (!request.ignored().isEmpty() && log.isDebugEnabled()) {
      log.debug("{} ignored (the backend cannot honour them): {}", scope.id(), request.ignored());
    }
    Buffer body;
    try {
      body = Buffer.buffer(json.writeValueAsBytes(request.body()));
    } catch (JsonProcessingException e) {
      replies.fail(scope, e);
      return;
    }
    attempts.run(scope, model, loadNanos, () -> post.send(request.path(), body, scope))
        .onSuccess(sent -> relay(scope, sent.value(), settings, stream, sent.loadNanos()))
        .onFailure(e -> replies.fail(scope, e));
  }

  private void relay(RequestScope scope, UpstreamStream upstream, StreamSettings settings, boolean stream,
      long loadNanos) {
    if (scope.cancelled()) {
      upstream.abort();
      return;
    }
    RequestTimes times = new RequestTimes(scope.startNanos(), upstream.sentNanos(),
        loadNanos > 0 ? loadNanos : RequestTimes.NO_LOAD);
    HttpClientResponse answer = upstream.response();
    if (stream) {
      NdjsonResponse out = new NdjsonResponse(scope, answer, metrics);
      boolean[] failed = {false};
      StreamTranslator translator = new StreamTranslator(settings, times, clock);
      SsePipe pipe = new SsePipe(translator, line -> {
        failed[0] |= NdjsonResponse.isError(line);
        writeStreamed(scope, out, line);
      }, System::nanoTime);
      scope.onShutdownCutOff(() -> {
        pipe.cancel();
        upstream.abort();
        out.end();
      });
      feed(upstream, pipe, () -> failed[0], broken -> {
        if (!out.started() && broken instanceof TimeoutException) {
          // Nothing reached the client yet: a timeout is a 504 like any other before the first byte.
          replies.fail(scope, broken);
        }
        pipe.fail(brokenMessage(broken));
      }, ended -> {
        if (!ended) {
          // The stream ended early (an error line): stop the backend instead of letting it generate.
          upstream.abort();
        }
        recordTokens(translator);
        out.end();
      });
    } else {
      ResponseAggregator aggregator = new ResponseAggregator(settings, times, clock);
      SsePipe pipe = new SsePipe(aggregator, line -> {}, System::nanoTime);
      feed(upstream, pipe, () -> aggregator.failure() != null, broken -> {
        if (broken instanceof TimeoutException) {
          replies.fail(scope, broken);
        }
        pipe.fail(brokenMessage(broken));
      }, ended -> {
        if (!ended) {
          upstream.abort();
        }
        recordTokens(aggregator);
        if (aggregator.failure() != null) {
          replies.fail(scope, aggregator.failure());
        } else {
          replies.json(scope, Buffer.buffer(aggregator.body()));
        }
      });
    }
  }

  private void recordTokens(UpstreamHandler handler) {
    long prompt = handler.promptTokens();
    long completion = handler.completionTokens();
    metrics.tokens(prompt >= 0 ? prompt : null, completion >= 0 ? completion : null);
  }

  private static String brokenMessage(Throwable broken) {
    return broken instanceof TimeoutException
        ? "the backend went silent: " + broken.getMessage()
        : "the backend connection broke off mid-response: " + broken.getMessage();
  }

  /** An error line before any output becomes a proper error status: the client has received nothing yet. */
  private void writeStreamed(RequestScope scope, NdjsonResponse out, byte[] line) {
    if (!out.started() && NdjsonResponse.isError(line)) {
      String text = new String(line, StandardCharsets.UTF_8).trim();
      OllamaError error = BackendErrors.toOllamaError(500, text);
      replies.fail(scope, error);
      return;
    }
    out.write(line);
  }

  /**
   * Feeds the backend body into {@code pipe}. {@code onFinished} runs once: when the body ended by itself (true), or
   * when the translator gave up early on an error (false), in which case the backend must be stopped. After a normal
   * final line the backend body ends on its own right after, so it is not reset: its connection can be reused.
   */
  private void feed(UpstreamStream upstream, SsePipe pipe, java.util.function.BooleanSupplier failed,
      java.util.function.Consumer<Throwable> onBroken, java.util.function.Consumer<Boolean> onFinished) {
    HttpClientResponse answer = upstream.response();
    boolean[] finished = {false};
    IdleWatch[] watch = {null};
    java.util.function.Consumer<Boolean> finishOnce = ended -> {
      if (!finished[0]) {
        finished[0] = true;
        watch[0].stop();
        onFinished.accept(ended);
      }
    };
    watch[0] = post.watchIdle(() -> {
      if (!finished[0]) {
        onBroken.accept(watch[0].timeout());
        finishOnce.accept(false);
      }
    });
    answer.handler(buffer -> {
      watch[0].touch();
      byte[] bytes = buffer.getBytes();
      pipe.feed(bytes, 0, bytes.length);
      if (pipe.isFinished() && failed.getAsBoolean()) {
        finishOnce.accept(false);
      }
    });
    answer.endHandler(v -> {
      pipe.end();
      finishOnce.accept(true);
    });
    answer.exceptionHandler(e -> {
      if (!finished[0]) {
        onBroken.accept(e);
      }
      finishOnce.accept(false);
    });
    answer.resume();
  }
}
