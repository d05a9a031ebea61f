package io.github.ollamalmstudioproxy.support;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.stream.Stream;

/** The calls a test makes to a running proxy: what every harness offers on top of its own start and stop. */
public interface ProxyClient {
  /** The proxy's URL for {@code pathAndQuery}. */
  URI url(String pathAndQuery);

  HttpClient http();

  default HttpResponse<String> get(String path) {
    return send(HttpRequest.newBuilder(url(path)).GET().build());
  }

  default HttpResponse<String> post(String path, String json) {
    return send(HttpRequest.newBuilder(url(path)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json)).build());
  }

  default HttpResponse<String> send(HttpRequest request) {
    try {
      return http().send(request, HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new IllegalStateException(request.method() + " " + request.uri() + " failed", e);
    }
  }

  /** Sends and returns the body as lines, read as they arrive. */
  default HttpResponse<Stream<String>> sendLines(HttpRequest request) {
    try {
      return http().send(request, HttpResponse.BodyHandlers.ofLines());
    } catch (Exception e) {
      throw new IllegalStateException(request.method() + " " + request.uri() + " failed", e);
    }
  }
}
