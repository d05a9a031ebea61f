package io.github.ollamalmstudioproxy.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The proxy as {@code bin/ollama-lmstudio-proxy} starts it, in its own JVM with the launcher's JVM flags, listening on
 * a free loopback port. Its output is kept (and the pipe drained); closing it stops the process.
 */
public final class LauncherProcess implements AutoCloseable {
  public static final Path SCRIPT = Path.of("bin", "ollama-lmstudio-proxy");
  private static final Pattern LISTENING =
      Pattern.compile("ollama-lmstudio-proxy listening on http://127\\.0\\.0\\.1:(\\d+)");

  private final Process process;
  private final List<String> output = new ArrayList<>();
  private final CompletableFuture<Integer> port = new CompletableFuture<>();

  private LauncherProcess(Process process) {
    this.process = process;
    Thread reader = new Thread(this::read, "launcher-output");
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * Starts the launcher with {@code args} (add {@code --listen 127.0.0.1:0}) and {@code env} on top of an environment
   * without any {@code OLLAMA_} variable but {@code OLLAMA_PROXY_CDS=off}, running this test's JDK. The jar must be built ({@code mvn package}).
   */
  public static LauncherProcess start(Map<String, String> env, String... args) throws IOException {
    if (!Files.isRegularFile(Path.of("target", "ollama-lmstudio-proxy.jar"))) {
      throw new IllegalStateException("target/ollama-lmstudio-proxy.jar is missing: run mvn package first");
    }
    List<String> command = new ArrayList<>(List.of(SCRIPT.toString()));
    command.addAll(List.of(args));
    return start(command, env);
  }

  /**
   * Starts {@code command} (a launcher at another path, e.g. where a container image puts it) the same way: an
   * environment without {@code OLLAMA_} variables, then {@code env}, and this test's JDK.
   */
  public static LauncherProcess start(List<String> command, Map<String, String> env) throws IOException {
    if (!Files.isRegularFile(Path.of("target", "ollama-lmstudio-proxy.jar"))) {
      throw new IllegalStateException("target/ollama-lmstudio-proxy.jar is missing: run mvn package first");
    }
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().keySet().removeIf(k -> k.startsWith("OLLAMA_"));
    builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
    // No class-data archive unless a test asks for one: a training run would slow every test and write to ~/.cache.
    builder.environment().put("OLLAMA_PROXY_CDS", "off");
    builder.environment().putAll(env);
    return new LauncherProcess(builder.start());
  }

  /** The port it listens on, once it says so (at most 30 s). */
  public int awaitPort() throws Exception {
    return port.get(30, TimeUnit.SECONDS);
  }

  public Process process() {
    return process;
  }

  /** The arguments of the running JVM, as the operating system reports them (the launcher execs java). */
  public List<String> jvmArguments() {
    return List.of(process.info().arguments().orElseThrow(() -> new IllegalStateException("no arguments reported")));
  }

  /** Everything it wrote so far. */
  public String output() {
    synchronized (output) {
      return String.join("\n", output);
    }
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  private void read() {
    try (BufferedReader lines = new BufferedReader(
        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = lines.readLine()) != null) {
        synchronized (output) {
          output.add(line);
        }
        Matcher m = LISTENING.matcher(line);
        if (m.find()) {
          port.complete(Integer.parseInt(m.group(1)));
        }
      }
    } catch (IOException e) {
      // The process ended.
    }
    port.completeExceptionally(new IllegalStateException("the proxy ended before listening:\n" + output()));
  }
}
