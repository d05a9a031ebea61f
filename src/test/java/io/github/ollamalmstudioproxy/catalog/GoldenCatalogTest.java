package io.github.ollamalmstudioproxy.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Compares {@code /api/tags}, {@code /api/show} (for every model) and {@code /api/ps} with golden files, byte for
 * byte after pretty-printing, so key order, integer-versus-string and absent-versus-null are all pinned.
 *
 * <p>Adding a backend quirk means adding a folder with its raw answer. Run with {@code -Dgolden.update=true} to
 * write the expected files, then review the diff.
 */
class GoldenCatalogTest {
  private static final boolean UPDATE = Boolean.getBoolean("golden.update");

  @TestFactory
  Stream<DynamicTest> everyCaseMatchesItsGoldenFiles() {
    List<DynamicTest> tests = new ArrayList<>();
    for (String caseName : CatalogFixtures.cases()) {
      Path dir = CatalogFixtures.ROOT.resolve(caseName);
      CatalogSnapshot snapshot = CatalogFixtures.snapshot(caseName);
      tests.add(golden(caseName + " tags", dir.resolve("tags.json"), OllamaViews.tags(snapshot)));
      tests.add(golden(caseName + " ps", dir.resolve("ps.json"), OllamaViews.ps(snapshot, CatalogFixtures.NOW)));
      for (BackendModel m : snapshot.models()) {
        String name = ModelNames.ollamaName(m.key());
        tests.add(golden(caseName + " show " + name, dir.resolve("show").resolve(CatalogFixtures.fileName(name)),
            OllamaViews.show(snapshot, name)));
      }
    }
    return tests.stream();
  }

  private static DynamicTest golden(String name, Path file, JsonNode actual) {
    return DynamicTest.dynamicTest(name, () -> {
      String text = CatalogFixtures.pretty(actual);
      if (UPDATE) {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text, StandardCharsets.UTF_8);
      }
      assertThat(file).as("golden file (run with -Dgolden.update=true to create it)").exists();
      assertThat(text).isEqualTo(read(file));
    });
  }

  private static String read(Path file) throws IOException {
    return Files.readString(file, StandardCharsets.UTF_8).replace("\r\n", "\n");
  }
}
