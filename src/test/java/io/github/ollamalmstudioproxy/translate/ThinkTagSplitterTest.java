package io.github.ollamalmstudioproxy.translate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ThinkTagSplitterTest {

  static Stream<Arguments> texts() {
    return Stream.of(
        c("plain answer", "Hello there", "", "Hello there"),
        c("think block then answer", "<think>why</think>Because", "why", "Because"),
        c("whitespace after both tags is dropped", "<think>\n  why\n</think>\n\nBecause", "why\n", "Because"),
        c("leading whitespace before the tag", "\n\n<think>a</think>b", "a", "b"),
        c("tag later in the answer is content", "Use <think>x</think> tags", "", "Use <think>x</think> tags"),
        c("unclosed block is all thinking", "<think>still going", "still going", ""),
        c("only a partial opening tag", "<thi", "", "<thi"),
        c("lookalike of the opening tag", "<thinking>x", "", "<thinking>x"),
        c("lookalike of the closing tag inside thinking", "<think>a</thin b</think>c", "a</thin b", "c"),
        c("empty think block", "<think></think>Answer", "", "Answer"),
        c("only whitespace", "  \n", "", "  \n"));
  }

  /** The same text split at every position, and char by char, separates identically. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("texts")
  void separatesWhateverTheChunking(String text, String thinking, String content) {
    assertThat(run(List.of(text))).containsExactly(thinking, content);
    for (int split = 0; split <= text.length(); split++) {
      assertThat(run(List.of(text.substring(0, split), text.substring(split))))
          .as("split at %d", split)
          .containsExactly(thinking, content);
    }
    assertThat(run(text.chars().mapToObj(ch -> String.valueOf((char) ch)).toList())).containsExactly(thinking, content);
  }

  private static List<String> run(List<String> pieces) {
    ThinkTagSplitter s = new ThinkTagSplitter();
    StringBuilder thinking = new StringBuilder();
    StringBuilder content = new StringBuilder();
    for (String piece : pieces) {
      if (piece.isEmpty()) {
        continue;
      }
      append(s.accept(piece), thinking, content);
    }
    append(s.flush(), thinking, content);
    return List.of(thinking.toString(), content.toString());
  }

  private static void append(Piece piece, StringBuilder thinking, StringBuilder content) {
    if (piece.thinking() != null) {
      thinking.append(piece.thinking());
    }
    if (piece.content() != null) {
      content.append(piece.content());
    }
  }

  private static Arguments c(String name, String text, String thinking, String content) {
    return Arguments.of(Named.of(name, text), thinking, content);
  }
}
