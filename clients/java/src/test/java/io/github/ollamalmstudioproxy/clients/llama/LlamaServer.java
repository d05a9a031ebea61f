package io.github.ollamalmstudioproxy.clients.llama;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real llama.cpp {@code llama-server} built by {@code scripts/llama-server/build.sh}, serving a tiny random-weight
 * model made at start-up by {@code scripts/llama-server/make_tiny_model.py}, on a free loopback port.
 *
 * <p>Flags (reference llama-server.md §4, §8): one slot ({@code -np 1}: with more, a short embeddings input can abort
 * the whole process), one thread (OpenMP spinning on a busy 2-core machine makes two threads slower), mean pooling
 * plus {@code --embeddings} so chat and embeddings work in one process (this build answers embeddings with 501
 * without the flag), a 65536-token context so a stream lasts long enough to be cancelled, and {@code --metrics} for
 * {@code llamacpp:requests_processing}.
 */
public final class LlamaServer implements AutoCloseable {
  public static final String MODEL_ID = "tiny-llama-random";
  /** The same model with CodeLlama's three infill tokens ({@code make_tiny_model.py --fim}), for {@code /infill}. */
  public static final String FIM_MODEL_ID = "tiny-llama-fim";

  private final Process process;
  private final List<String> command;
  private final int port;
  private final Path log;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private LlamaServer(Process process, List<String> command, int port, Path log) {
    this.process = process;
    this.command = command;
    this.port = port;
    this.log = log;
  }

  /** The build's cache directory (bin/llama-server, llama.cpp/gguf-py, llama.cpp/models). */
  public static Path home() {
    String configured = System.getenv("OLLAMA_PROXY_LLAMA_CACHE");
    return configured != null ? Path.of(configured)
        : Path.of(System.getProperty("user.home"), ".cache/ollama-lmstudio-proxy/llama-server-3.21.1");
  }

  /**
   * Skips the calling test class when llama-server is not built, or fails it when {@code REQUIRE_LLAMA_SERVER=1}
   * (CI's real-backend step), so a missing build can never pass for a green run there.
   */
  public static void requireOrSkip() {
    boolean built = binary().isPresent();
    if (!built && "1".equals(System.getenv("REQUIRE_LLAMA_SERVER"))) {
      fail("REQUIRE_LLAMA_SERVER=1 but no llama-server under " + home()
          + ": run scripts/llama-server/build.sh");
    }
    assumeTrue(built, "llama-server not built under " + home()
        + ": run scripts/llama-server/build.sh (about 9 minutes) to enable the real-backend tests");
  }

  public static Optional<Path> binary() {
    Path bin = home().resolve("bin/llama-server");
    return Files.isExecutable(bin) ? Optional.of(bin) : Optional.empty();
  }

  /** Generates the tiny model into {@code workDir} and starts the server; returns once {@code /health} is ok. */
  public static LlamaServer start(Path workDir) throws Exception {
    return start(workDir, false);
  }

  /** The same, with FIM tokens in the model when {@code fim}; its id is then {@link #FIM_MODEL_ID}. */
  public static LlamaServer start(Path workDir, boolean fim) throws Exception {
    Path bin = binary().orElseThrow(() -> new IllegalStateException("no llama-server under " + home()));
    Path model = workDir.resolve(fim ? "tiny-fim.gguf" : "tiny.gguf");
    makeTinyModel(model, workDir.resolve(fim ? "make-fim-model.log" : "make-model.log"), fim);
    int port = freePort();
    Path log = workDir.resolve(fim ? "llama-server-fim.log" : "llama-server.log");
    List<String> command = List.of(bin.toString(), "-m", model.toString(), "--host", "127.0.0.1",
        "--port", Integer.toString(port), "-c", "65536", "-np", "1", "-t", "1", "-tb", "1", "--metrics",
        "--embeddings", "--pooling", "mean", "--alias", fim ? FIM_MODEL_ID : MODEL_ID);
    return launch(command, port, log);
  }

  /**
   * Starts llama-server in router mode ({@code --models-dir}, in this build since the bundle's llama.cpp has it; see
   * docs/backends.md): it lists the tiny model as {@link #MODEL_ID} (the file's name) and loads it into a child
   * server on first use or {@code POST /models/load}. The children get the same one-slot, one-thread, 4096-token
   * settings; nothing is loaded at start.
   */
  public static LlamaServer startRouter(Path workDir) throws Exception {
    Path bin = binary().orElseThrow(() -> new IllegalStateException("no llama-server under " + home()));
    Path models = Files.createDirectories(workDir.resolve("router-models"));
    makeTinyModel(models.resolve(MODEL_ID + ".gguf"), workDir.resolve("make-router-model.log"), false);
    int port = freePort();
    Path log = workDir.resolve("llama-server-router.log");
    List<String> command = List.of(bin.toString(), "--models-dir", models.toString(), "--host", "127.0.0.1",
        "--port", Integer.toString(port), "-c", "4096", "-np", "1", "-t", "1", "-tb", "1");
    return launch(command, port, log);
  }

