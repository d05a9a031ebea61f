package io.github.ollamalmstudioproxy.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.ollamalmstudioproxy.api.OllamaError;
import io.github.ollamalmstudioproxy.backend.JsonPost;
import io.github.ollamalmstudioproxy.catalog.CatalogSnapshot;
import io.github.ollamalmstudioproxy.catalog.CatalogSource;
import io.github.ollamalmstudioproxy.catalog.ResolvedModel;
import io.github.ollamalmstudioproxy.catalog.embed.EmbedBodies;
import io.github.ollamalmstudioproxy.catalog.embed.EmbeddingMath;
import io.github.ollamalmstudioproxy.catalog.embed.OpenAiEmbeddings;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code /api/embed} (batch, L2-normalised, optional {@code dimensions}) and the legacy {@code /api/embeddings}
 * ({@code prompt} in, one {@code embedding} out), both over one {@code /v1/embeddings} call.
 */
final class EmbedRoutes {
  private final ModelCatalogService catalog;
  private final JsonBodyReader bodies;
  private final OllamaReplies replies;
  private final JsonPost post;
  private final BackendAttempts attempts;
  private final ObjectMapper json;

  EmbedRoutes(ModelCatalogService catalog, JsonBodyReader bodies, OllamaReplies replies, JsonPost post,
      BackendAttempts attempts, ObjectMapper json) {
    this.attempts = attempts;
    this.catalog = catalog;
    this.bodies = bodies;
    this.replies = replies;
    this.post = post;
    this.json = json;
  }

  void register(Routes routes) {
    routes.post("/api/embed", this::embed).post("/api/embeddings", this::legacy);
  }

  private void embed(RequestScope scope) {
    bodies.read(scope).compose(body -> {
      String model = requiredModel(body);
      scope.model(model);
      List<String> inputs = inputs(body.get("input"));
      Integer dimensions = dimensions(body.get("dimensions"));
      return catalog.snapshot().compose(snapshot -> {
        ResolvedModel resolved = resolve(snapshot, model);
        if (inputs.isEmpty()) {
          return Future.succeededFuture(EmbedBodies.embed(model, List.of(), null, null, null));
        }
        return fetch(scope, resolved, inputs).map(outcome -> EmbedBodies.embed(model,
            EmbeddingMath.normalizeAll(outcome.value().vectors(), dimensions), System.nanoTime() - scope.startNanos(),
            outcome.loadNanos() > 0 ? outcome.loadNanos() : null, promptCount(outcome.value())));
      });
    }).onSuccess(view -> replies.json(scope, view)).onFailure(e -> replies.fail(scope, e));
  }

  /** Ollama's legacy route: no normalisation, an empty prompt gives an empty vector. */
  private void legacy(RequestScope scope) {
    bodies.read(scope).compose(body -> {
      String model = requiredModel(body);
      scope.model(model);
      JsonNode prompt = body.get("prompt");
      if (prompt != null && !prompt.isNull() && !prompt.isTextual()) {
        throw OllamaError.badRequest("invalid value for 'prompt': expected a string");
      }
      String text = prompt == null || prompt.isNull() ? "" : prompt.asText();
      return catalog.snapshot().compose(snapshot -> {
        ResolvedModel resolved = resolve(snapshot, model);
        if (text.isEmpty()) {
          return Future.succeededFuture(EmbedBodies.legacyEmbedding(new double[0]));
        }
        return fetch(scope, resolved, List.of(text))
            .map(outcome -> EmbedBodies.legacyEmbedding(outcome.value().vectors().get(0)));
      });
    }).onSuccess(view -> replies.json(scope, view)).onFailure(e -> replies.fail(scope, e));
  }

  /** The backend's count, unless it is 0: LM Studio always reports 0, which is no count at all. */
  private static Integer promptCount(OpenAiEmbeddings.Result result) {
    return result.promptTokens() == null || result.promptTokens() == 0 ? null : result.promptTokens();
  }

  private Future<BackendAttempts.Outcome<OpenAiEmbeddings.Result>> fetch(RequestScope scope, ResolvedModel model,
      List<String> inputs) {
    ObjectNode request = json.createObjectNode().put("model", model.backendId());
    ArrayNode input = request.putArray("input");
    inputs.forEach(input::add);
    request.put("encoding_format", "float");
    Buffer body = Buffer.buffer(request.toString());
    return attempts.run(scope, model, 0, () -> post.send("/v1/embeddings", body, scope).map(answer -> {
      try {
        OpenAiEmbeddings.Result result = OpenAiEmbeddings.parse(json.readTree(answer.getBytes()));
        if (result.vectors().size() != inputs.size()) {
          throw new OllamaError(500, "backend returned " + result.vectors().size() + " embeddings for "
              + inputs.size() + " inputs");
        }
        return result;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }));
  }

  /** Ollama's embed routes word "not found" their own way, and clients offer a pull on seeing it. */
  private static ResolvedModel resolve(CatalogSnapshot snapshot, String model) {
    try {
      ResolvedModel resolved = snapshot.resolve(model);
      // LM Studio embeds only with embedding models and says "No models loaded" otherwise; its metadata is real, so
      // refuse up front with the reason. Other servers (llama-server with pooling) may embed with any model.
      if (snapshot.source() != CatalogSource.OPENAI && !resolved.model().isEmbedding()) {
        throw OllamaError.badRequest("\"" + model + "\" does not support embedding");
      }
      return resolved;
    } catch (OllamaError e) {
      if (e.status() == 404) {
        throw new OllamaError(404, "model \"" + model + "\" not found, try pulling it first");
      }
      throw e;
    }
  }

  private static String requiredModel(JsonNode body) {
    JsonNode model = body.get("model");
    if (model == null || model.isNull() || (model.isTextual() && model.asText().isEmpty())) {
      throw OllamaError.badRequest("model is required");
    }
    if (!model.isTextual()) {
      throw OllamaError.badRequest("invalid value for 'model': expected a string");
    }
    return model.asText();
  }

  static List<String> inputs(JsonNode input) {
    List<String> inputs = new ArrayList<>();
    if (input == null || input.isNull()) {
      return inputs;
    }
    if (input.isTextual()) {
      if (!input.asText().isEmpty()) {
        inputs.add(input.asText());
      }
      return inputs;
    }
    if (!input.isArray()) {
      throw OllamaError.badRequest("invalid input type");
    }
    for (JsonNode item : input) {
      if (!item.isTextual()) {
        throw OllamaError.badRequest("invalid input type");
      }
      inputs.add(item.asText());
    }
    return inputs;
  }

  private static Integer dimensions(JsonNode node) {
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.canConvertToExactIntegral() || !node.isNumber()) {
      throw OllamaError.badRequest("invalid value for 'dimensions': expected an integer");
    }
    return node.asInt();
  }
}
