package io.github.ollamalmstudioproxy.server;

import io.github.ollamalmstudioproxy.catalog.CatalogSnapshot;
import io.github.ollamalmstudioproxy.catalog.CatalogSource;
import io.github.ollamalmstudioproxy.catalog.ResolvedModel;
import io.github.ollamalmstudioproxy.ollama.OllamaError;
import io.github.ollamalmstudioproxy.server.Routes.Trait;
import io.github.ollamalmstudioproxy.translate.BackendDialect;
import io.github.ollamalmstudioproxy.translate.ChatRequest;
import io.github.ollamalmstudioproxy.translate.GenerateRequest;
import io.github.ollamalmstudioproxy.translate.LoadResponse;
import io.github.ollamalmstudioproxy.translate.OllamaToOpenAi;
import io.github.ollamalmstudioproxy.translate.StreamSettings;
import io.github.ollamalmstudioproxy.translate.Think;
import io.github.ollamalmstudioproxy.translate.UpstreamRequest;
import io.github.ollamalmstudioproxy.upstream.Backend;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.time.Clock;
import java.util.function.BiFunction;

/**
 * {@code /api/chat} and {@code /api/generate}: validate, resolve the model name against the catalog (an unknown name
 * is a 404 before anything reaches the backend), answer load and unload requests, and relay the rest.
 */
final class ChatRoutes {
  private final JsonBodyReader bodies;
  private final Backend backend;
  private final TranslatedRelay relay;
  private final AliasBodies aliases;
  private final Clock clock = Clock.systemUTC();

  ChatRoutes(JsonBodyReader bodies, Backend backend, TranslatedRelay relay, AliasBodies aliases) {
    this.bodies = bodies;
    this.backend = backend;
    this.relay = relay;
    this.aliases = aliases;
  }

  void register(Routes routes) {
    routes.post("/api/chat", this::chat, Trait.BACKEND, Trait.BODY_FIRST)
        .post("/api/generate", this::generate, Trait.BACKEND, Trait.BODY_FIRST);
  }

  private void chat(RequestScope scope) {
    bodies.read(scope).map(body -> {
      ChatRequest request = ChatRequest.parse(aliases.chat(body));
      return new Turn("chat", request.model(), request.stream(), request.isLoadRequest(), request.isUnloadRequest(),
          request.think(), StreamSettings.of(request),
          (backendId, dialect) -> OllamaToOpenAi.chat(request, backendId, dialect));
    }).compose(turn -> serve(scope, turn)).onFailure(e -> Replies.fail(scope, e));
  }

  private void generate(RequestScope scope) {
    bodies.read(scope).map(body -> {
      GenerateRequest request = GenerateRequest.parse(aliases.generate(body));
      return new Turn("generate", request.model(), request.stream(), request.isLoadRequest(),
          request.isUnloadRequest(), request.think(), StreamSettings.of(request),
          (backendId, dialect) -> OllamaToOpenAi.generate(request, backendId, dialect));
    }).compose(turn -> serve(scope, turn)).onFailure(e -> Replies.fail(scope, e));
  }

  /** What chat and generate have in common once their bodies are validated. */
  private record Turn(String route, String model, boolean stream, boolean load, boolean unload, Think think,
      StreamSettings settings, BiFunction<String, BackendDialect, UpstreamRequest> upstream) {}

  private Future<Void> serve(RequestScope scope, Turn turn) {
    scope.model(turn.model());
    return backend.catalog().snapshot().compose(snapshot -> {
      ResolvedModel model = completionModel(snapshot, turn.model(), turn.route(), turn.unload());
      if (turn.load()) {
        return loadOrUnload(scope, snapshot, model, turn.settings(), turn.unload());
      }
      refuseThinkingWithout(snapshot.source(), model, turn);
      UpstreamRequest upstream = turn.upstream().apply(model.backendId(), Backend.dialect(snapshot));
      relay.run(scope, backend, snapshot, model, upstream, turn.settings(), turn.stream());
      return Future.succeededFuture();
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
   * Asking a model that cannot think to think is a 400 in Ollama. Only where the catalog reports reasoning support
   * is the refusal grounded; elsewhere the request is passed on and the backend decides.
   */
  private static void refuseThinkingWithout(CatalogSource source, ResolvedModel model, Turn turn) {
    if (turn.think() != null && turn.think().enabled() && source.reportsThinking()
        && !model.model().capabilities().thinking()) {
      throw OllamaError.badRequest("\"" + turn.model() + "\" does not support thinking");
    }
  }

  /** Ollama's preload and eject: plain JSON at once, no generation, even when streaming was asked for. */
  private Future<Void> loadOrUnload(RequestScope scope, CatalogSnapshot snapshot, ResolvedModel model,
      StreamSettings settings, boolean unload) {
    Future<?> done = unload ? backend.unload(scope, snapshot, model) : backend.load(scope, snapshot, model);
    return done.onSuccess(v -> Replies.json(scope, Buffer.buffer(LoadResponse.body(settings, unload, clock))))
        .mapEmpty();
  }
}
