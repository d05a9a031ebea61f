package io.github.ollamalmstudioproxy.server;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The checks every request passes before its route: browser origin (CORS, with preflight) and the optional inbound
 * API key.
 */
final class RequestGate {
  private static final Logger log = LoggerFactory.getLogger(RequestGate.class);
  /** Browsers may cache a preflight answer this long; Ollama's CORS middleware uses the same 12 hours. */
  private static final String MAX_AGE_SECONDS = "43200";

  private final CorsPolicy cors;
  private final byte[] expectedAuthorization;

  RequestGate(CorsPolicy cors, String apiKey) {
    this.cors = cors;
    this.expectedAuthorization = apiKey == null ? null : ("Bearer " + apiKey).getBytes(StandardCharsets.UTF_8);
  }

  /** Applies CORS; false when the request was answered here (a preflight, or a forbidden origin). */
  boolean admit(RequestScope scope) {
    HttpServerRequest request = scope.request();
    HttpServerResponse response = scope.response();
    String origin = request.getHeader(HttpHeaders.ORIGIN);
    if (origin == null || isSameOrigin(origin, request)) {
      return true;
    }
    if (!cors.allows(origin)) {
      log.info("{} refused origin {}", scope.id(), origin);
      Replies.error(scope, 403, "origin not allowed: " + origin);
      return false;
    }
    response.putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, origin)
        .putHeader(HttpHeaders.VARY, "Origin")
        .putHeader(HttpHeaders.ACCESS_CONTROL_EXPOSE_HEADERS, RequestIds.HEADER);
    boolean preflight = request.method() == HttpMethod.OPTIONS
        && request.getHeader(HttpHeaders.ACCESS_CONTROL_REQUEST_METHOD) != null;
    if (!preflight) {
      return true;
    }
    response.putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_METHODS, CorsPolicy.ALLOWED_METHODS)
        .putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_HEADERS, CorsPolicy.ALLOWED_HEADERS)
        .putHeader(HttpHeaders.ACCESS_CONTROL_MAX_AGE, MAX_AGE_SECONDS);
    Replies.empty(scope, 204);
    return false;
  }

  /**
   * Checks the inbound key; false when the request was answered 401 here. With no key configured every request
   * passes, whatever Authorization it carries: Copilot sends an empty {@code Bearer }.
   */
  boolean authorized(RequestScope scope) {
    if (expectedAuthorization == null) {
      return true;
    }
    String header = scope.request().getHeader(HttpHeaders.AUTHORIZATION);
    byte[] given = header == null ? new byte[0] : header.trim().getBytes(StandardCharsets.UTF_8);
    if (MessageDigest.isEqual(given, expectedAuthorization)) {
      return true;
    }
    log.info("{} refused: {} API key", scope.id(), header == null ? "missing" : "wrong");
    scope.response().putHeader("WWW-Authenticate", "Bearer");
    Replies.error(scope, 401, "unauthorized");
    return false;
  }

  /** A page served by the proxy itself calling back: not a cross-origin request. */
  private static boolean isSameOrigin(String origin, HttpServerRequest request) {
    String host = request.getHeader(HttpHeaders.HOST);
    return host != null && (origin.equals("http://" + host) || origin.equals("https://" + host));
  }
}
