package io.github.ollamalmstudioproxy.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ListenAddressTest {
  static Stream<Arguments> ollamaHostForms() {
    return Stream.of(
        Arguments.of("empty means Ollama's default", "", "127.0.0.1", 11434),
        Arguments.of("bare host keeps the default port", "0.0.0.0", "0.0.0.0", 11434),
        Arguments.of("host and port", "127.0.0.1:8080", "127.0.0.1", 8080),
        Arguments.of("port only", ":9000", "127.0.0.1", 9000),
        Arguments.of("URL form", "http://0.0.0.0:11435", "0.0.0.0", 11435),
        Arguments.of("URL without port", "http://localhost", "localhost", 11434),
        Arguments.of("bracketed IPv6 with port", "[::1]:7000", "::1", 7000),
        Arguments.of("bare IPv6", "::1", "::1", 11434));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("ollamaHostForms")
  void parsesTheFormsOllamaHostAccepts(String name, String text, String host, int port) {
    assertThat(ListenAddress.parse(text)).isEqualTo(new ListenAddress(host, port));
  }
}
