package io.github.ollamalmstudioproxy.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The catalog is pure (JDK and Jackson): the server wires Vert.x around it, never into it. */
class NoVertxImportTest {
  private static final Path SOURCES = Path.of("src/main/java/io/github/ollamalmstudioproxy/catalog");

  @Test
  void noCatalogSourceImportsVertx() throws IOException {
    List<Path> offenders;
    try (Stream<Path> files = Files.walk(SOURCES)) {
      offenders = files.filter(p -> p.toString().endsWith(".java")).filter(NoVertxImportTest::mentionsVertx).toList();
    }
    assertThat(Files.isDirectory(SOURCES)).isTrue();
    assertThat(offenders).isEmpty();
  }

  private static boolean mentionsVertx(Path file) {
    try {
      return Files.readAllLines(file).stream().map(String::strip)
          .anyMatch(l -> l.startsWith("import io.vertx") || l.startsWith("import static io.vertx")
              || l.contains("io.vertx."));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
