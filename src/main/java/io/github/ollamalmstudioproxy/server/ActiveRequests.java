package io.github.ollamalmstudioproxy.server;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The requests in flight, so a graceful shutdown can wait for them and cut off the ones that outlive the drain. */
final class ActiveRequests {
  private final Set<RequestScope> scopes = ConcurrentHashMap.newKeySet();

  void add(RequestScope scope) {
    scopes.add(scope);
  }

  void remove(RequestScope scope) {
    scopes.remove(scope);
  }

  int size() {
    return scopes.size();
  }

  /** Ends every remaining request on its own event loop (scopes are not thread-safe). */
  void cutOffAll() {
    for (RequestScope scope : scopes) {
      scope.context().runOnContext(v -> scope.cutOff());
    }
  }
}
