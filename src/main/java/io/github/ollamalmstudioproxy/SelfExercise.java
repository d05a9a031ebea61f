package io.github.ollamalmstudioproxy;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The launcher's training run for its class-data archive: the proxy in demo mode sends itself the requests a client
 * sends most (streamed and whole chats, generate, the {@code /v1} passthrough, model lists), a few rounds of them at
 * once, so that the classes of the hot path are loaded (and, on JDK 25, profiled) before the JVM writes the archive at
 * exit. Started by {@code -Dollama.proxy.selfExercise=true}; never part of a normal run.
 */
final class SelfExercise {
  static final String PROPERTY = "ollama.proxy.selfExercise";
  private static final Logger log = LoggerFactory.getLogger(SelfExercise.class);
  private static final String MODEL = "qwen/qwen3-4b";
  private static final int ROUNDS = 5;

  private SelfExercise() {}

  static boolean requested() {
    return Boolean.getBoolean(PROPERTY);
  }

  /** Runs the rounds against the proxy on 127.0.0.1:{@code port}; returns how many requests did not answer 200. */
  static int run(Vertx vertx, int port) {
    HttpClient client = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1")
        .setDefaultPort(port));
    int failed = 0;
    try {
      for (int round = 0; round < ROUNDS; round++) {
        List<Future<Integer>> calls = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
          calls.add(call(client, HttpMethod.POST, "/api/chat", chat(true)));
          calls.add(call(client, HttpMethod.POST, "/v1/chat/completions", chat(true)));
        }
        for (int i = 0; i < 2; i++) {
          calls.add(call(client, HttpMethod.POST, "/api/chat", chat(false)));
          calls.add(call(client, HttpMethod.POST, "/api/generate",
              "{\"model\":\"" + MODEL + "\",\"prompt\":\"Say something.\"}"));
          calls.add(call(client, HttpMethod.POST, "/v1/chat/completions", chat(false)));
        }
        for (String path : List.of("/", "/api/version", "/api/tags", "/api/ps", "/v1/models")) {
          calls.add(call(client, HttpMethod.GET, path, null));
        }
        calls.add(call(client, HttpMethod.POST, "/api/show", "{\"model\":\"" + MODEL + "\"}"));
        for (Future<Integer> c : calls) {
          failed += status(c) == 200 ? 0 : 1;
        }
      }
    } finally {
      client.close();
    }
    if (failed > 0) {
      log.warn("self-exercise: {} request(s) did not answer 200", failed);
    }
    return failed;
  }

  private static String chat(boolean stream) {
    return "{\"model\":\"" + MODEL + "\",\"stream\":" + stream
        + ",\"messages\":[{\"role\":\"user\",\"content\":\"Say something.\"}]}";
  }

  private static Future<Integer> call(HttpClient client, HttpMethod method, String path, String body) {
    return client.request(new RequestOptions().setMethod(method).setURI(path).setIdleTimeout(30_000))
        .compose(request -> body == null ? request.send() : request.send(Buffer.buffer(body)))
        .compose(response -> response.body().map(ignored -> response.statusCode()));
  }

  private static int status(Future<Integer> call) {
    try {
      return call.await(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      return -1;
    }
  }
}
