package io.github.ollamalmstudioproxy.deploy;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real nginx (Debian's package) as a child process: the deploy example included in a minimal main configuration
 * that keeps everything nginx writes (pid, logs, temporary files) in a private directory, loopback only, in the
 * foreground ({@code daemon off}), stopped by its process id.
 */
final class NginxRunner implements AutoCloseable {
  private static final List<String> CANDIDATES = List.of("/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/bin/nginx");

  private static final Pattern ID_AND_MSEC = Pattern.compile(" id=(\\S+) msec=([0-9.]+)");

  private final Process process;
  private final Path dir;
  private final int port;

  private NginxRunner(Process process, Path dir, int port) {
    this.process = process;
    this.dir = dir;
    this.port = port;
  }

  /** The nginx binary, or skips the test; under {@code REQUIRE_NGINX=1} (CI) a missing binary fails it instead. */
  static Path requireOrSkip() {
    Path binary = CANDIDATES.stream().map(Path::of).filter(Files::isExecutable).findFirst().orElse(null);
    if (binary == null && "1".equals(System.getenv("REQUIRE_NGINX"))) {
      fail("REQUIRE_NGINX=1 but no nginx binary in " + CANDIDATES + ": apt-get install nginx");
    }
    assumeTrue(binary != null, "no nginx binary in " + CANDIDATES + ": apt-get install nginx to run this test");
    return binary;
  }

  /**
   * Starts nginx with {@code site} (the rendered example, listening on {@code port}) included in its http block.
   * Returns once the port accepts connections.
   */
  static NginxRunner start(Path binary, Path dir, String site, int port) throws IOException {
    for (String sub : List.of("body", "proxy", "fastcgi", "uwsgi", "scgi")) {
      Files.createDirectories(dir.resolve(sub));
    }
    Files.writeString(dir.resolve("ollama-proxy.conf"), site);
    Path conf = dir.resolve("nginx.conf");
    Files.writeString(conf, main(dir));
    Process process = new ProcessBuilder(binary.toString(), "-p", dir.toString(), "-c", conf.toString(),
        "-e", dir.resolve("error.log").toString())
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("stdout.log").toFile()))
        .start();
    NginxRunner nginx = new NginxRunner(process, dir, port);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (!accepts(port)) {
      if (!process.isAlive() || System.nanoTime() > deadline) {
        nginx.close();
        throw new IllegalStateException("nginx did not start:\n" + nginx.errorLog());
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
    }
    return nginx;
  }

  /**
   * What a distribution's nginx.conf provides around conf.d, reduced to a private directory. The access log records
   * which replica served each request ({@code $upstream_addr}) and when it ended ({@code $msec}).
   */
  private static String main(Path dir) {
    return """
        daemon off;
        master_process on;
        worker_processes 2;
        worker_rlimit_nofile 8192;
        pid %1$s/nginx.pid;
        error_log %1$s/error.log warn;
        events { worker_connections 4096; }
        http {
          log_format replicas '$remote_addr "$request" $status $body_bytes_sent $request_time '
                              'upstream=$upstream_addr upstream_status=$upstream_status id=$ollama_request_id msec=$msec';
          access_log %1$s/access.log replicas;
          client_body_temp_path %1$s/body;
          proxy_temp_path %1$s/proxy;
          fastcgi_temp_path %1$s/fastcgi;
          uwsgi_temp_path %1$s/uwsgi;
          scgi_temp_path %1$s/scgi;
          include %1$s/ollama-proxy.conf;
        }
        """.formatted(dir);
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static boolean accepts(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  int port() {
    return port;
  }

  /**
   * When nginx finished each request (its {@code $msec}, epoch milliseconds), by the X-Request-Id it logged: for a
   * request the client hung up, the moment nginx closed the upstream connection.
   */
  Map<String, Double> finishedMillis() throws IOException {
    Map<String, Double> finished = new HashMap<>();
    for (String line : Files.readAllLines(dir.resolve("access.log"))) {
      Matcher m = ID_AND_MSEC.matcher(line);
      if (m.find()) {
        finished.put(m.group(1), Double.parseDouble(m.group(2)) * 1000);
      }
    }
    return finished;
  }

  String errorLog() {
    try {
      Path log = dir.resolve("error.log");
      return Files.isRegularFile(log) ? Files.readString(log) : "(no error.log)";
    } catch (IOException e) {
      return "(error.log unreadable: " + e + ")";
    }
  }

  /**
   * SIGTERM to the master, which stops its workers; if it has not exited within 10 s, SIGKILL to the workers (by
   * their ids, as children of this master) and then to the master.
   */
  @Override
  public void close() {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.children().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
