package io.github.ollamalmstudioproxy.bench.sidebyside;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The proxy as users run it: its own JVM started from the shaded jar, so its CPU time and memory can be read from
 * {@code /proc}. Start-up time is measured from just before the process is spawned to the first 200 on {@code GET /}.
 */
final class ProxyProcess implements AutoCloseable {
  private static final long START_DEADLINE_NANOS = 60_000_000_000L;
  /** The launcher's first start makes its class-data archive first, in a training run it bounds to 300 s. */
  private static final long LAUNCH_DEADLINE_NANOS = 330_000_000_000L;

  private final Process process;
  private final int port;
  private final long startupNanos;
  private final Path log;

  private ProxyProcess(Process process, int port, long startupNanos, Path log) {
    this.process = process;
    this.port = port;
    this.startupNanos = startupNanos;
    this.log = log;
  }

  static ProxyProcess start(Path java, List<String> jvmFlags, Path jar, String backend, Path log) throws IOException {
    return start(java, jvmFlags, jar, backend, log, List.of());
  }

  static ProxyProcess start(Path java, List<String> jvmFlags, Path jar, String backend, Path log,
      List<String> proxyArgs) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(java.toString());
    command.addAll(jvmFlags);
    command.addAll(List.of("-jar", jar.toString()));
    return start(command, Map.of(), backend, log, proxyArgs, START_DEADLINE_NANOS);
  }

  /**
   * The proxy through {@code bin/ollama-lmstudio-proxy} (a copy of it next to a copy of the jar, see {@link
   * LauncherCopy}), with its default JVM flags and class-data archive; {@code env} sets OLLAMA_PROXY_* variables.
   * The launcher execs the JVM, so the process id is the JVM's and /proc figures are the proxy's.
   */
  static ProxyProcess launch(Path launcher, Map<String, String> env, String backend, Path log,
      List<String> proxyArgs) throws IOException {
    return start(List.of(launcher.toString()), env, backend, log, proxyArgs, LAUNCH_DEADLINE_NANOS);
  }

  /**
   * Starts {@code command} (a JVM with its flags and jar, or the launcher script, which execs its JVM under the same
   * pid) with the proxy's listen and backend arguments, in an environment without the caller's OLLAMA_ and JVM
   * option variables plus {@code env}.
   */
  static ProxyProcess launch(List<String> command, Map<String, String> env, String backend, Path log,
      List<String> proxyArgs) throws IOException {
    return start(command, env, backend, log, proxyArgs, LAUNCH_DEADLINE_NANOS);
  }

  private static ProxyProcess start(List<String> prefix, Map<String, String> extraEnv, String backend, Path log,
      List<String> proxyArgs, long deadlineNanos) throws IOException {
    int port = freePort();
    List<String> command = new ArrayList<>(prefix);
    command.addAll(List.of("--listen", "127.0.0.1:" + port, "--backend", backend));
    command.addAll(proxyArgs);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    Map<String, String> env = builder.environment();
    env.keySet().removeIf(k -> k.startsWith("OLLAMA_") || k.equals("JAVA_TOOL_OPTIONS") || k.equals("JDK_JAVA_OPTIONS"));
    env.putAll(extraEnv);
    long t0 = System.nanoTime();
    Process process = Children.start(builder);
    while (!answers200(port)) {
      if (!process.isAlive()) {
        throw new IllegalStateException("the proxy exited with " + process.exitValue() + " during start-up; see " + log);
      }
      if (System.nanoTime() - t0 > deadlineNanos) {
        Children.stop(process, 5);
        throw new IllegalStateException("the proxy did not answer GET / within " + deadlineNanos / 1_000_000_000L
            + " s; see " + log);
      }
      sleepMillis(2);
    }
    return new ProxyProcess(process, port, System.nanoTime() - t0, log);
  }

  int port() {
    return port;
  }

  long pid() {
    return process.pid();
  }

  long startupNanos() {
    return startupNanos;
  }

  Path log() {
    return log;
  }

  ProcStats stats() {
    return ProcStats.read(process.pid());
  }

  /** Resets VmHWM to the current RSS (Linux 4.0+), so a later peak belongs to what follows; false if refused. */
  boolean resetPeak() {
    try {
      Files.writeString(Path.of("/proc", Long.toString(process.pid()), "clear_refs"), "5");
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** SIGTERM (graceful drain), as a service manager would; returns the exit code. */
  int stop() {
    return Children.stop(process, 20);
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      stop();
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress("127.0.0.1", 0));
      return socket.getLocalPort();
    }
  }

  /** A plain-socket {@code GET /}: no client library whose own warm-up would count as the proxy's start-up. */
  static boolean answers200(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
      socket.setSoTimeout(5000);
      OutputStream out = socket.getOutputStream();
      out.write("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      byte[] head = in.readNBytes(12);
      return new String(head, StandardCharsets.US_ASCII).startsWith("HTTP/1.1 200");
    } catch (IOException e) {
      return false;
    }
  }

  static void sleepMillis(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
