package io.github.ollamalmstudioproxy.catalog.alias;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.github.ollamalmstudioproxy.ollama.OllamaError;
import io.github.ollamalmstudioproxy.support.ManualClock;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The models file: read, re-read when it changes, written atomically, refused loudly when broken. */
class AliasStoreTest {
  @TempDir
  Path dir;
  private final ManualClock clock = new ManualClock();

  private static ModelAlias alias(String name, String system) {
    return new ModelAlias(name, "qwen/qwen3-4b:latest",
        AliasParameters.fromJson(JsonNodeFactory.instance.objectNode().put("temperature", 0.2).put("num_ctx", 8192)),
        system, "", List.of(),
        List.of(), Instant.parse("2026-01-31T12:00:00Z"));
  }

  @Test
  void aMissingFileIsAnEmptySetAndTheFirstChangeCreatesItWithItsDirectory() throws IOException {
    Path file = dir.resolve("config/ollama-lmstudio-proxy/models.yaml");
    AliasStore store = AliasStore.open(file, clock);
    assertThat(store.current().all()).isEmpty();

    store.update(a -> a.with(alias("mybot:latest", "Be terse.")));

    assertThat(Files.readString(file)).contains("name: mybot:latest", "from: qwen/qwen3-4b:latest",
        "temperature: 0.2", "num_ctx: 8192", "system: Be terse.");
    assertThat(AliasStore.open(file, clock).current()).isEqualTo(store.current());
    try (var left = Files.list(file.getParent())) {
      assertThat(left).as("no temporary file left behind").containsExactly(file);
    }
  }

  @Test
  void aMultiLineSystemPromptSurvivesTheFileAsItWasGiven() {
    Path file = dir.resolve("models.yaml");
    AliasStore.open(file, clock).update(a -> a.with(alias("m:latest", "Line one.\n  Indented: yes # not a comment\n")));

    assertThat(AliasStore.open(file, clock).current().find("m").orElseThrow().system())
        .isEqualTo("Line one.\n  Indented: yes # not a comment\n");
  }

  /** Another replica (or a hand edit) changed the file: seen after the recheck interval, not before. */
  @Test
  void aChangedFileIsReadAgainOnceTheRecheckIntervalHasPassed() throws IOException {
    Path file = dir.resolve("models.yaml");
    AliasStore store = AliasStore.open(file, clock);
    AliasStore other = AliasStore.open(file, clock);

    other.update(a -> a.with(alias("shared:latest", "")));

    assertThat(store.current().all()).as("within the interval").isEmpty();
    clock.advance(AliasStore.RECHECK);
    assertThat(store.current().find("shared")).isPresent();
  }

  /** A hand edit with a typo while running keeps the aliases read before; the fixed file is picked up. */
  @Test
  void aFileBrokenWhileRunningKeepsTheLastGoodAliases() throws IOException {
    Path file = dir.resolve("models.yaml");
    AliasStore store = AliasStore.open(file, clock);
    store.update(a -> a.with(alias("mybot:latest", "")));

    Files.writeString(file, "models:\n- name: mybot\n  form: typo\n");
    Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5)));
    clock.advance(AliasStore.RECHECK);
    assertThat(store.current().find("mybot")).as("last good").isPresent();

    Files.writeString(file, "models:\n- name: other\n  from: x\n");
    Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(10)));
    clock.advance(AliasStore.RECHECK);
    assertThat(store.current().all()).extracting(ModelAlias::name).containsExactly("other:latest");
  }

  @Test
  void aFileThatCannotBeParsedIsRefusedAtOpenNamingTheFileAndTheEntry() throws IOException {
    Path file = dir.resolve("models.yaml");
    Files.writeString(file, "models:\n- name: ok\n  from: x\n- name: bad\n  from: x\n  parameters: {temprature: 1}\n");

    assertThatThrownBy(() -> AliasStore.open(file, clock)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("invalid models file '" + file + "': models[1]: unknown parameter 'temprature'");
  }

  @Test
  void yamlThatIsNotYamlIsRefusedWithItsLine() throws IOException {
    Path file = dir.resolve("models.yaml");
    Files.writeString(file, "models:\n- name: ok\n  from: [unclosed\n");

    assertThatThrownBy(() -> AliasStore.open(file, clock)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("invalid models file '" + file + "': ").hasMessageContaining("(line ");
  }

  /** A read-only mount, as replicas sharing one file have it: 500 with the reason, the old file byte for byte. */
  @Test
  void aFileThatCannotBeWrittenIs500WithTheReasonAndStaysAsItWas() throws IOException {
    Path shared = dir.resolve("shared");
    Files.createDirectories(shared);
    Path file = shared.resolve("models.yaml");
    AliasStore.open(file, clock).update(a -> a.with(alias("mybot:latest", "")));
    String before = Files.readString(file);
    Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("r-xr-xr-x"));
    try {
      assumeThat(Files.isWritable(shared)).as("not running as a user who writes anywhere (root)").isFalse();
      AliasStore store = AliasStore.open(file, clock);

      assertThatThrownBy(() -> store.update(a -> a.without("mybot"))).isInstanceOfSatisfying(OllamaError.class,
          e -> {
            assertThat(e.status()).isEqualTo(500);
            assertThat(e.getMessage()).isEqualTo("cannot write the models file " + file
                + ": permission denied; nothing was changed");
          });
      assertThat(Files.readString(file)).isEqualTo(before);
      assertThat(store.current().find("mybot")).isPresent();
    } finally {
      Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
  }

  /**
   * The write goes to a temporary file renamed over the old one, so a reader never sees half a file; when the
   * rename fails (a read-only file system refuses it) the old file is as it was and the temporary file is gone.
   */
  @Test
  void aWriteThatFailsAtTheRenameLeavesTheOldFileAndNoTemporaryFile() throws IOException {
    Path file = dir.resolve("models.yaml");
    AliasStore.open(file, clock).update(a -> a.with(alias("mybot:latest", "")));
    String before = Files.readString(file);
    AliasStore readOnly = AliasStore.open(file, clock, (temp, target) -> {
      throw new FileSystemException(target.toString(), null, "Read-only file system");
    });

    assertThatThrownBy(() -> readOnly.update(a -> a.with(alias("x:latest", "")))).isInstanceOfSatisfying(
        OllamaError.class, e -> {
          assertThat(e.status()).isEqualTo(500);
          assertThat(e.getMessage()).isEqualTo("cannot write the models file " + file
              + ": read-only file system; nothing was changed");
        });
    assertThat(Files.readString(file)).isEqualTo(before);
    assertThat(readOnly.current().find("x")).as("not in service either").isEmpty();
    try (var left = Files.list(dir)) {
      assertThat(left).containsExactly(file);
    }
  }

  @Test
  void recheckIsOneSecond() {
    assertThat(AliasStore.RECHECK).isEqualTo(Duration.ofSeconds(1));
  }
}
