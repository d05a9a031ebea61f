package io.github.ollamalmstudioproxy.catalog;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.ollamalmstudioproxy.ollama.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Fetches the richest model list the backend offers: {@code /api/v1/models}, then {@code /api/v0/models}, then
 * {@code /v1/models}, and remembers which one answered.
 *
 * <p>A route "answers" only with its own list shape: LM Studio 0.3.x replies to {@code /api/v1/models} with HTTP
 * 200 and {@code {"error":"Unexpected endpoint or method…"}}, so the status proves nothing. Once a route has
 * answered, later fetches start with it; if it stops answering (the backend was replaced or downgraded), the
 * probe starts over. A transport failure (connection refused, timeout) fails the fetch at once: the backend is
 * down, and trying other routes on it would only multiply the wait. Use it as the fetch of a
 * {@link RefreshingCache}.
 */
public final class ModelListProbe implements Supplier<CompletableFuture<CatalogListing>> {
  /** The backend answered, but none of the sources with a model list: it is up, and not what the proxy expects. */
  public static final class NoModelList extends RuntimeException {
    NoModelList(String message) {
      super(message, null, false, false);
    }
  }

  /** One GET reply: status and raw body text (null when there was no body). */
  public record Reply(int status, String body) {}

  private final Function<String, CompletableFuture<Reply>> httpGet;
  private final List<CatalogSource> allowed;
  private volatile CatalogSource remembered;

  /**
   * @param httpGet sends {@code GET <backend base URL><path>} and completes with the reply, or fails on transport
   *     errors
   * @param allowed the sources to try, richest first (normally {@link CatalogSource#probeOrder()}; a single entry
   *     forces one source)
   */
  public ModelListProbe(Function<String, CompletableFuture<Reply>> httpGet, List<CatalogSource> allowed) {
    this.httpGet = requireNonNull(httpGet, "httpGet");
    this.allowed = List.copyOf(allowed);
    if (this.allowed.isEmpty()) {
      throw new IllegalArgumentException("allowed must name at least one source");
    }
  }

  /** The source that answered last, if any. */
  public Optional<CatalogSource> detected() {
    return Optional.ofNullable(remembered);
  }

  @Override
  public CompletableFuture<CatalogListing> get() {
    List<CatalogSource> order = new ArrayList<>(allowed);
    CatalogSource known = remembered;
    if (known != null && order.remove(known)) {
      order.add(0, known);
    }
    return attempt(order, 0);
  }

  private CompletableFuture<CatalogListing> attempt(List<CatalogSource> order, int i) {
    if (i == order.size()) {
      remembered = null;
      return CompletableFuture.failedFuture(new NoModelList(
          "answered none of " + paths(order) + " with a model list"));
    }
    CatalogSource source = order.get(i);
    return httpGet.apply(source.path()).thenCompose(reply -> {
      Optional<List<BackendModel>> models = ModelListParser.parse(source, reply.status(), json(reply.body()));
      if (models.isPresent()) {
        remembered = source;
        return CompletableFuture.completedFuture(new CatalogListing(source, models.get()));
      }
      return attempt(order, i + 1);
    });
  }

  private static JsonNode json(String body) {
    if (body == null || body.isBlank()) {
      return null;
    }
    try {
      return Json.MAPPER.readTree(body);
    } catch (IOException e) {
      return null;
    }
  }

  private static String paths(List<CatalogSource> order) {
    List<String> paths = new ArrayList<>();
    order.forEach(s -> paths.add(s.path()));
    return String.join(", ", paths);
  }
}
