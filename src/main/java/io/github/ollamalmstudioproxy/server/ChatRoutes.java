package io.github.ollamalmstudioproxy.server;

import io.github.ollamalmstudioproxy.api.OllamaError;
import io.github.ollamalmstudioproxy.catalog.CatalogSnapshot;
import io.github.ollamalmstudioproxy.catalog.CatalogSource;
import io.github.ollamalmstudioproxy.catalog.ResolvedModel;
import io.github.ollamalmstudioproxy.translate.ChatRequest;
import io.github.ollamalmstudioproxy.translate.GenerateRequest;
import io.github.ollamalmstudioproxy.translate.LoadResponse;
import io.github.ollamalmstudioproxy.translate.OllamaToOpenAi;
import io.github.ollamalmstudioproxy.translate.ResponseFormat;
import io.github.ollamalmstudioproxy.translate.StreamSettings;
import io.github.ollamalmstudioproxy.translate.Think;
import io.github.ollamalmstudioproxy.translate.UpstreamRequest;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.time.Clock;
import java.util.function.Function;

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
    bodies.read(scope).map(body -> {
      ChatRequest request = ChatRequest.parse(body);
      return new Turn("chat", request.model(), request.stream(), request.isLoadRequest(), request.isUnloadRequest(),
          request.think(), StreamSettings.of(request), backendId -> OllamaToOpenAi.chat(request, backendId));
    }).compose(turn -> serve(scope, turn)).onFailure(e -> replies.fail(scope, e));
  }

  private void generate(RequestScope scope) {
    bodies.read(scope).map(body -> {
      GenerateRequest request = GenerateRequest.parse(body);
      return new Turn("generate", request.model(), request.stream(), request.isLoadRequest(),
          request.isUnloadRequest(), request.think(), StreamSettings.of(request),
          backendId -> OllamaToOpenAi.generate(request, backendId));
    }).compose(turn -> serve(scope, turn)).onFailure(e -> replies.fail(scope, e));
  }

  /** What chat and generate have in common once their bodies are validated. */
  private record Turn(String route, String model, boolean stream, boolean load, boolean unload, Think think,
      StreamSettings settings, Function<String, UpstreamRequest> upstream) {}

  private Future<Void> serve(RequestScope scope, Turn turn) {
    scope.model(turn.model());
    return catalog.snapshot().compose(snapshot -> {
      ResolvedModel model = completionModel(snapshot, turn.model(), turn.route(), turn.unload());
      if (turn.load()) {
        return loadOrUnload(scope, snapshot, model, turn.settings(), turn.unload());
      }
      refuseThinkingWithout(snapshot, model, turn);
      UpstreamRequest upstream = turn.upstream().apply(model.backendId());
      if (snapshot.source() == CatalogSource.OPENAI) {
        ResponseFormat.preferJsonObject(upstream.body());
      }
      return loads.ensureLoaded(snapshot, model, scope)
          .onSuccess(loadNanos -> relay.run(scope, model, upstream, turn.settings(), turn.stream(), loadNanos))
          .mapEmpty();
    });
  }

  /**
   * Resolves the name and refuses embedding models as Ollama does ({@code "<model>" does not support chat}), before
   * anything reaches the backend: LM Studio would load the embedding model first and only then fail. Unloading one
   * stays allowed.
   */
  private static ResolvedModel completionModel(CatalogSnapshot snapshot, String name, String route, boolean unload) {
    ResolvedModel model = snapshot.resolve(name);
    if (!unload && model.model().isEmbedding()) {
      throw OllamaError.badRequest("\"" + name + "\" does not support " + route);
    }
    return model;
  }

  /**
   * Asking a model that cannot think to think is a 400 in Ollama. Only LM Studio 0.4+ reports reasoning support
   * reliably ({@code capabilities.reasoning}); elsewhere the request is passed on and the backend decides.
   */
  private static void refuseThinkingWithout(CatalogSnapshot snapshot, ResolvedModel model, Turn turn) {
    if (turn.think() != null && turn.think().enabled() && snapshot.source() == CatalogSource.LMSTUDIO_V1
        && !model.model().capabilities().thinking()) {
      throw OllamaError.badRequest("\"" + turn.model() + "\" does not support thinking");
    }
  }

  /** Ollama's preload and eject: plain JSON at once, no generation, even when streaming was asked for. */
  private Future<Void> loadOrUnload(RequestScope scope, CatalogSnapshot snapshot, ResolvedModel model,
      StreamSettings settings, boolean unload) {
    Future<?> done = unload ? loads.unload(snapshot, model, scope) : loads.ensureLoaded(snapshot, model, scope);
    return done.onSuccess(v -> replies.json(scope, Buffer.buffer(LoadResponse.body(settings, unload, clock))))
        .mapEmpty();
  }

}
