package io.github.ollamalmstudioproxy.server;

import io.github.ollamalmstudioproxy.catalog.CatalogSnapshot;
import io.github.ollamalmstudioproxy.catalog.CatalogSource;
import io.github.ollamalmstudioproxy.catalog.RequiredCapabilities;
import io.github.ollamalmstudioproxy.catalog.ResolvedModel;
import io.github.ollamalmstudioproxy.ollama.OllamaError;
import io.github.ollamalmstudioproxy.server.Routes.Trait;
import io.github.ollamalmstudioproxy.translate.BackendDialect;
import io.github.ollamalmstudioproxy.translate.BackendErrors;
import io.github.ollamalmstudioproxy.translate.ChatRequest;
import io.github.ollamalmstudioproxy.translate.GenerateRequest;
import io.github.ollamalmstudioproxy.translate.HistoryTruncation;
import io.github.ollamalmstudioproxy.translate.LoadResponse;
import io.github.ollamalmstudioproxy.translate.OllamaToOpenAi;
import io.github.ollamalmstudioproxy.translate.StreamSettings;
import io.github.ollamalmstudioproxy.translate.Think;
import io.github.ollamalmstudioproxy.translate.UpstreamRequest;
import io.github.ollamalmstudioproxy.translate.PrefixKey;
import io.github.ollamalmstudioproxy.upstream.Fleet;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /api/chat} and {@code /api/generate}: validate, resolve the model name against the catalog (an unknown name
 * is a 404 before anything reaches the backend), answer load and unload requests, and relay the rest.
 */
final class ChatRoutes {
  private static final Logger log = LoggerFactory.getLogger(ChatRoutes.class);
  private final JsonBodyReader bodies;
  private final Fleet fleet;
  private final TranslatedRelay relay;
  private final AliasBodies aliases;
  private final Clock clock = Clock.systemUTC();

