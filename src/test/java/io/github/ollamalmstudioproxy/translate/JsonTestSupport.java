package io.github.ollamalmstudioproxy.translate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** JSON parsing, comparison with a readable diff, and golden-folder discovery for the translation tests. */
final class JsonTestSupport {
  static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  static final Path GOLDEN = Path.of("src/test/resources/golden");

  /** Numbers compare by value (an int 300 equals a long 300); everything else by equals. */
  private static final Comparator<JsonNode> VALUES = (a, b) -> {
    if (a.isNumber() && b.isNumber()) {
      return a.decimalValue().compareTo(b.decimalValue());
    }
    return a.equals(b) ? 0 : 1;
  };

  private JsonTestSupport() {}

  /** {@code text} as a JSON string literal, quotes included. */
  static String quote(String text) {
    try {
      return new ObjectMapper().writeValueAsString(text);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  static JsonNode json(String text) {
    try {
      return MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("bad test JSON: " + text, e);
    }
  }

  /** Structural equality (key order ignored); on failure shows both sides pretty-printed. */
  static void assertJsonEquals(JsonNode expected, JsonNode actual) {
    if (!expected.equals(VALUES, actual)) {
      assertThat(pretty(actual)).isEqualTo(pretty(expected));
      assertThat(actual).as("numeric types differ").isEqualTo(expected);
    }
  }

  static String pretty(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The case folders of one endpoint, sorted by name. */
  static List<Path> cases(String endpoint) {
    try (Stream<Path> dirs = Files.list(GOLDEN.resolve(endpoint))) {
      return dirs.filter(Files::isDirectory).sorted().collect(Collectors.toList());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
