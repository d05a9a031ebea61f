package io.github.ollamalmstudioproxy.catalog.alias;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.ollamalmstudioproxy.catalog.alias.Modelfile.Command;
import io.github.ollamalmstudioproxy.ollama.OllamaError;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The Modelfile reader, case by case against Ollama's {@code parser/parser.go} (v0.33.0-rc2). */
class ModelfileTest {

  /** Instructions in any case, comments and blank lines skipped, values to the end of the line (ParseFile, 454-583). */
  @Test
  void instructionsInAnyCaseWithCommentsAndBlankLines() {
    List<Command> commands = Modelfile.parse("# a comment\n\nfrom qwen/qwen3-4b\nParameter num_ctx 8192\n"
        + "PARAMETER stop <|im_end|>\nSYSTEM You are terse.  \nMESSAGE user hello there\n");

    assertThat(commands).containsExactly(
        new Command("from", null, "qwen/qwen3-4b", 3),
        new Command("parameter", "num_ctx", "8192", 4),
        new Command("parameter", "stop", "<|im_end|>", 5),
        new Command("system", null, "You are terse.", 6),
        new Command("message", "user", "hello there", 7));
  }

  /** {@code unquote} (656-675): {@code """} and {@code "} values may span lines; the quotes are not kept. */
  @Test
  void quotedValuesSpanLinesAndLoseTheirQuotes() {
    List<Command> commands = Modelfile.parse("FROM m\nSYSTEM \"\"\"first line\nsaid \"hi\"\nlast\"\"\"\n"
        + "TEMPLATE \"{{ .Prompt }}\"\nLICENSE \"\"\"MIT\"\"\"\nPARAMETER stop \"User:\"\n");

    assertThat(commands).extracting(Command::value)
        .containsExactly("m", "first line\nsaid \"hi\"\nlast", "{{ .Prompt }}", "MIT", "User:");
    assertThat(commands.get(2).line()).as("the line after a three-line value").isEqualTo(5);
  }

  /** A byte order mark is dropped before parsing ({@code unicode.BOMOverride}, 462), CRLF line ends are lines. */
  @Test
  void byteOrderMarkAndCrlfAreAccepted() {
    assertThat(Modelfile.parse("\uFEFFFROM m\r\nSYSTEM s\r\n")).extracting(Command::value).containsExactly("m", "s");
  }

  static Stream<Arguments> errors() {
    String invalidCommand = "command must be one of \"from\", \"license\", \"template\", \"system\", \"adapter\","
        + " \"draft\", \"renderer\", \"parser\", \"parameter\", \"message\", or \"requires\"";
    return Stream.of(
        // errInvalidCommand (439), raised with the line of the unknown name (492-497).
        Arguments.of("unknown instruction names its line", "FROM m\n\nFOO bar\n", "(line 3): " + invalidCommand),
        Arguments.of("instruction without a value", "FROM m\nSYSTEM\n", "(line 2): " + invalidCommand),
        // errInvalidMessageRole (438).
        Arguments.of("message with an unknown role", "FROM m\nMESSAGE tool hi\n",
            "(line 2): message role must be one of \"system\", \"user\", or \"assistant\""),
        // io.ErrUnexpectedEOF for a value never closed (566-568).
        Arguments.of("unterminated triple quote", "FROM m\nSYSTEM \"\"\"never closed\n", "(line 2): unexpected EOF"),
        // errMissingFrom (437, 576-582).
        Arguments.of("no FROM line", "SYSTEM s\n", "no FROM line"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("errors")
  void badModelfilesAre400InOllamasWords(String name, String text, String message) {
    assertThatThrownBy(() -> Modelfile.parse(text)).isInstanceOfSatisfying(OllamaError.class, e -> {
      assertThat(e.status()).isEqualTo(400);
      assertThat(e.getMessage()).isEqualTo(message);
    });
  }
}
