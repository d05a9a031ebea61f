package io.github.ollamalmstudioproxy.upstream;

import static java.util.Objects.requireNonNull;

import io.github.ollamalmstudioproxy.backend.BackendHttpError;
import io.github.ollamalmstudioproxy.backend.CancelSignal;
import io.github.ollamalmstudioproxy.backend.JsonPost;
import io.github.ollamalmstudioproxy.ollama.Json;
import io.github.ollamalmstudioproxy.ollama.OllamaError;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Unloads a model on an OpenAI-compatible server that manages its own models, found out by what it answers: llama-server
 * in router mode ({@code POST /models/unload} with {@code {"model":id}}) or llama-swap
 * ({@code POST /api/models/unload/<id>}). Both model lists look alike ({@code status.value}), so the list cannot tell
 * them apart; the unload routes can: each server answers the other's with 404 (docs/backends.md). The first route that
 * answers is remembered and tried first from then on.
 *
 * <p>A server with neither (vLLM, llama-server with one model: both keep their model for their whole life) gets a 501
 * that says so, instead of a success that would leave the model loaded behind the client's back.
 */
final class ServerUnloads {
  /** One way of asking a server to unload a model. */
  enum Route {
    LLAMA_SERVER_ROUTER("POST /models/unload") {
      @Override
      String path(String id) {
        return "/models/unload";
      }

      @Override
      Buffer body(String id) {
        return Buffer.buffer(Json.NODES.objectNode().put("model", id).toString());
      }
    },
    LLAMA_SWAP("POST /api/models/unload/{model}") {
      @Override
      String path(String id) {
        // llama-swap matches {model...} against the rest of the path, so a publisher's slash stays a slash.
        List<String> segments = new ArrayList<>();
        for (String segment : id.split("/", -1)) {
          segments.add(URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20"));
        }
        return "/api/models/unload/" + String.join("/", segments);
      }

      @Override
      Buffer body(String id) {
        return Buffer.buffer("{}");
      }
    };

    private final String label;

    Route(String label) {
      this.label = label;
    }

    abstract String path(String id);

    abstract Buffer body(String id);
  }

  private final JsonPost post;
  private volatile Route known;

  ServerUnloads(JsonPost post) {
    this.post = requireNonNull(post, "post");
  }

  /** Asks the server to unload {@code id}; fails with 501 when it has no unload route, else with its own error. */
  Future<Void> unload(String id, CancelSignal cancel) {
    List<Route> order = new ArrayList<>(List.of(Route.values()));
    Route first = known;
    if (first != null) {
      order.remove(first);
      order.add(0, first);
    }
    return attempt(order, 0, id, cancel);
  }

  private Future<Void> attempt(List<Route> order, int i, String id, CancelSignal cancel) {
    if (i == order.size()) {
      known = null;
      return Future.failedFuture(new OllamaError(501, "unloading is not supported by this backend: it answered "
          + labels(order) + " with 404 (vLLM and a llama-server started with one model keep it loaded while they run)"));
    }
    Route route = order.get(i);
    return post.send(route.path(id), route.body(id), cancel).<Void>map(answer -> {
      known = route;
      return null;
    }).recover(e -> isMissingRoute(e) ? attempt(order, i + 1, id, cancel) : Future.failedFuture(e));
  }

  /**
   * 404 or 405: the route does not exist there. Where it exists, a model the server does not know or does not run is
   * a 400 from llama-server ({@code model is not found}, {@code model is not running}) and a 404 with a sentence from
   * llama-swap, which is then tried on the next route too and ends in the 501; the proxy only asks for models the list
   * just showed as loaded.
   */
  private static boolean isMissingRoute(Throwable e) {
    return e instanceof BackendHttpError answer && (answer.status() == 404 || answer.status() == 405);
  }

  private static String labels(List<Route> order) {
    List<String> out = new ArrayList<>();
    order.forEach(r -> out.add(r.label));
    return String.join(" and ", out);
  }
}
