package io.github.ollamalmstudioproxy.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.ollamalmstudioproxy.support.LauncherProcess;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The proxy as users run it (the launcher's JVM flags, {@code -Xmx512m}) in front of a backend that tries to take it
 * down: an answer that never ends under {@code stream:false}, a model list of gigabytes, an error page of gigabytes,
 * an event stream that drips one byte a second, and an embeddings answer of gigabytes. Each hostile request gets a
 * clear error, and all the while the proxy keeps answering {@code /api/version} and its memory stays under
 * the heap cap. Everything runs on loopback, each hostile body ends when the proxy resets its request, and the test
 * stops both processes it started.
 */
class HostileBackendIT {
  private static final long HEAP_CAP = 512L * 1024 * 1024;
  /**
   * The liveness bound on /api/version while the hostile requests run. A wedged proxy answers nothing at all; a
   * loaded 2-core machine can delay an answer by a collection or a JIT burst, so how quickly it answers is measured
   * and printed (BENCHMARKS.md), not asserted.
   */
  private static final Duration RESPONSIVE = Duration.ofSeconds(2);
  private static final Buffer CHUNK = Buffer.buffer("x".repeat(64 * 1024));
  /** At most this many bytes a millisecond per hostile body (16 MB/s, a fast link): past every bound within seconds. */
  private static final long BURST = 16 * 1024;

  private Vertx vertx;
  private HttpServer backend;
  private final AtomicBoolean hugeModelList = new AtomicBoolean();
  private final AtomicLong bytesSent = new AtomicLong();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeEach
  void startHostileBackend() throws Exception {
    vertx = Vertx.vertx();
    backend = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0))
        .requestHandler(this::answer)
        .listen().await(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void stopHostileBackend() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void hostileAnswersGetClearErrorsWhileTheProxyKeepsAnsweringWithinItsHeap() throws Exception {
    try (LauncherProcess proxy = LauncherProcess.start(Map.of(), "--listen", "127.0.0.1:0", "--backend",
        "http://127.0.0.1:" + backend.actualPort(), "--idle-timeout", "2s")) {
      int port = proxy.awaitPort();
      long pid = proxy.process().pid();
      // A proxy in service: the paths the hostile answers take are warm, and its heap has grown to hold large answers
      // before. (Right after start-up the JIT compiles those paths while they run, and the serial collector grows the
      // heap from the launcher's 16 MB in full collections of 25-40 ms each; /api/version then waits up to 150 ms.)
      for (int i = 0; i < 3; i++) {
        assertThat(post(port, "/api/chat", chat("fine-large", false)).join().statusCode()).isEqualTo(200);
      }
      for (int i = 0; i < 300; i++) {
        assertThat(post(port, "/api/chat", chat("fine", i % 2 == 0)).join().statusCode()).isEqualTo(200);
        assertThat(post(port, "/api/embed", "{\"model\":\"fine\",\"input\":\"x\"}").join().statusCode())
            .isEqualTo(200);
        get(port, "/api/version");
      }
      Watch watch = new Watch(port, pid);
      watch.start();
      try {
        assertThat(get(port, "/api/tags").statusCode()).as("a well-behaved model list first").isEqualTo(200);

        // One after the other: each hostile answer alone takes what the two cores here have (the generator in this
        // JVM and the proxy); all five at once saturate them, and /api/version then waits 100-150 ms at their start.
        List<Supplier<CompletableFuture<HttpResponse<String>>>> hostile = List.of(
            () -> post(port, "/api/chat", chat("endless", false)),
            () -> post(port, "/api/chat", chat("drip", true)),
            () -> post(port, "/api/embed", "{\"model\":\"error-page\",\"input\":\"x\"}"),
            () -> post(port, "/api/embed", "{\"model\":\"huge-embeddings\",\"input\":\"x\"}"),
            () -> post(port, "/api/embed", "{\"model\":\"huge-field\",\"input\":\"x\"}"));
        List<HttpResponse<String>> answers = new ArrayList<>();
        for (Supplier<CompletableFuture<HttpResponse<String>>> request : hostile) {
          answers.add(request.get().orTimeout(60, TimeUnit.SECONDS).join());
        }
        assertThat(answers).extracting(HttpResponse::statusCode).as("endless stream:false, dripping stream, 10 GB"
            + " error page, an endless vector, an endless field in an embeddings answer")
            .containsExactly(500, 504, 500, 500, 502);
        assertThat(answers.get(0).body()).contains("the most the proxy collects");
        assertThat(answers.get(3).body()).contains("more than 65536 numbers");
        assertThat(answers.get(4).body()).contains("64 MiB");

        hugeModelList.set(true);
        // The catalog serves its last list for its 5 s lifetime; the next fetch meets the gigabytes.
        Thread.sleep(6_000);
        HttpResponse<String> tags = get(port, "/api/tags");
        assertThat(tags.statusCode()).as(tags.body()).isIn(200, 502);
        if (tags.statusCode() == 200) {
          // The last good list may stand in for a backend that misbehaves; the failure is then in /readyz.
          assertThat(get(port, "/readyz").statusCode()).isEqualTo(503);
        } else {
          assertThat(tags.body()).contains("8 MiB");
        }
      } finally {
        watch.stop();
      }
      System.out.printf("hostile backend: sent %d MB in all; /api/version answered %d times, slowest %.1f ms;"
          + " proxy RSS peak %d MB (VmHWM)%n", bytesSent.get() >> 20, watch.answers(), watch.slowestMillis(),
          watch.peakRss() >> 20);
      assertThat(bytesSent.get()).as("the hostile bodies were really sent").isGreaterThan(64L << 20);
      assertThat(watch.failures()).as("every /api/version answered 200").isEmpty();
      assertThat(watch.answers()).as("polled throughout").isGreaterThan(50);
      assertThat(watch.slowestMillis()).as("/api/version answered within %d ms throughout", RESPONSIVE.toMillis())
          .isLessThan(RESPONSIVE.toMillis());
      assertThat(watch.peakRss()).as("resident memory under the heap cap").isLessThan(HEAP_CAP);
    }
  }

  private void answer(HttpServerRequest request) {
    request.body().onSuccess(body -> {
      String path = request.path();
      String text = body.toString(StandardCharsets.UTF_8);
      HttpServerResponse response = request.response();
      if (path.equals("/v1/models") && hugeModelList.get()) {
        endless(response.setChunked(true).putHeader("Content-Type", "application/json"), Buffer.buffer(
            "{\"object\":\"list\",\"data\":[" + "{\"id\":\"m\",\"object\":\"model\"},".repeat(200)), () -> CHUNK);
      } else if (path.startsWith("/api/")) {
        // LM Studio's answer to a route it does not have; the catalog then reads /v1/models.
        response.end("{\"error\":\"Unexpected endpoint or method. (" + request.method() + " " + path + ")\"}");
      } else if (path.equals("/v1/models")) {
        response.putHeader("Content-Type", "application/json").end("{\"object\":\"list\",\"data\":["
            + "{\"id\":\"endless\",\"object\":\"model\"},{\"id\":\"drip\",\"object\":\"model\"},"
            + "{\"id\":\"error-page\",\"object\":\"model\"},{\"id\":\"huge-embeddings\",\"object\":\"model\"},"
            + "{\"id\":\"huge-field\",\"object\":\"model\"},{\"id\":\"fine-large\",\"object\":\"model\"},"
            + "{\"id\":\"fine\",\"object\":\"model\"}]}");
      } else if (path.equals("/v1/chat/completions") && text.contains("\"fine-large\"")) {
        String piece = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + "w".repeat(4000) + "\"}}]}\n\n";
        sse(response).end(piece.repeat(750) + "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":"
            + "\"stop\"}]}\n\ndata: [DONE]\n\n");
      } else if (path.equals("/v1/chat/completions") && text.contains("\"fine\"")) {
        sse(response).end("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + "ok ".repeat(2000)
            + "\"}}]}\n\ndata: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n"
            + "data: [DONE]\n\n");
      } else if (path.equals("/v1/embeddings") && text.contains("\"fine\"")) {
        response.putHeader("Content-Type", "application/json").end("{\"object\":\"list\",\"data\":[{\"object\":"
            + "\"embedding\",\"index\":0,\"embedding\":[" + "0.125,".repeat(767) + "0.125]}]}");
      } else if (path.equals("/v1/chat/completions") && text.contains("\"endless\"")) {
        Buffer event = Buffer.buffer("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + "y".repeat(4000)
            + "\"}}]}\n\n");
        endless(sse(response), Buffer.buffer(), () -> event);
      } else if (path.equals("/v1/chat/completions") && text.contains("\"drip\"")) {
        sse(response).write("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"");
        long timer = vertx.setPeriodic(1000, t -> response.write("z"));
        response.closeHandler(v -> vertx.cancelTimer(timer));
      } else if (path.equals("/v1/embeddings") && text.contains("\"error-page\"")) {
        endless(response.setStatusCode(500).setChunked(true).putHeader("Content-Type", "text/html"),
            Buffer.buffer("<!DOCTYPE html><html><body><h1>500</h1>"), () -> CHUNK);
      } else if (path.equals("/v1/embeddings") && text.contains("\"huge-field\"")) {
        Buffer ones = Buffer.buffer("1,".repeat(32 * 1024));
        endless(response.setChunked(true).putHeader("Content-Type", "application/json"),
            Buffer.buffer("{\"object\":\"list\",\"data\":[{\"object\":\"embedding\",\"extra\":["), () -> ones);
      } else if (path.equals("/v1/embeddings")) {
        Buffer numbers = Buffer.buffer("0.125,".repeat(10_000));
        endless(response.setChunked(true).putHeader("Content-Type", "application/json"),
            Buffer.buffer("{\"object\":\"list\",\"data\":[{\"object\":\"embedding\",\"index\":0,\"embedding\":["),
            () -> numbers);
      } else {
        response.setStatusCode(404).end();
      }
    });
  }

  private static HttpServerResponse sse(HttpServerResponse response) {
    return response.setChunked(true).putHeader("Content-Type", "text/event-stream");
  }

  /** Writes {@code head}, then {@code next} for as long as the proxy reads, with back-pressure; stops when reset. */
  private void endless(HttpServerResponse response, Buffer head, Supplier<Buffer> next) {
    AtomicBoolean closed = new AtomicBoolean();
    response.closeHandler(v -> closed.set(true));
    response.exceptionHandler(e -> closed.set(true));
    response.write(head);
    pump(response, next, closed);
  }

  /**
   * Writes as fast as the proxy reads, up to {@link #BURST} bytes a millisecond: a backend on a fast link. (Unbounded,
   * the generator here would take a whole core of the two this machine has, and /api/version would measure that.)
   */
  private void pump(HttpServerResponse response, Supplier<Buffer> next, AtomicBoolean closed) {
    long burst = 0;
    while (!closed.get() && !response.writeQueueFull() && burst < BURST) {
      Buffer chunk = next.get();
      bytesSent.addAndGet(chunk.length());
      burst += chunk.length();
      response.write(chunk);
    }
    if (closed.get()) {
      return;
    }
    if (burst >= BURST) {
      vertx.setTimer(1, t -> pump(response, next, closed));
    } else {
      response.drainHandler(v -> pump(response, next, closed));
    }
  }

  private static String chat(String model, boolean stream) {
    return "{\"model\":\"" + model + "\",\"stream\":" + stream
        + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
  }

  private HttpResponse<String> get(int port, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(30))
        .GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  private CompletableFuture<HttpResponse<String>> post(int port, String path, String json) {
    return http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(60)).POST(HttpRequest.BodyPublishers.ofString(json)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Polls /api/version every 20 ms and the proxy's resident memory, on a thread of its own. */
  private static final class Watch {
    private final int port;
    private final Path status;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    private final AtomicLong answers = new AtomicLong();
    private final AtomicLong slowestNanos = new AtomicLong();
    private final AtomicLong peakRss = new AtomicLong();
    private volatile boolean running = true;
    private Thread thread;

    Watch(int port, long pid) {
      this.port = port;
      this.status = Path.of("/proc", Long.toString(pid), "status");
    }

    void start() {
      thread = new Thread(this::run, "version-watch");
      thread.setDaemon(true);
      thread.start();
    }

    void stop() throws InterruptedException {
      running = false;
      thread.join(10_000);
      sampleRss();
    }

    private void run() {
      HttpRequest version = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/version"))
          .timeout(Duration.ofSeconds(5)).GET().build();
      while (running) {
        long start = System.nanoTime();
        try {
          HttpResponse<String> answer = client.send(version, HttpResponse.BodyHandlers.ofString());
          if (answer.statusCode() != 200) {
            failures.add("HTTP " + answer.statusCode());
          }
        } catch (Exception e) {
          failures.add(e.toString());
        }
        long took = System.nanoTime() - start;
        slowestNanos.accumulateAndGet(took, Math::max);
        if (took > 50_000_000) {
          System.out.printf("slow /api/version: %.1f ms at answer %d%n", took / 1e6, answers.get());
        }
        answers.incrementAndGet();
        sampleRss();
        try {
          Thread.sleep(20);
        } catch (InterruptedException e) {
          return;
        }
      }
    }

    private void sampleRss() {
      try {
        for (String line : Files.readAllLines(status)) {
          if (line.startsWith("VmHWM:") || line.startsWith("VmRSS:")) {
            long kb = Long.parseLong(line.replaceAll("\\D+", ""));
            peakRss.accumulateAndGet(kb * 1024, Math::max);
          }
        }
      } catch (Exception e) {
        // The process ended; the last sample stands.
      }
    }

    List<String> failures() {
      return List.copyOf(failures);
    }

    long answers() {
      return answers.get();
    }

    double slowestMillis() {
      return slowestNanos.get() / 1e6;
    }

    long peakRss() {
      return peakRss.get();
    }
  }
}
