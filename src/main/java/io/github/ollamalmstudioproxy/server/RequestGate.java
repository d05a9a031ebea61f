package io.github.ollamalmstudioproxy.server;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The checks every request passes before its route: the Host header (one, well formed, and on a loopback listener a
 * local name: see {@link HostPolicy}), browser origin (CORS, with preflight) and the optional inbound API key.
 */
final class RequestGate {
  private static final Logger log = LoggerFactory.getLogger(RequestGate.class);
  /** Browsers may cache a preflight answer this long; Ollama's CORS middleware uses the same 12 hours. */
  private static final String MAX_AGE_SECONDS = "43200";

  private final HostPolicy hosts;
  private final CorsPolicy cors;
  /** The inbound key's bytes; null when none is configured. */
  private final byte[] expectedKey;

  RequestGate(HostPolicy hosts, CorsPolicy cors, String apiKey) {
    this.hosts = hosts;
    this.cors = cors;
    this.expectedKey = apiKey == null ? null : apiKey.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Checks the Host header, then applies CORS; false when the request was answered here (a bad or forbidden Host, a
   * preflight, or a forbidden origin).
   */
  boolean admit(RequestScope scope) {
    if (!hostAllowed(scope)) {
      return false;
    }
    HttpServerRequest request = scope.request();
    HttpServerResponse response = scope.response();
    String origin = request.getHeader(HttpHeaders.ORIGIN);
    if (origin == null || isSameOrigin(origin, request)) {
      return true;
    }
    if (!cors.allows(origin)) {
      log.info("{} refused origin {}", scope.id(), LogText.quote(origin));
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
    if (presentsKey(scope)) {
      return true;
    }
    String header = scope.request().getHeader(HttpHeaders.AUTHORIZATION);
    log.info("{} refused: {} API key", scope.id(), header == null ? "missing" : "wrong");
    scope.response().putHeader("WWW-Authenticate", "Bearer");
    Replies.error(scope, 401, "unauthorized");
    return false;
  }

  /**
   * True when the caller may use the API: no inbound key is configured, or it presented it. Public routes answer such
   * a caller in more detail (the reason {@code /readyz} is not ready), without answering anyone else 401.
   */
  boolean presentsKey(RequestScope scope) {
    if (expectedKey == null) {
      return true;
    }
    return MessageDigest.isEqual(bearerToken(scope.request().getHeader(HttpHeaders.AUTHORIZATION)), expectedKey);
  }

  /**
   * The token of an {@code Authorization: Bearer <token>} header: the scheme in any case (RFC 9110 §11.1), then one
   * or more spaces; empty bytes for anything else, which match no configured key.
   */
  static byte[] bearerToken(String header) {
    if (header == null) {
      return new byte[0];
    }
    String value = header.trim();
    int space = 0;
    while (space < value.length() && value.charAt(space) != ' ' && value.charAt(space) != '\t') {
      space++;
    }
    if (!value.substring(0, space).equalsIgnoreCase("Bearer")) {
      return new byte[0];
    }
    return value.substring(space).trim().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * RFC 9112 §3.2: an HTTP/1.1 request must carry exactly one Host header (HTTP/1.0 may omit it), else 400. Then the
   * name must pass the {@link HostPolicy}, else 403, as Ollama answers. An absolute request target names the host
   * itself and takes the place of the header, as in Go's server.
   */
  private boolean hostAllowed(RequestScope scope) {
    HttpServerRequest request = scope.request();
    List<String> values = request.headers().getAll(HttpHeaders.HOST);
    if (values.size() > 1) {
      log.info("{} refused: {} Host headers", scope.id(), values.size());
      Replies.error(scope, 400, "bad request: more than one Host header");
      return false;
    }
    String host = values.isEmpty() ? null : values.get(0).trim();
    String target = absoluteTargetAuthority(request.uri());
    if (target != null) {
      host = target;
    }
    if (host == null && request.version() != HttpVersion.HTTP_1_0) {
      log.info("{} refused: no Host header", scope.id());
      Replies.error(scope, 400, "bad request: missing Host header");
      return false;
    }
    if (host != null && !HostPolicy.wellFormed(host)) {
      log.info("{} refused: malformed Host header {}", scope.id(), LogText.quote(host));
      Replies.error(scope, 400, "bad request: malformed Host header");
      return false;
    }
    if (!hosts.allows(host)) {
      log.info("{} refused Host {}: not a local name on a loopback listener (--allowed-hosts)", scope.id(),
          LogText.quote(host));
      Replies.error(scope, 403, "forbidden: host '" + HostPolicy.hostPart(host) + "' is not allowed; the proxy listens"
          + " on loopback and answers only local host names (add others with --allowed-hosts)");
      return false;
    }
    return true;
  }

  /** The authority of an absolute-form request target ({@code GET http://host/path}), else null. */
  private static String absoluteTargetAuthority(String uri) {
    int start = uri.regionMatches(true, 0, "http://", 0, 7) ? 7 : uri.regionMatches(true, 0, "https://", 0, 8) ? 8 : -1;
    if (start < 0) {
      return null;
    }
    int end = start;
    while (end < uri.length() && "/?#".indexOf(uri.charAt(end)) < 0) {
      end++;
    }
    String authority = uri.substring(start, end);
    int at = authority.lastIndexOf('@');
    return at < 0 ? authority : authority.substring(at + 1);
  }

  /** A page served by the proxy itself calling back: not a cross-origin request. */
  private static boolean isSameOrigin(String origin, HttpServerRequest request) {
    String host = request.getHeader(HttpHeaders.HOST);
    return host != null && (origin.equals("http://" + host) || origin.equals("https://" + host));
  }
}
