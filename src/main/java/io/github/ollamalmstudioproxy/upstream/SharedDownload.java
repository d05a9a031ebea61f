package io.github.ollamalmstudioproxy.upstream;

import io.github.ollamalmstudioproxy.backend.BackendClient;
import io.github.ollamalmstudioproxy.backend.BackendHttpError;
import io.github.ollamalmstudioproxy.backend.BoundedBody;
import io.github.ollamalmstudioproxy.backend.CancelSignal;
import io.github.ollamalmstudioproxy.backend.JsonPost;
import io.github.ollamalmstudioproxy.backend.TransportFailures;
import io.github.ollamalmstudioproxy.ollama.OllamaError;
import io.github.ollamalmstudioproxy.translate.pull.DownloadJob;
import io.github.ollamalmstudioproxy.translate.pull.DownloadTarget;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One backend download job and every pull watching it: started with one {@code POST /api/v1/models/download}, then
 * polled at {@link #POLL_MILLIS} until it ends, each report passed to every watcher.
 *
 * <p>It stops polling when its last watcher leaves. LM Studio documents no way to cancel a download, so the job goes
 * on in LM Studio; a later pull of the same model asks LM Studio again.
 */
final class SharedDownload {
  private static final Logger log = LoggerFactory.getLogger(SharedDownload.class);
  /** Often enough for a progress bar that moves; a status answer is a few hundred bytes. */
  static final long POLL_MILLIS = 250;
  /** A job report is a few hundred bytes; anything near this is not one. */
  private static final long MAX_REPORT_BYTES = 64 * 1024;

  private final DownloadTarget target;
  private final Vertx vertx;
  private final JsonPost post;
  private final BackendClient http;
  private final TransportFailures failures;
  private final Runnable onCompleted;
  private final Runnable onEnded;
  private final List<PullWatcher> watchers = new ArrayList<>();
  private DownloadJob last;
  private boolean started;
  private boolean ended;
  private long timer = -1;

  /**
   * @param onCompleted runs once the model is downloaded, before any watcher hears it (the catalog's refresh)
   * @param onEnded runs once when this job is no longer watched or polled (its removal from the running ones)
   */
  SharedDownload(DownloadTarget target, Vertx vertx, JsonPost post, BackendClient http, TransportFailures failures,
      Runnable onCompleted, Runnable onEnded) {
    this.target = target;
    this.vertx = vertx;
    this.post = post;
    this.http = http;
    this.failures = failures;
    this.onCompleted = onCompleted;
    this.onEnded = onEnded;
  }

  /** Adds a watcher, who hears the last report at once; false when this job already ended (join a new one). */
  boolean join(PullWatcher watcher) {
    DownloadJob replay;
    boolean first;
    synchronized (this) {
      if (ended) {
        return false;
      }
      watchers.add(watcher);
      replay = last;
      first = !started;
      started = true;
    }
    if (first) {
      log.info("downloading {} on the backend", target.key());
      post.send("/api/v1/models/download", Buffer.buffer(target.requestBody()), CancelSignal.NEVER)
          .onSuccess(answer -> report(answer.toString()))
          .onFailure(e -> fail(e));
    } else if (replay != null) {
      watcher.progress(replay);
    }
    return true;
  }

  /** The watcher's pull is over (its client hung up): the last one to leave stops the polling. */
  void leave(PullWatcher watcher) {
    synchronized (this) {
      if (!watchers.remove(watcher) || !watchers.isEmpty() || ended) {
        return;
      }
      ended = true;
      if (timer >= 0) {
        vertx.cancelTimer(timer);
      }
    }
    log.info("nobody watches the download of {} any more; it goes on in LM Studio, unwatched", target.key());
    onEnded.run();
  }

  private void poll(String jobId) {
    String path = "/api/v1/models/download/status/" + URLEncoder.encode(jobId, StandardCharsets.UTF_8);
    http.getMetadata(path, new BoundedBody.Limit(MAX_REPORT_BYTES, "download status (GET " + path + ")", null))
        .onSuccess(reply -> {
          if (reply.status() == 404) {
            fail(new OllamaError(502, "the backend no longer knows the download of \"" + target.model() + "\" (job "
                + jobId + " vanished)"));
          } else if (reply.status() / 100 != 2) {
            fail(new BackendHttpError(reply.status(), reply.body().toString()));
          } else {
            report(reply.body().toString());
          }
        })
        .onFailure(this::fail);
  }

  private void report(String body) {
    DownloadJob job;
    try {
      job = DownloadJob.parse(body);
    } catch (OllamaError e) {
      fail(e);
      return;
    }
    switch (job.state()) {
      case DOWNLOADING, PAUSED -> {
        if (publish(job)) {
          schedule(job.jobId());
        }
      }
      case COMPLETED -> {
        publish(job);
        onCompleted.run();
        log.info("downloaded {}", target.key());
        end(PullWatcher::completed);
      }
      case ALREADY_DOWNLOADED -> {
        onCompleted.run();
        end(PullWatcher::alreadyDownloaded);
      }
      case FAILED -> fail(job.failure(target));
    }
  }

  /** Passes a report to every watcher; false when nobody watches any more. */
  private boolean publish(DownloadJob job) {
    List<PullWatcher> now;
    synchronized (this) {
      if (ended) {
        return false;
      }
      last = job;
      now = List.copyOf(watchers);
    }
    now.forEach(w -> w.progress(job));
    return true;
  }

  private synchronized void schedule(String jobId) {
    if (!ended) {
      timer = vertx.setTimer(POLL_MILLIS, t -> poll(jobId));
    }
  }

  private void fail(Throwable cause) {
    Throwable mapped = Failures.toOllama(cause, failures);
    OllamaError error = mapped instanceof OllamaError e ? e : new OllamaError(500, "internal error", mapped);
    log.warn("downloading {} failed: {}", target.key(), error.getMessage());
    end(w -> w.failed(error));
  }

  private void end(Consumer<PullWatcher> how) {
    List<PullWatcher> now;
    synchronized (this) {
      if (ended) {
        return;
      }
      ended = true;
      now = List.copyOf(watchers);
    }
    onEnded.run();
    now.forEach(how);
  }
}
