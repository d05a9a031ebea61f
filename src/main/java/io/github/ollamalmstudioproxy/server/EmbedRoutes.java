package io.github.ollamalmstudioproxy.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.ollamalmstudioproxy.backend.BoundedBody.Limit;
import io.github.ollamalmstudioproxy.backend.BoundedBody.Sink;
import io.github.ollamalmstudioproxy.backend.Buffers;
import io.github.ollamalmstudioproxy.catalog.CatalogSnapshot;
import io.github.ollamalmstudioproxy.catalog.ResolvedModel;
import io.github.ollamalmstudioproxy.ollama.OllamaError;
import io.github.ollamalmstudioproxy.server.Routes.Trait;
import io.github.ollamalmstudioproxy.translate.embed.EmbedBodies;
import io.github.ollamalmstudioproxy.translate.embed.EmbedRequest;
import io.github.ollamalmstudioproxy.translate.embed.OpenAiEmbeddings;
import io.github.ollamalmstudioproxy.upstream.Backend;
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

  private final Backend backend;
  private final JsonBodyReader bodies;

  EmbedRoutes(Backend backend, JsonBodyReader bodies) {
    this.backend = backend;
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
      return backend.catalog().snapshot().compose(snapshot -> {
        ResolvedModel model = embeddingModel(snapshot, request.model());
        if (request.inputs().isEmpty()) {
          return Future.succeededFuture(answer(scope, request, null));
        }
        return backend.post(scope, model, EmbedRequest.PATH, request.openAiBody(model.backendId()), ANSWER,
            () -> reader(request.inputs().size())).map(sent -> answer(scope, request, sent));
      });
    }).onSuccess(view -> Replies.json(scope, Buffers.wrap(view))).onFailure(e -> Replies.fail(scope, e));
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

  /**
   * Resolves the name, worded the way Ollama's embed routes word "not found" (clients offer a pull on seeing it),
   * and refuses a model that cannot embed where the catalog knows it.
   */
  private static ResolvedModel embeddingModel(CatalogSnapshot snapshot, String model) {
    ResolvedModel resolved;
    try {
      resolved = snapshot.resolve(model);
    } catch (OllamaError e) {
      if (e.status() == 404) {
        throw new OllamaError(404, "model \"" + model + "\" not found, try pulling it first");
      }
      throw e;
    }
    if (snapshot.source().embedsOnlyWithEmbeddingModels() && !resolved.model().isEmbedding()) {
      throw OllamaError.badRequest("\"" + model + "\" does not support embedding");
    }
    return resolved;
  }
}
