package io.github.ollamalmstudioproxy.server;

/** Answers one route. Runs on the request's event loop and must never block it. */
@FunctionalInterface
interface RouteHandler {
  void handle(RequestScope scope);
}
