package io.github.ollamalmstudioproxy.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PathGuardTest {
  static Stream<Arguments> paths() {
    return Stream.of(
        Arguments.of("/v1/chat/completions", true),
        Arguments.of("/v1/models", true),
        Arguments.of("/v1/./models", true),
        Arguments.of("/v1/a/../models", true),
        Arguments.of("/v1/../x", false),
        Arguments.of("/v1/%2e%2e/x", false),
        Arguments.of("/v1/%2E%2E/x", false),
        Arguments.of("/v1/..%2fx", false),
        Arguments.of("/v1/..%2Fx", false),
        Arguments.of("/v1/%252e%252e/x", false),
        Arguments.of("/v1/..%5cx", false),
        Arguments.of("/v1/..\\x", false),
        Arguments.of("/v1/a/../../x", false),
        Arguments.of("/v1/%zz", false),
        Arguments.of("/v1/x%00", false));
  }

  @ParameterizedTest(name = "{0} stays under /v1/: {1}")
  @MethodSource("paths")
  void refusesPathsThatLeaveTheirPrefix(String path, boolean allowed) {
    assertThat(PathGuard.staysUnder(path, "/v1/")).isEqualTo(allowed);
  }
}
