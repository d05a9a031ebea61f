package io.github.ollamalmstudioproxy.server;

import io.github.ollamalmstudioproxy.metrics.ProxyMetrics;
import io.github.ollamalmstudioproxy.ollama.OllamaError;
import io.github.ollamalmstudioproxy.translate.pull.DownloadJob;
import io.github.ollamalmstudioproxy.translate.pull.DownloadTarget;
import io.github.ollamalmstudioproxy.translate.pull.PullProgress;
import io.github.ollamalmstudioproxy.upstream.PullWatcher;
import io.vertx.core.buffer.Buffer;
import java.util.List;

/**
 * One pull's answer: Ollama's progress lines as the download reports come in, or, with {@code stream:false}, the one
 * object at the end. Reports arrive on the backend client's threads and are written on the request's own context.
 */
final class PullLines implements PullWatcher {
  private final RequestScope scope;
  private final DownloadTarget target;
  private final boolean stream;
  private final LineResponse lines;

  /** @param target null when there is nothing to download (the model is listed already) */
  PullLines(RequestScope scope, ProxyMetrics metrics, DownloadTarget target, boolean stream) {
    this.scope = scope;
    this.target = target;
    this.stream = stream;
    this.lines = new LineResponse(scope, metrics, "application/x-ndjson");
  }

  /** Ollama writes {@code pulling manifest} before it asks the registry anything (images.go PullModel). */
  void start() {
    if (stream) {
      lines.write(PullProgress.MANIFEST);
    }
  }

  @Override
  public void progress(DownloadJob job) {
    if (!stream) {
      return;
    }
    scope.context().runOnContext(v -> {
      // A client that reads slower than the polls gets fewer lines, never a queue: each line says it all.
      if (!scope.response().writeQueueFull()) {
        lines.write(PullProgress.progress(target, job));
      }
    });
  }

  @Override
  public void completed() {
    finish(PullProgress.FINISHED);
  }

  /** Nothing was downloaded, so there is nothing to verify nor write: success at once. */
  @Override
  public void alreadyDownloaded() {
    finish(List.of(PullProgress.SUCCESS_LINE));
  }

  private void finish(List<byte[]> finished) {
    scope.context().runOnContext(v -> {
      if (!stream) {
        Replies.json(scope, Buffer.buffer(PullProgress.SUCCESS));
        return;
      }
      for (int i = 0; i < finished.size() - 1; i++) {
        lines.write(finished.get(i));
      }
      lines.end(finished.get(finished.size() - 1));
    });
  }

  /**
   * Streamed, one {@code {"error"}} line ends the stream (routes.go streamResponse); not streamed, the status is 500
   * whatever failed, as waitForStream answers an error that carries no status of its own.
   */
  @Override
  public void failed(OllamaError error) {
    scope.context().runOnContext(v -> Replies.fail(scope, stream ? error
        : new OllamaError(500, error.getMessage(), error.getCause())));
  }
}
