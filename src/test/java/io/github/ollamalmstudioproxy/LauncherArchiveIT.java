package io.github.ollamalmstudioproxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.ollamalmstudioproxy.support.LauncherProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16, point 4: the launcher makes a class-data archive (AppCDS on JDK 17, the AOT cache on JDK 25+) in a
 * training run before the first start, uses it from then on, makes it again when the jar changes, and starts without
 * one whenever it cannot. Runs a copy of the launcher next to a copy of the jar, so the real jar is never touched.
 */
class LauncherArchiveIT {
  private static final boolean AOT = Runtime.version().feature() >= 25;
  private static final String EXT = AOT ? ".aot" : ".jsa";
  private static final String USE = AOT ? "-XX:AOTCache=" : "-XX:SharedArchiveFile=";

  @TempDir
  Path root;
  private Path launcher;
  private Path jar;
  private Path cache;

  @BeforeEach
  void copyTheLauncherAndTheJar() throws IOException {
    launcher = Files.copy(LauncherProcess.SCRIPT,
        Files.createDirectories(root.resolve("bin")).resolve("ollama-lmstudio-proxy"));
    Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
    jar = Files.copy(Path.of("target", "ollama-lmstudio-proxy.jar"),
        Files.createDirectories(root.resolve("target")).resolve("ollama-lmstudio-proxy.jar"));
    cache = root.resolve("cache");
  }

  @Test
  void theFirstStartMakesTheArchiveTheSecondUsesItAndAChangedJarGetsANewOne() throws Exception {
    Path classes = root.resolve("classes.txt");
    // Where each class came from, to see that the proxy's own classes are mapped from the archive.
    Map<String, String> env = Map.of("OLLAMA_PROXY_CDS", "auto", "OLLAMA_PROXY_CACHE_DIR", cache.toString(),
        "OLLAMA_PROXY_JAVA_OPTS", "-XX:+UseSerialGC -Xmx256m -Xlog:class+load=info:file=" + classes);
    Path archive;
    try (LauncherProcess first = start(env)) {
      answers(first.awaitPort());
      assertThat(first.output()).contains("making the class-data archive");
      archive = onlyArchive();
      assertThat(first.jvmArguments()).contains(USE + archive);
    }
    try (LauncherProcess second = start(env)) {
      answers(second.awaitPort());
      assertThat(second.output()).doesNotContain("making the class-data archive");
      assertThat(second.jvmArguments()).contains(USE + archive);
      assertThat(Files.readString(classes)).as("Main came from the archive")
          .containsPattern("io\\.github\\.ollamalmstudioproxy\\.Main source: shared objects file");
    }

    Files.setLastModifiedTime(jar, FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() - 60_000));
    try (LauncherProcess rebuilt = start(env)) {
      answers(rebuilt.awaitPort());
      assertThat(rebuilt.output()).contains("making the class-data archive");
      Path fresh = onlyArchive();
      assertThat(fresh).as("a new archive for the changed jar, the old one removed").isNotEqualTo(archive);
      assertThat(rebuilt.jvmArguments()).contains(USE + fresh);
    }
  }

  @Test
  void aCacheDirectoryThatCannotBeCreatedMeansStartingWithoutAnArchive() throws Exception {
    // A path below a regular file can be created by no one, root included (tests may run as root).
    Path blocked = Files.writeString(root.resolve("not-a-directory"), "").resolve("cache");
    try (LauncherProcess proxy = start(Map.of("OLLAMA_PROXY_CDS", "auto",
        "OLLAMA_PROXY_CACHE_DIR", blocked.toString()))) {
      answers(proxy.awaitPort());
      assertThat(proxy.jvmArguments()).noneMatch(a -> a.startsWith(USE));
      assertThat(proxy.output()).doesNotContain("making the class-data archive");
    }
  }

  @Test
  void aTrainingRunThatFailsIsReportedOnceAndStartUpGoesOnWithoutAnArchive() throws Exception {
    // A java that fails the training run only, and runs everything else with this test's JDK.
    Path fakeJava = Files.createDirectories(root.resolve("jdk").resolve("bin")).resolve("java");
    Files.writeString(fakeJava, "#!/usr/bin/env bash\n"
        + "for a in \"$@\"; do [[ \"$a\" == -Dollama.proxy.selfExercise=true ]] && { echo 'training failed'; exit 1; }; done\n"
        + "exec '" + Path.of(System.getProperty("java.home"), "bin", "java") + "' \"$@\"\n");
    Files.setPosixFilePermissions(fakeJava, PosixFilePermissions.fromString("rwxr-xr-x"));
    Map<String, String> env = Map.of("OLLAMA_PROXY_CDS", "auto", "OLLAMA_PROXY_CACHE_DIR", cache.toString(),
        "JAVA_HOME", root.resolve("jdk").toString());
    try (LauncherProcess first = start(env)) {
      answers(first.awaitPort());
      assertThat(first.output()).contains("could not make the class-data archive (see " + cache.resolve("training.log")
          + "); starting without it");
      assertThat(first.jvmArguments()).noneMatch(a -> a.startsWith(USE));
    }
    assertThat(Files.readString(cache.resolve("training.log"))).contains("training failed");
    try (LauncherProcess second = start(env)) {
      answers(second.awaitPort());
      assertThat(second.output()).as("not tried again for the same jar and Java")
          .doesNotContain("class-data archive");
    }
  }

  @Test
  void offTurnsItOff() throws Exception {
    try (LauncherProcess proxy = start(Map.of("OLLAMA_PROXY_CDS", "off", "OLLAMA_PROXY_CACHE_DIR",
        cache.toString()))) {
      answers(proxy.awaitPort());
      assertThat(proxy.jvmArguments()).noneMatch(a -> a.startsWith(USE));
    }
    assertThat(cache).doesNotExist();
  }

  private LauncherProcess start(Map<String, String> env) throws IOException {
    return LauncherProcess.start(List.of(launcher.toString(), "--demo", "--listen", "127.0.0.1:0"), env);
  }

  private Path onlyArchive() throws IOException {
    try (Stream<Path> files = Files.list(cache)) {
      List<Path> archives = files.filter(f -> f.getFileName().toString().endsWith(EXT)).toList();
      assertThat(archives).hasSize(1);
      return archives.get(0);
    }
  }

  private static void answers(int port) throws Exception {
    HttpResponse<String> tags = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + port + "/api/tags")).timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(tags.statusCode()).isEqualTo(200);
  }
}
