package io.github.ollamalmstudioproxy.server;

import io.vertx.core.http.HttpMethod;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The route table: exact paths with one handler per method, then prefixes that take any method (the passthrough).
 * A known path with the wrong method is a 405, an unknown path a 404, as Ollama's router answers.
 */
final class Routes {
  /** What a lookup found: a handler, or the methods the path does allow (empty for an unknown path). */
  record Match(RouteHandler handler, Set<HttpMethod> allowed, boolean isPublic, String template) {}

  private final Map<String, Map<HttpMethod, RouteHandler>> exact = new HashMap<>();
  private final Map<String, Boolean> publicPaths = new HashMap<>();
  private final Map<String, RouteHandler> prefixes = new LinkedHashMap<>();

  Routes add(HttpMethod method, String path, RouteHandler handler) {
    exact.computeIfAbsent(path, p -> new HashMap<>()).put(method, handler);
    return this;
  }

  /** Adds GET and HEAD; Vert.x sends no body for HEAD, so one handler serves both. */
  Routes get(String path, RouteHandler handler) {
    return add(HttpMethod.GET, path, handler).add(HttpMethod.HEAD, path, handler);
  }

  Routes post(String path, RouteHandler handler) {
    return add(HttpMethod.POST, path, handler);
  }

  /** Marks a path as reachable without the inbound API key (liveness and version checks). */
  Routes open(String path) {
    publicPaths.put(path, true);
    return this;
  }

  Routes prefix(String prefix, RouteHandler handler) {
    prefixes.put(prefix, handler);
    return this;
  }

  Match find(HttpMethod method, String path) {
    Map<HttpMethod, RouteHandler> byMethod = exact.get(path);
    if (byMethod != null) {
      boolean open = publicPaths.containsKey(path);
      RouteHandler handler = byMethod.get(method);
      return new Match(handler, handler == null ? allowed(byMethod) : Set.of(), open, path);
    }
    for (Map.Entry<String, RouteHandler> entry : prefixes.entrySet()) {
      if (path.startsWith(entry.getKey())) {
        return new Match(entry.getValue(), Set.of(), false, entry.getKey() + "*");
      }
    }
    return new Match(null, Set.of(), false, "unmatched");
  }

  static String allowHeader(Set<HttpMethod> methods) {
    List<String> names = new ArrayList<>();
    methods.forEach(m -> names.add(m.name()));
    names.sort(null);
    return String.join(", ", names);
  }

  private static Set<HttpMethod> allowed(Map<HttpMethod, RouteHandler> byMethod) {
    return byMethod.keySet().stream().collect(Collectors.toUnmodifiableSet());
  }

}
