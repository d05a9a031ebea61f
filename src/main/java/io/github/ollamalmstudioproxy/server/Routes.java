package io.github.ollamalmstudioproxy.server;

import io.vertx.core.http.HttpMethod;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The route table: exact paths with one handler per method, then prefixes that take a set of methods (the
 * passthrough). A known path with the wrong method is a 405, an unknown path a 404, as Ollama's router answers; a
 * method the proxy does not know at all is a 501 ({@link #isKnown}). What a route is subject to besides its handler is
 * declared where it is registered, as {@link Trait}s.
 */
final class Routes {
  /** What a route is subject to besides its handler. */
  enum Trait {
    /** Reachable without the inbound API key (liveness and version checks). */
    PUBLIC,
    /** Reaches the backend, so it counts against {@code --max-in-flight}. */
    BACKEND,
    /**
     * Reads its whole body before anything reaches the backend ({@link JsonBodyReader}), so a {@link #BACKEND} route
     * takes its {@code --max-in-flight} slot only once the body is in: a client slow to send its body holds none.
     */
    BODY_FIRST,
    /** Errors in OpenAI's shape ({@code {"error":{"message":...}}}) rather than Ollama's. */
    OPENAI_ERRORS
  }

  /** What a lookup found: a handler, or the methods the path does allow (empty for an unknown path). */
  record Match(RouteHandler handler, Set<HttpMethod> allowed, Set<Trait> traits, String template) {
    boolean has(Trait trait) {
      return traits.contains(trait);
    }
  }

  private record Prefix(RouteHandler handler, Set<HttpMethod> methods, Set<Trait> traits) {}

  /** RFC 9110's methods and PATCH; anything else is answered 501 without a route lookup. */
  private static final Set<HttpMethod> KNOWN = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.POST, HttpMethod.PUT,
      HttpMethod.DELETE, HttpMethod.CONNECT, HttpMethod.OPTIONS, HttpMethod.TRACE, HttpMethod.PATCH);

  private static final List<HttpMethod> GIN_TREE_ORDER =
      List.of(HttpMethod.HEAD, HttpMethod.GET, HttpMethod.POST, HttpMethod.DELETE);

  private final Map<String, Map<HttpMethod, RouteHandler>> exact = new HashMap<>();
  private final Map<String, Set<Trait>> traits = new HashMap<>();
  private final Map<String, Prefix> prefixes = new LinkedHashMap<>();

  Routes add(HttpMethod method, String path, RouteHandler handler, Trait... routeTraits) {
    exact.computeIfAbsent(path, p -> new HashMap<>()).put(method, handler);
    traits.computeIfAbsent(path, p -> EnumSet.noneOf(Trait.class)).addAll(List.of(routeTraits));
    return this;
  }

  /** Adds GET and HEAD; Vert.x sends no body for HEAD, so one handler serves both. */
  Routes get(String path, RouteHandler handler, Trait... routeTraits) {
    return add(HttpMethod.GET, path, handler, routeTraits).add(HttpMethod.HEAD, path, handler, routeTraits);
  }

  Routes post(String path, RouteHandler handler, Trait... routeTraits) {
    return add(HttpMethod.POST, path, handler, routeTraits);
  }

  /** Every path under {@code prefix}, any method. */
  Routes prefix(String prefix, RouteHandler handler, Trait... routeTraits) {
    return prefix(prefix, KNOWN, handler, routeTraits);
  }

  /** Every path under {@code prefix}, with any of {@code methods}; another method is a 405 there. */
  Routes prefix(String prefix, Set<HttpMethod> methods, RouteHandler handler, Trait... routeTraits) {
    Set<Trait> set = EnumSet.noneOf(Trait.class);
    set.addAll(List.of(routeTraits));
    prefixes.put(prefix, new Prefix(handler, Set.copyOf(methods), set));
    return this;
  }

  /** Whether the proxy knows the method at all; one it does not is a 501 wherever it is sent. */
  static boolean isKnown(HttpMethod method) {
    return KNOWN.contains(method);
  }

  Match find(HttpMethod method, String path) {
    Map<HttpMethod, RouteHandler> byMethod = exact.get(path);
    if (byMethod != null) {
      RouteHandler handler = byMethod.get(method);
      return new Match(handler, handler == null ? allowed(byMethod) : Set.of(), traits.get(path), path);
    }
    for (Map.Entry<String, Prefix> entry : prefixes.entrySet()) {
      if (path.startsWith(entry.getKey())) {
        Prefix prefix = entry.getValue();
        boolean allowed = prefix.methods().contains(method);
        return new Match(allowed ? prefix.handler() : null, allowed ? Set.of() : prefix.methods(), prefix.traits(),
            entry.getKey() + "*");
      }
    }
    return new Match(null, Set.of(), Set.of(), "unmatched");
  }

  /**
   * Gin lists the methods whose route trees hold the path, in the order the trees were made: Ollama registers HEAD
   * first, then GET, POST and DELETE ({@code ollama/ollama@v0.33.0-rc2:server/routes.go:1877-1889}). Methods Ollama
   * has no tree for (the passthrough's) follow in alphabetical order.
   */
  static String allowHeader(Set<HttpMethod> methods) {
    List<String> names = new ArrayList<>();
    for (HttpMethod m : GIN_TREE_ORDER) {
      if (methods.contains(m)) {
        names.add(m.name());
      }
    }
    List<String> rest = new ArrayList<>();
    methods.stream().filter(m -> !GIN_TREE_ORDER.contains(m)).forEach(m -> rest.add(m.name()));
    rest.sort(null);
    names.addAll(rest);
    return String.join(", ", names);
  }

  private static Set<HttpMethod> allowed(Map<HttpMethod, RouteHandler> byMethod) {
    return byMethod.keySet().stream().collect(Collectors.toUnmodifiableSet());
  }
}