  /** Runs {@code command} (which listens on {@code port}) and returns once {@code /health} is ok. */
  private static LlamaServer launch(List<String> command, int port, Path log) throws Exception {
    // Appends: a restarted server's log follows the first one's, so a failure shows both.
    Process process = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    LlamaServer server = new LlamaServer(process, command, port, log);
    try {
      server.awaitHealthy(Duration.ofSeconds(30));
    } catch (Exception e) {
      server.close();
      throw e;
    }
    return server;
  }

  /**
   * Kills the server at once by its process id ({@code SIGKILL}), as a crash would: it answers nothing more, and the
   * kernel resets its open connections. Returns once the process is gone.
   */
  public void kill() throws InterruptedException {
    ProcessHandle.of(process.pid()).ifPresent(ProcessHandle::destroyForcibly);
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      throw new IllegalStateException("llama-server (pid " + process.pid() + ") still runs 10 s after SIGKILL");
    }
  }

  /** The same server (model file, flags, port) started again once this one is gone; returns once it is healthy. */
  public LlamaServer restart() throws Exception {
    if (process.isAlive()) {
      throw new IllegalStateException("llama-server (pid " + process.pid() + ") still runs: kill it first");
    }
    return launch(command, port, log);
  }

  public URI baseUrl() {
    return URI.create("http://127.0.0.1:" + port);
  }

  /** {@code llamacpp:requests_processing} from {@code /metrics}. */
  public int requestsProcessing() throws Exception {
    return (int) metric("requests_processing");
  }

  /**
   * One {@code llamacpp:} value from {@code /metrics}, e.g. {@code requests_deferred} (requests waiting for the
   * slot) or {@code tokens_predicted_total} (counted once a request ends).
   */
  public double metric(String name) throws Exception {
    String metrics = http.send(HttpRequest.newBuilder(baseUrl().resolve("/metrics")).timeout(Duration.ofSeconds(2))
        .build(), HttpResponse.BodyHandlers.ofString()).body();
    Matcher m = Pattern.compile("(?m)^llamacpp:" + Pattern.quote(name) + "\\s+([0-9.e+-]+)").matcher(metrics);
    if (!m.find()) {
      throw new AssertionError("no llamacpp:" + name + " in /metrics:\n" + metrics);
    }
    return Double.parseDouble(m.group(1));
  }

  public String logTail() {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  private void awaitHealthy(Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("llama-server exited with " + process.exitValue() + ":\n" + logTail());
      }
      try {
        HttpResponse<String> health = http.send(HttpRequest.newBuilder(baseUrl().resolve("/health"))
            .timeout(Duration.ofSeconds(1)).build(), HttpResponse.BodyHandlers.ofString());
        if (health.statusCode() == 200 && health.body().contains("\"ok\"")) {
          return;
        }
      } catch (IOException notYet) {
        // still starting
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("llama-server not healthy within " + timeout + ":\n" + logTail());
  }

  private static void makeTinyModel(Path out, Path log, boolean fim) throws Exception {
    Path script = repoRoot().resolve("scripts/llama-server/make_tiny_model.py");
    Path llamaCpp = home().resolve("llama.cpp");
    List<String> command = new ArrayList<>(List.of(python(), script.toString()));
    if (fim) {
      command.add("--fim");
    }
    command.addAll(List.of(llamaCpp.resolve("models/ggml-vocab-llama-spm.gguf").toString(), out.toString()));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().put("PYTHONPATH", llamaCpp.resolve("gguf-py").toString());
    Process p = builder.start();
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IllegalStateException("make_tiny_model.py failed:\n" + Files.readString(log));
    }
  }

  /** The first Python 3 that has numpy (Debian's python3-numpy lives under /usr/bin/python3). */
  private static String python() throws Exception {
    for (String candidate : List.of("python3", "/usr/bin/python3")) {
      try {
        Process p = new ProcessBuilder(candidate, "-c", "import numpy").redirectErrorStream(true).start();
        if (p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0) {
          return candidate;
        }
      } catch (IOException missing) {
        // try the next one
      }
    }
    throw new IllegalStateException("no python3 with numpy (apt-get install python3-numpy)");
  }

  static Path repoRoot() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.exists(dir.resolve("scripts/llama-server/make_tiny_model.py"))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new IllegalStateException("cannot find the repository root above " + Path.of("").toAbsolutePath());
    }
    return dir;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  @Override
  public void close() {
    // A router's loaded models run in child servers: stop them too, so none outlives the test.
    List<ProcessHandle> children = process.descendants().toList();
    process.destroy();
    children.forEach(ProcessHandle::destroy);
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
