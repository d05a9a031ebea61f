package io.github.ollamalmstudioproxy.server;

import io.github.ollamalmstudioproxy.catalog.CatalogSnapshot;
import io.github.ollamalmstudioproxy.metrics.ProxyMetrics;
import io.github.ollamalmstudioproxy.ollama.OllamaError;
import io.github.ollamalmstudioproxy.server.Routes.Trait;
import io.github.ollamalmstudioproxy.translate.pull.DownloadTarget;
import io.github.ollamalmstudioproxy.translate.pull.PullRequest;
import io.github.ollamalmstudioproxy.upstream.Backend;
import io.github.ollamalmstudioproxy.upstream.Fleet;
import java.util.Optional;

/**
 * {@code POST /api/pull}: validates the name (400 in Ollama's words), maps it to an LM Studio download, and streams
 * Ollama's progress while the backend downloads ({@link PullLines}). Backends without a download API answer 501.
 */
final class PullRoutes {
  static final String NO_DOWNLOAD_API = "pulling models is not supported by this backend: it has no download API "
      + "(LM Studio 0.4 or later has one); download the model in LM Studio or with lms get";

  private final JsonBodyReader bodies;
  private final Fleet fleet;
  private final ProxyMetrics metrics;

  PullRoutes(JsonBodyReader bodies, Fleet fleet, ProxyMetrics metrics) {
    this.bodies = bodies;
    this.fleet = fleet;
    this.metrics = metrics;
  }

  void register(Routes routes) {
    routes.post("/api/pull", this::pull, Trait.BACKEND, Trait.BODY_FIRST);
  }

  private void pull(RequestScope scope) {
    bodies.read(scope).compose(body -> {
      PullRequest request = PullRequest.parse(body);
      scope.model(request.name());
      return fleet.members().map(members -> {
        // Downloads go to the first backend that can download (LM Studio 0.4): the one that is listed first.
        Fleet.Member member = members.stream().filter(m -> m.snapshot().source().canDownload()).findFirst()
            .orElse(members.get(0));
        serve(scope, member.backend(), request, target(member.snapshot(), request.name()));
        return null;
      });
    }).onFailure(e -> Replies.fail(scope, e));
  }

  /**
   * The download for {@code name}; empty when the name is not one LM Studio can download but the catalog already
   * lists it (a name taken from {@code /api/tags}, such as {@code qwen3-4b:latest}): then there is nothing to pull.
   */
  private static Optional<DownloadTarget> target(CatalogSnapshot snapshot, String name) {
    if (!snapshot.source().canDownload()) {
      throw new OllamaError(501, NO_DOWNLOAD_API);
    }
    try {
      return Optional.of(DownloadTarget.of(name));
    } catch (OllamaError refused) {
      try {
        snapshot.resolve(name);
        return Optional.empty();
      } catch (OllamaError unknown) {
        throw refused;
      }
    }
  }

  private void serve(RequestScope scope, Backend backend, PullRequest request, Optional<DownloadTarget> target) {
    PullLines lines = new PullLines(scope, metrics, target.orElse(null), request.stream());
    lines.start();
    if (target.isEmpty()) {
      lines.alreadyDownloaded();
      return;
    }
    Runnable leave = backend.pull(target.get(), lines);
    // The client's hang-up ends its watch at once; the download itself is LM Studio's (it documents no cancel).
    scope.onCancel(leave);
  }
}
