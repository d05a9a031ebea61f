package io.github.ollamalmstudioproxy.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.ollamalmstudioproxy.backend.BoundedBody.Limit;
import io.github.ollamalmstudioproxy.backend.BoundedBody.Sink;
import io.github.ollamalmstudioproxy.backend.Buffers;
import io.github.ollamalmstudioproxy.ollama.OllamaError;
import io.github.ollamalmstudioproxy.server.Routes.Trait;
import io.github.ollamalmstudioproxy.translate.embed.EmbedBodies;
import io.github.ollamalmstudioproxy.translate.embed.EmbedRequest;
import io.github.ollamalmstudioproxy.translate.embed.OpenAiEmbeddings;
import io.github.ollamalmstudioproxy.upstream.Fleet;
import io.github.ollamalmstudioproxy.upstream.Route;
import io.github.ollamalmstudioproxy.upstream.Sent;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.util.List;
import java.util.function.Function;

/**
 * {@code /api/embed} (batch, L2-normalised, optional {@code dimensions}) and the legacy {@code /api/embeddings}
 * ({@code prompt} in, one {@code embedding} out), both over one {@code /v1/embeddings} call.
 */
final class EmbedRoutes {
  /** How much of the backend's embeddings answer is read (see {@link OpenAiEmbeddings#MAX_ANSWER_BYTES}). */
  private static final Limit ANSWER = new Limit(OpenAiEmbeddings.MAX_ANSWER_BYTES,
      "embeddings answer (POST " + EmbedRequest.PATH + ")", "embed fewer inputs per request");

  private final Fleet fleet;
  private final JsonBodyReader bodies;

  EmbedRoutes(Fleet fleet, JsonBodyReader bodies) {
    this.fleet = fleet;
    this.bodies = bodies;
  }

  void register(Routes routes) {
    routes.post("/api/embed", scope -> serve(scope, EmbedRequest::parse), Trait.BACKEND, Trait.BODY_FIRST)
        .post("/api/embeddings", scope -> serve(scope, EmbedRequest::parseLegacy), Trait.BACKEND, Trait.BODY_FIRST);
  }

  private void serve(RequestScope scope, Function<JsonNode, EmbedRequest> parse) {
    bodies.read(scope).compose(body -> {
      EmbedRequest request = parse.apply(body);
      scope.model(request.model());
      return fleet.route(scope, request.model(), 0).recover(e -> Future.failedFuture(notFound(e, request.model())))
          .compose(route -> {
            refuseNonEmbedding(route, request.model());
            if (request.inputs().isEmpty()) {
              return Future.succeededFuture(answer(scope, request, null));
            }
            return post(scope, route, request).map(sent -> answer(scope, request, sent));
          });
    }).onSuccess(view -> Replies.json(scope, Buffers.wrap(view))).onFailure(e -> Replies.fail(scope, e));
  }

  /** Posts the embeddings request on {@code route}, moving to the next backend if this one fails before answering. */
  private Future<Sent<OpenAiEmbeddings.Result>> post(RequestScope scope, Route route, EmbedRequest request) {
    return route.backend().post(scope, route.model(), EmbedRequest.PATH,
        request.openAiBody(route.model().backendId()), ANSWER, () -> reader(request.inputs().size())).recover(e -> {
          Route next = route.failover(e);
          return next == null ? Future.failedFuture(e) : post(scope, next, request);
        });
  }

  /** The backend's answer read as it arrives, vector by vector (see {@link OpenAiEmbeddings}). */
  private static Sink<OpenAiEmbeddings.Result> reader(int inputs) {
    OpenAiEmbeddings reader = new OpenAiEmbeddings(inputs);
    return new Sink<>() {
      @Override
      public void chunk(Buffer chunk) {
        byte[] bytes = chunk.getBytes();
        reader.feed(bytes, 0, bytes.length);
      }

      @Override
      public OpenAiEmbeddings.Result end() {
        return reader.finish();
      }
    };
  }

  /** The Ollama body for the backend's answer; {@code sent} is null for an empty input, answered without a call. */
  private static byte[] answer(RequestScope scope, EmbedRequest request, Sent<OpenAiEmbeddings.Result> sent) {
    OpenAiEmbeddings.Result result = sent == null ? null : checked(sent.value(), request.inputs().size());
    if (request.legacy()) {
      return EmbedBodies.legacyEmbedding(result == null ? new float[0] : result.vectors().get(0));
    }
    long total = System.nanoTime() - scope.startNanos();
    if (result == null) {
      // Nothing to embed, nothing sent: no load, no tokens (Ollama's empty answer omits the zeros; clients need them).
      return EmbedBodies.embed(request.model(), List.of(), null, total, 0, 0);
    }
    // load_duration as Ollama's checkpointLoaded - checkpointStart: until the backend request went out, loads included.
    return EmbedBodies.embed(request.model(), result.vectors(), request.dimensions(), total,
        sent.sentNanos() - scope.startNanos(), result.promptTokens() == null ? 0 : result.promptTokens());
  }

  private static OpenAiEmbeddings.Result checked(OpenAiEmbeddings.Result result, int inputs) {
    if (result.vectors().size() != inputs) {
      throw new OllamaError(500, "backend returned " + result.vectors().size() + " embeddings for " + inputs
          + " inputs");
    }
    return result;
  }

  /** "Not found" worded the way Ollama's embed routes word it (clients offer a pull on seeing it). */
  private static Throwable notFound(Throwable e, String model) {
    return e instanceof OllamaError error && error.status() == 404
        ? new OllamaError(404, "model \"" + model + "\" not found, try pulling it first") : e;
  }

  /** Refuses a model that cannot embed where the catalog knows it. */
  private static void refuseNonEmbedding(Route route, String model) {
    if (route.snapshot().source().embedsOnlyWithEmbeddingModels() && !route.model().model().isEmbedding()) {
      throw OllamaError.badRequest("\"" + model + "\" does not support embedding");
    }
  }
}
