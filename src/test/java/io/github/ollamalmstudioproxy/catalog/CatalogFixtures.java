package io.github.ollamalmstudioproxy.catalog;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Loads the golden catalog cases: one folder per backend answer, under golden/catalog/. */
final class CatalogFixtures {
  static final Path ROOT = Path.of("src/test/resources/golden/catalog");
  static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  /** Model i of a case is first seen at FIRST_SEEN + i minutes, so that the newest-first order is visible. */
  static final Instant FIRST_SEEN = Instant.parse("2026-05-10T15:06:48.639712Z");
  static final Instant NOW = Instant.parse("2026-05-10T16:00:00Z");

  private static final Map<String, CatalogSource> INPUTS = Map.of(
      "api-v1-models.json", CatalogSource.LMSTUDIO_V1,
      "api-v0-models.json", CatalogSource.LMSTUDIO_V0,
      "v1-models.json", CatalogSource.OPENAI);

  private CatalogFixtures() {}

  static List<String> cases() {
    try (Stream<Path> dirs = Files.list(ROOT)) {
      return dirs.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static CatalogSnapshot snapshot(String caseName) {
    Path dir = ROOT.resolve(caseName);
    for (Map.Entry<String, CatalogSource> input : INPUTS.entrySet()) {
      Path file = dir.resolve(input.getKey());
      if (Files.exists(file)) {
        JsonNode body = read(file);
        List<BackendModel> models = ModelListParser.parse(input.getValue(), 200, body).orElseThrow(
            () -> new AssertionError(file + " is not recognised as " + input.getValue()));
        Map<String, Instant> firstSeen = new HashMap<>();
        for (int i = 0; i < models.size(); i++) {
          firstSeen.put(models.get(i).key(), FIRST_SEEN.plusSeconds(60L * i));
        }
        return CatalogSnapshot.of(input.getValue(), models, firstSeen);
      }
    }
    throw new AssertionError("no backend input in " + dir);
  }

  static JsonNode read(Path file) {
    try {
      return MAPPER.readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String pretty(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node) + "\n";
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A file name for a model name: {@code qwen/qwen3-4b:latest} → {@code qwen_qwen3-4b_latest.json}. */
  static String fileName(String modelName) {
    return modelName.replaceAll("[^A-Za-z0-9._-]", "_") + ".json";
  }
}
