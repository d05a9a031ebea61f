package io.github.ollamalmstudioproxy.server;

import io.github.ollamalmstudioproxy.catalog.CatalogSnapshot;
import io.github.ollamalmstudioproxy.catalog.ResolvedModel;
import io.github.ollamalmstudioproxy.translate.ChatRequest;
import io.github.ollamalmstudioproxy.translate.GenerateRequest;
import io.github.ollamalmstudioproxy.translate.LoadResponse;
import io.github.ollamalmstudioproxy.translate.OllamaToOpenAi;
import io.github.ollamalmstudioproxy.translate.StreamSettings;
import io.github.ollamalmstudioproxy.translate.UpstreamRequest;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.time.Clock;

/**
 * {@code /api/chat} and {@code /api/generate}: validate, resolve the model name against the catalog (an unknown name
 * is a 404 before anything reaches the backend), answer load and unload requests, and relay the rest.
 */
final class ChatRoutes {
  private final JsonBodyReader bodies;
  private final ModelCatalogService catalog;
  private final ModelLoads loads;
  private final TranslatedRelay relay;
  private final OllamaReplies replies;
  private final Clock clock = Clock.systemUTC();

  ChatRoutes(JsonBodyReader bodies, ModelCatalogService catalog, ModelLoads loads, TranslatedRelay relay,
      OllamaReplies replies) {
    this.bodies = bodies;
    this.catalog = catalog;
    this.loads = loads;
    this.relay = relay;
    this.replies = replies;
  }

  void register(Routes routes) {
    routes.post("/api/chat", this::chat).post("/api/generate", this::generate);
  }

  private void chat(RequestScope scope) {
    bodies.read(scope).compose(body -> {
      ChatRequest request = ChatRequest.parse(body);
      scope.model(request.model());
      StreamSettings settings = StreamSettings.of(request);
      return catalog.snapshot().compose(snapshot -> {
        ResolvedModel model = snapshot.resolve(request.model());
        if (request.isLoadRequest()) {
          return loadOrUnload(scope, snapshot, model, settings, request.isUnloadRequest());
        }
        UpstreamRequest upstream = OllamaToOpenAi.chat(request, model.backendId());
        return loads.ensureLoaded(snapshot, model, scope)
            .onSuccess(loadNanos -> relay.run(scope, model, upstream, settings, request.stream(), loadNanos))
            .mapEmpty();
      });
    }).onFailure(e -> replies.fail(scope, e));
  }

  private void generate(RequestScope scope) {
    bodies.read(scope).compose(body -> {
      GenerateRequest request = GenerateRequest.parse(body);
      scope.model(request.model());
      StreamSettings settings = StreamSettings.of(request);
      return catalog.snapshot().compose(snapshot -> {
        ResolvedModel model = snapshot.resolve(request.model());
        if (request.isLoadRequest()) {
          return loadOrUnload(scope, snapshot, model, settings, request.isUnloadRequest());
        }
        UpstreamRequest upstream = OllamaToOpenAi.generate(request, model.backendId());
        return loads.ensureLoaded(snapshot, model, scope)
            .onSuccess(loadNanos -> relay.run(scope, model, upstream, settings, request.stream(), loadNanos))
            .mapEmpty();
      });
    }).onFailure(e -> replies.fail(scope, e));
  }

  /** Ollama's preload and eject: plain JSON at once, no generation, even when streaming was asked for. */
  private Future<Void> loadOrUnload(RequestScope scope, CatalogSnapshot snapshot, ResolvedModel model,
      StreamSettings settings, boolean unload) {
    Future<?> done = unload ? loads.unload(snapshot, model, scope) : loads.ensureLoaded(snapshot, model, scope);
    return done.onSuccess(v -> replies.json(scope, Buffer.buffer(LoadResponse.body(settings, unload, clock))))
        .mapEmpty();
  }

}
