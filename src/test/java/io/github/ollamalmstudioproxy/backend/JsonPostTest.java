package io.github.ollamalmstudioproxy.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.vertx.core.buffer.Buffer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link JsonPost#hasTopLevelError}: a 2xx body whose first key is a non-null {@code error} is an error. */
class JsonPostTest {
  /** 69 bytes of ordinary keys before a later {@code error} key: only the first key counts. */
  private static final String OTHER_KEYS =
      "\"id\":\"chatcmpl-0123456789\",\"object\":\"chat.completion\",\"created\":17000";
  private static final String LATE_ERROR = "{" + OTHER_KEYS + ",\"error\":\"x\"}";

  static Stream<Arguments> bodies() {
    return Stream.of(
        arguments("LM Studio's unknown-route answer",
            "{\"error\":\"Unexpected endpoint or method. (GET /api/tags)\"}", true),
        arguments("leading spaces, an error object", "  {\"error\":{\"message\":\"terminated\"}}", true),
        arguments("whitespace and newlines between the brace, the key and the colon",
            "\n{ \n\t\"error\"\r\n  :\n  \"model not loaded\"\n}", true),
        arguments("an error string that reads null", "{\"error\":\"null\"}", true),
        arguments("a normal completion", "{\"id\":\"x\",\"choices\":[]}", false),
        arguments("a null error first", "{\"error\":null,\"data\":[]}", false),
        arguments("a null error with spaces", "{ \"error\" : null }", false),
        arguments("an array holding an error", "[{\"error\":\"x\"}]", false),
        arguments("not JSON", "hello", false),
        arguments("empty body", "", false),
        arguments("only whitespace", " \n\t ", false),
        arguments("an empty object", "{}", false),
        arguments("first key errors", "{\"errors\":[\"x\"]}", false),
        arguments("first key error_code", "{\"error_code\":\"E42\",\"message\":\"x\"}", false),
        arguments("first key error, unquoted (not JSON)", "{error:\"x\"}", false),
        arguments("error as a value, not a key", "{\"type\":\"error\",\"message\":\"x\"}", false),
        arguments("an error key after 69 bytes of other keys", LATE_ERROR, false),
        arguments("a UTF-8 byte order mark first", "\uFEFF{\"error\":\"x\"}", true),
        arguments("64 spaces before the error", " ".repeat(64) + "{\"error\":\"x\"}", true),
        arguments("a null error after 55 spaces", "{\"error\":" + " ".repeat(55) + "null}", false),
        arguments("undecided within the first bytes", "{\"error\":" + " ".repeat(300) + "\"x\"}", false));
  }

  @ParameterizedTest(name = "{0} -> {2}")
  @MethodSource("bodies")
  void hasTopLevelErrorLooksOnlyAtTheFirstKey(String why, String body, boolean error) {
    assertThat(JsonPost.hasTopLevelError(Buffer.buffer(body))).isEqualTo(error);
  }

  @Test
  void theLateErrorCaseReallyHasItsErrorKeyAfterOtherKeys() {
    assertThat(LATE_ERROR.indexOf("\"error\"")).isGreaterThan(64);
  }
}
