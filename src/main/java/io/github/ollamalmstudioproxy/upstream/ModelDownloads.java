package io.github.ollamalmstudioproxy.upstream;

import io.github.ollamalmstudioproxy.backend.BackendClient;
import io.github.ollamalmstudioproxy.backend.JsonPost;
import io.github.ollamalmstudioproxy.backend.TransportFailures;
import io.github.ollamalmstudioproxy.translate.pull.DownloadTarget;
import io.vertx.core.Vertx;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Downloads on one backend, one job per model at a time: a second pull of a model that is downloading joins the
 * running job (single flight), as Ollama's pulls of one blob share one download ({@code server/download.go},
 * {@code blobDownloadManager}). Only for backends with LM Studio 0.4's download API.
 */
final class ModelDownloads {
  private final Vertx vertx;
  private final JsonPost post;
  private final BackendClient http;
  private final TransportFailures failures;
  private final CatalogService catalog;
  private final Map<String, SharedDownload> running = new ConcurrentHashMap<>();

  ModelDownloads(Vertx vertx, JsonPost post, BackendClient http, TransportFailures failures, CatalogService catalog) {
    this.vertx = vertx;
    this.post = post;
    this.http = http;
    this.failures = failures;
    this.catalog = catalog;
  }

  /** Watches the download of {@code target}, started now if none runs; the returned action ends this watch. */
  Runnable watch(DownloadTarget target, PullWatcher watcher) {
    while (true) {
      SharedDownload[] mine = new SharedDownload[1];
      SharedDownload shared = running.computeIfAbsent(target.key(), key -> mine[0] = new SharedDownload(target,
          vertx, post, http, failures, catalog::invalidate, () -> running.remove(key, mine[0])));
      if (shared.join(watcher)) {
        return () -> shared.leave(watcher);
      }
      // It ended between the lookup and the join; it is (being) removed, so the next lookup starts a new one.
      running.remove(target.key(), shared);
    }
  }
}
