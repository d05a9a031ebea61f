package io.github.ollamalmstudioproxy.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.github.ollamalmstudioproxy.catalog.AliasDefinitions;
import io.github.ollamalmstudioproxy.catalog.alias.AliasStore;
import io.github.ollamalmstudioproxy.catalog.alias.CreateRequest;
import io.github.ollamalmstudioproxy.catalog.alias.ModelAlias;
import io.github.ollamalmstudioproxy.catalog.alias.ModelAliases;
import io.github.ollamalmstudioproxy.upstream.Fleet;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import java.time.Clock;
import java.util.function.UnaryOperator;

/**
 * {@code /api/create}, {@code /api/copy} and {@code /api/delete} for aliases: decided against the catalog
 * ({@link AliasDefinitions}), then written to the models file off the event loop. Every answer is given only once
 * the file is written, so a failed write is a 500 with its reason, never a success line followed by an error.
 */
final class AliasRoutes {
  private static final String NDJSON = "application/x-ndjson";

  private final Fleet fleet;
  private final JsonBodyReader bodies;
  private final AliasStore store;
  private final Clock clock;

  AliasRoutes(Fleet fleet, JsonBodyReader bodies, AliasStore store, Clock clock) {
    this.fleet = fleet;
    this.bodies = bodies;
    this.store = store;
    this.clock = clock;
  }

  void register(Routes routes) {
    routes.post("/api/create", this::create)
        .post("/api/copy", this::copy)
        .add(HttpMethod.DELETE, "/api/delete", this::delete);
    routes.prefix("/api/blobs/", scope -> Replies.error(scope, 501, CreateRequest.NO_FILES));
  }

  /** Streams Ollama's status lines and {@code {"status":"success"}}; with {@code stream:false} only the last. */
  private void create(RequestScope scope) {
    bodies.read(scope).compose(body -> {
      CreateRequest request = CreateRequest.parse(body);
      scope.model(request.name());
      return fleet.catalog().compose(snapshot -> {
        AliasDefinitions.Created created = AliasDefinitions.create(snapshot, request, clock.instant());
        return write(scope, aliases -> aliases.with(created.alias()))
            .map(written -> request.stream() ? lines(created) : status("success"));
      }).map(answer -> {
        Replies.send(scope, 200, request.stream() ? NDJSON : Replies.JSON, answer);
        return answer;
      });
    }).onFailure(e -> Replies.fail(scope, e));
  }

  /** Ollama answers a copy with 200 and no body ({@code CopyHandler}). */
  private void copy(RequestScope scope) {
    bodies.read(scope).compose(body -> {
      String source = text(body, "source");
      String destination = text(body, "destination");
      scope.model(source);
      return fleet.catalog().compose(snapshot -> {
        ModelAlias copy = AliasDefinitions.copy(snapshot, source, destination, clock.instant());
        return write(scope, aliases -> aliases.with(copy));
      });
    }).onSuccess(v -> Replies.send(scope, 200, null, Buffer.buffer()))
        .onFailure(e -> Replies.fail(scope, e));
  }

  /** {@code model}, or the deprecated {@code name} that ollama-js still sends; 200 and no body, as Ollama answers. */
  private void delete(RequestScope scope) {
    bodies.read(scope).compose(body -> {
      String name = text(body, "model");
      if (name == null || name.isEmpty()) {
        name = text(body, "name");
      }
      scope.model(name);
      String named = name;
      return fleet.catalog().compose(snapshot -> {
        ModelAlias gone = AliasDefinitions.delete(snapshot, named);
        return write(scope, aliases -> aliases.without(gone.name()));
      });
    }).onSuccess(v -> Replies.send(scope, 200, null, Buffer.buffer()))
        .onFailure(e -> Replies.fail(scope, e));
  }

  /** The file write, off the event loop: it touches the disk, and another replica's file system may be slow. */
  private Future<ModelAliases> write(RequestScope scope, UnaryOperator<ModelAliases> change) {
    return scope.context().executeBlocking(() -> store.update(change), false);
  }

  private static Buffer lines(AliasDefinitions.Created created) {
    Buffer out = Buffer.buffer();
    created.statuses().forEach(s -> out.appendBuffer(status(s)).appendString("\n"));
    return out.appendBuffer(status("success")).appendString("\n");
  }

  private static Buffer status(String status) {
    return Buffer.buffer(JsonNodeFactory.instance.objectNode().put("status", status).toString());
  }

  private static String text(JsonNode body, String field) {
    JsonNode v = body == null ? null : body.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      throw io.github.ollamalmstudioproxy.ollama.OllamaError.badRequest("json: cannot unmarshal "
          + v.getNodeType().toString().toLowerCase(java.util.Locale.ROOT) + " into Go struct field ." + field
          + " of type string");
    }
    return v.textValue();
  }
}
