package io.github.ollamalmstudioproxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.ollamalmstudioproxy.support.LauncherProcess;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The proxy as a user runs it: a separate JVM process, started with --demo, stopped with SIGTERM. */
class LauncherIT {
  private static final Pattern LISTENING = Pattern.compile("ollama-lmstudio-proxy listening on http://127\\.0\\.0\\.1:(\\d+)");

  @Test
  void demoModeAnswersStreamingChatAndSigtermExitsZero() throws Exception {
    Process process = start("--demo", "--listen", "127.0.0.1:0", "--drain-timeout", "2s");
    try {
      List<String> output = new ArrayList<>();
      int port = awaitPort(process, output);
      assertThat(String.join("\n", output)).contains("DEMO MODE", "SIMULATOR");

      HttpResponse<String> chat = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
          .POST(HttpRequest.BodyPublishers.ofString(
              "{\"model\":\"qwen/qwen3-4b\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
          .build(), HttpResponse.BodyHandlers.ofString());
      assertThat(chat.statusCode()).isEqualTo(200);
      assertThat(chat.body()).startsWith("data: {").contains("\"delta\":{\"role\":\"assistant\"")
          .endsWith("data: [DONE]\n\n");

      process.destroy(); // SIGTERM
      assertThat(process.waitFor(20, TimeUnit.SECONDS)).as("exited after SIGTERM").isTrue();
      assertThat(process.exitValue()).isZero();
    } finally {
      process.destroyForcibly();
    }
  }

  @Test
  void badConfigurationExitsTwoWithOneLine() throws Exception {
    Process process = start("--backend", "localhost:1234");
    String err = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).isEqualTo(2);
    assertThat(err.strip()).isEqualTo(
        "ollama-lmstudio-proxy: invalid --backend URL 'localhost:1234': it must start with http:// or https://");
  }

  /** Issue 14: a models file that cannot be parsed stops start-up like any bad setting, naming file and entry. */
  @Test
  void unparseableModelsFileExitsTwoWithOneLine() throws Exception {
    Path file = Files.createTempFile("models", ".yaml");
    try {
      Files.writeString(file, "models:\n- name: mybot\n  from: qwen/qwen3-4b\n  sytem: typo\n");
      Process process = start("--models-file", file.toString());
      String err = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
      assertThat(process.exitValue()).isEqualTo(2);
      assertThat(err.strip()).isEqualTo("ollama-lmstudio-proxy: invalid models file '" + file + "': models[0]:"
          + " unknown key 'sytem' (known: name, from, parameters, system, template, messages, license, modified_at)");
    } finally {
      Files.deleteIfExists(file);
    }
  }

  /**
   * Issue 11, point 7: the launcher raises the soft open-files limit to the hard one. Run from a copy of the script
   * next to a stand-in jar, with a stand-in {@code java} that prints the limit it was started with, so nothing is built
   * and the JVM's own raising ({@code -XX:+MaxFDLimit}) cannot hide the script's.
   */
  @Test
  void theLauncherRaisesTheSoftOpenFilesLimitToTheHardLimit(@TempDir Path root) throws Exception {
    long hard = Long.parseLong(shell("ulimit -Hn").strip().replace("unlimited", String.valueOf(Long.MAX_VALUE)));
    Assumptions.assumeTrue(hard > 64, "the hard open-files limit leaves no room to raise: " + hard);
    Path bin = Files.createDirectories(root.resolve("bin"));
    Path launcher = Files.copy(Path.of("bin", "ollama-lmstudio-proxy"), bin.resolve("ollama-lmstudio-proxy"));
    Files.createDirectories(root.resolve("target"));
    Files.writeString(root.resolve("target").resolve("ollama-lmstudio-proxy.jar"), "");
    Path fakeJava = Files.createDirectories(root.resolve("jdk").resolve("bin")).resolve("java");
    Files.writeString(fakeJava, "#!/usr/bin/env bash\n"
        + "if [[ \"$1\" == -XshowSettings:properties ]]; then echo '    java.specification.version = 17' >&2; exit 0; fi\n"
        + "echo \"soft=$(ulimit -Sn)\"\n");
    Files.setPosixFilePermissions(fakeJava, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));