  ChatRoutes(JsonBodyReader bodies, Fleet fleet, TranslatedRelay relay, AliasBodies aliases) {
    this.bodies = bodies;
    this.fleet = fleet;
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
          request.think(), request.tools() != null, request.hasImages(), StreamSettings.of(request),
          request.options().numCtx(), PrefixKey.of(request),
          (model, dialect) -> OllamaToOpenAi.chat(request, model.backendId(), dialect), request);
    }).compose(turn -> serve(scope, turn)).onFailure(e -> Replies.fail(scope, e));
  }

  private void generate(RequestScope scope) {
    bodies.read(scope).map(body -> {
      GenerateRequest request = GenerateRequest.parse(aliases.generate(body));
      return new Turn("generate", request.model(), request.stream(), request.isLoadRequest(),
          request.isUnloadRequest(), request.think(), false, !request.images().isEmpty(), StreamSettings.of(request),
          request.options().numCtx(), PrefixKey.ofGenerate(request),
          (model, dialect) -> InsertRoute.generate(request, model.model(), model.backendId(), dialect), null);
    }).compose(turn -> serve(scope, turn)).onFailure(e -> Replies.fail(scope, e));
  }

  /**
   * What chat and generate have in common once their bodies are validated.
   *
   * @param numCtx the context asked for, or null
   * @param affinity the conversation-prefix key routing keeps on one backend ({@link PrefixKey}); 0 for none
   * @param chat the chat request, whose history can be truncated; null for generate
   */
  private record Turn(String route, String model, boolean stream, boolean load, boolean unload, Think think,
      boolean tools, boolean images, StreamSettings settings, Integer numCtx, long affinity,
      BiFunction<ResolvedModel, BackendDialect, UpstreamRequest> upstream, ChatRequest chat) {}

  private Future<Void> serve(RequestScope scope, Turn turn) {
    scope.model(turn.model());
    if (turn.load() && turn.unload()) {
      return unload(scope, turn);
    }
    return fleet.route(scope, turn.model(), turn.affinity(), turn.numCtx() == null).compose(route -> {
      ResolvedModel model = completionModel(route.model(), turn.model(), turn.route());
      // Before the load answer too: Ollama checks capabilities while scheduling, which a preload also does.
      RequiredCapabilities.check(model, turn.tools(), turn.images());
      if (turn.load()) {
        return route.backend().load(scope, route.snapshot(), model, turn.numCtx()).onSuccess(v -> answerLoad(scope,
            turn)).mapEmpty();
      }
      refuseThinkingWithout(route.snapshot().source(), model, turn);
      TranslatedRelay.Request request = on -> turn.upstream().apply(on.model(), on.dialect());
      UpstreamRequest first = request.on(route);
      StreamSettings settings = first.answersNativeLlamaStream()
          ? turn.settings().forNativeLlamaStream() : turn.settings();
      TranslatedRelay.Shorter shorter = turn.chat() == null || !turn.chat().truncate() ? TranslatedRelay.Shorter.NONE
          : truncating(scope, turn.chat());
      relay.run(scope, route, on -> on == route ? first : request.on(on), settings, turn.stream(), shorter);
      return Future.succeededFuture();
    });
  }

  /**
   * Resolves the name and refuses embedding models as Ollama does ({@code "<model>" does not support chat}), before
   * anything reaches the backend: LM Studio would load the embedding model first and only then fail. Unloading one
   * stays allowed.
   */
  private static ResolvedModel completionModel(ResolvedModel model, String name, String route) {
    if (model.model().isEmbedding()) {
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

  /**
   * {@code truncate}: when the backend refuses the chat as longer than its context, the oldest history goes and the
   * chat is replayed ({@link HistoryTruncation}, after {@code server/prompt.go:35-77}); each round is logged, as
   * prompt.go logs its cut. {@code truncate:false} answers the backend's refusal, a 400, as it is.
   */
  private static TranslatedRelay.Shorter truncating(RequestScope scope, ChatRequest chat) {
    HistoryTruncation truncation = new HistoryTruncation(chat);
    return (refusal, route) -> {
      if (refusal.status() != 400 || !BackendErrors.isContextOverflow(refusal.getMessage())) {
        return null;
      }
      return truncation.after(refusal.getMessage()).map(shorter -> {
        log.info("{} the backend refused the chat as longer than its context ({}); truncating input messages which "
            + "exceed context length: {} of {} kept (truncate, round {} of {})", scope.id(),
            LogText.escape(refusal.getMessage()), shorter.messages().size(), chat.messages().size(),
            truncation.rounds(), HistoryTruncation.MAX_ROUNDS);
        return OllamaToOpenAi.chat(shorter, route.model().backendId(), route.dialect());
      }).orElse(null);
    };
  }

  /**
   * Ollama's eject ({@code keep_alive:0} without a prompt): every backend that has the model loaded unloads it. A name
   * no backend knows is the catalog's 404.
   */
  private Future<Void> unload(RequestScope scope, Turn turn) {
    return fleet.members().compose(members -> {
      List<Future<Void>> unloads = new ArrayList<>();
      for (Fleet.Member member : members) {
        ResolvedModel model = resolvedOrNull(member.snapshot(), turn.model());
        if (model != null && model.model().isLoaded()) {
          unloads.add(member.backend().unload(scope, member.snapshot(), model));
        }
      }
      if (unloads.isEmpty()) {
        // Loaded nowhere: the backend that has it answers as one backend always did, and a name none has is a 404.
        return fleet.holderOf(turn.model()).compose(holder -> holder.backend().unload(scope, holder.snapshot(),
            holder.model()));
      }
      return Future.all(unloads).mapEmpty();
    }).onSuccess(v -> answerLoad(scope, turn)).mapEmpty();
  }

  private static ResolvedModel resolvedOrNull(CatalogSnapshot snapshot, String name) {
    try {
      return snapshot.resolve(name);
    } catch (OllamaError e) {
      return null;
    }
  }

  /** Ollama's preload and eject answer: plain JSON at once, no generation, even when streaming was asked for. */
  private void answerLoad(RequestScope scope, Turn turn) {
    Replies.json(scope, Buffer.buffer(LoadResponse.body(turn.settings(), turn.unload(), clock)));
  }
}
