package io.github.ollamalmstudioproxy.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A small OpenAI-compatible model server on a free loopback port whose answers a test scripts per
 * {@code METHOD path}, as functions of the request body, so that an answer can change state (an unload that changes
 * what the model list says). Unscripted routes answer {@code 404} with the body given at start, as each real server
 * words it. Every request is recorded as {@code METHOD path body}.
 */
public final class ModelServerStub implements AutoCloseable {
  /** One canned answer. */
  public record Answer(int status, String contentType, String body) {
    public static Answer json(String body) {
      return new Answer(200, "application/json", body);
    }
  }

  private final HttpServer server;
  private final String notFound;
  private final Map<String, Function<String, Answer>> routes = new ConcurrentHashMap<>();
  private final List<String> requests = new CopyOnWriteArrayList<>();

  private ModelServerStub(HttpServer server, String notFound) {
    this.server = server;
    this.notFound = notFound;
    server.createContext("/", this::handle);
    server.start();
  }

  /** @param notFound the body of a 404, e.g. Go's {@code 404 page not found} (llama-swap) */
  public static ModelServerStub start(String notFound) {
    try {
      return new ModelServerStub(HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50),
          notFound);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** What {@code method path} answers from now on. */
  public ModelServerStub on(String method, String path, Function<String, Answer> answer) {
    routes.put(method + " " + path, answer);
    return this;
  }

  public URI url() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** Every request so far, as {@code METHOD path body}, in order. */
  public List<String> requests() {
    return List.copyOf(requests);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      String route = exchange.getRequestMethod() + " " + exchange.getRequestURI().getRawPath();
      requests.add(route + " " + body);
      Function<String, Answer> scripted = routes.get(route);
      Answer answer = scripted != null ? scripted.apply(body) : new Answer(404, "text/plain", notFound);
      byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", answer.contentType());
      exchange.sendResponseHeaders(answer.status(), bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