    ProcessBuilder builder = new ProcessBuilder("bash", "-c", "ulimit -Sn 64 && exec \"$0\"", launcher.toString());
    builder.environment().put("JAVA_HOME", root.resolve("jdk").toString());
    builder.environment().put("OLLAMA_PROXY_CDS", "off");
    builder.redirectErrorStream(true);
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();

    assertThat(output.strip()).isEqualTo("soft=" + shell("ulimit -Hn").strip());
  }

  private static String shell(String command) throws Exception {
    Process process = new ProcessBuilder("bash", "-c", command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    process.waitFor(10, TimeUnit.SECONDS);
    return output;
  }

  @Test
  void theLauncherHasItsJvmFlagsAndTheShippedLogFormat() throws Exception {
    try (LauncherProcess defaults = LauncherProcess.start(Map.of(), "--demo", "--listen", "127.0.0.1:0")) {
      defaults.awaitPort();
      assertThat(defaults.jvmArguments())
          .contains("-XX:+ExitOnOutOfMemoryError", "-XX:+UseSerialGC", "-Xmx512m");
      // The shipped logging set-up (StderrLogging, no logback.xml): one line per event, time, level, class, message.
      assertThat(defaults.output().lines()).anyMatch(line -> line.matches(
          "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}(Z|[+-]\\d\\d:\\d\\d) INFO  ProxyLauncher "
              + "ollama-lmstudio-proxy listening on http://127\\.0\\.0\\.1:\\d+.*"));
    }
    try (LauncherProcess own = LauncherProcess.start(Map.of("OLLAMA_PROXY_JAVA_OPTS", "-Xmx200m"), "--demo",
        "--listen", "127.0.0.1:0")) {
      own.awaitPort();
      assertThat(own.jvmArguments()).as("the user's own flags replace the defaults, not this one")
          .contains("-XX:+ExitOnOutOfMemoryError", "-Xmx200m").doesNotContain("-Xmx512m");
    }
  }

  @Test
  void anOutOfMemoryErrorEndsTheProcessSoThatASupervisorRestartsIt() throws Exception {
    // The body budget lifted far above a heap too small for the body: the one way left to run out of memory.
    try (LauncherProcess proxy = LauncherProcess.start(Map.of("OLLAMA_PROXY_JAVA_OPTS", "-XX:+UseSerialGC -Xmx48m"),
        "--demo", "--listen", "127.0.0.1:0", "--max-body-memory", "1GiB")) {
      int port = proxy.awaitPort();
      String image = Base64.getEncoder().encodeToString(new byte[20 * 1024 * 1024]);
      try {
        HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/chat"))
            .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"google/gemma-3-4b\","
                + "\"messages\":[{\"role\":\"user\",\"content\":\"x\",\"images\":[\"" + image + "\"]}]}")).build(),
            HttpResponse.BodyHandlers.discarding());
      } catch (IOException e) {
        // The process died under the request: that is the point.
      }

      assertThat(proxy.process().waitFor(30, TimeUnit.SECONDS)).as("exited; output:%n%s", proxy.output()).isTrue();
      assertThat(proxy.process().exitValue()).isEqualTo(3);
      assertThat(proxy.output()).contains("Terminating due to java.lang.OutOfMemoryError");
    }
  }

  private static Process start(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), Main.class.getName()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().keySet().removeIf(k -> k.startsWith("OLLAMA_"));
    builder.redirectErrorStream(true);
    return builder.start();
  }

  private static int awaitPort(Process process, List<String> output) throws Exception {
    BufferedReader err = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    CompletableFuture<Integer> port = CompletableFuture.supplyAsync(() -> {
      try {
        String line;
        while ((line = err.readLine()) != null) {
          synchronized (output) {
            output.add(line);
          }
          Matcher m = LISTENING.matcher(line);
          if (m.find()) {
            return Integer.parseInt(m.group(1));
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      throw new IllegalStateException("process ended before listening: " + output);
    });
    int found = port.get(Duration.ofSeconds(30).toSeconds(), TimeUnit.SECONDS);
    Thread drain = new Thread(() -> {
      try {
        while (err.readLine() != null) {
          // Keep the pipe empty so the process never blocks on logging.
        }
      } catch (IOException ignored) {
        // The process ended.
      }
    });
    drain.setDaemon(true);
    drain.start();
    return found;
  }
}
