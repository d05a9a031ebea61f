package io.github.ollamalmstudioproxy.translate;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The translation layers stay pure: no transport types, so they can be tested and benchmarked without a server. */
class PureLayerImportTest {
  private static final Path MAIN = Path.of("src/main/java/io/github/ollamalmstudioproxy");

  @Test
  void pureLayersImportNoVertx() throws IOException {
    List<Path> sources;
    try (Stream<Path> files = Stream.of("sse", "translate", "wire")
        .map(MAIN::resolve)
        .filter(Files::isDirectory)
        .flatMap(PureLayerImportTest::walk)) {
      sources = files.filter(p -> p.toString().endsWith(".java")).collect(Collectors.toList());
    }
    assertThat(sources).as("sources found").isNotEmpty();
    for (Path source : sources) {
      assertThat(Files.readAllLines(source))
          .as(source.toString())
          .noneMatch(line -> line.matches("\\s*import\\s+(static\\s+)?io\\.vertx\\..*"))
          .noneMatch(line -> line.contains("io.vertx."));
    }
  }

  private static Stream<Path> walk(Path dir) {
    try {
      return Files.walk(dir);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
